package dev.strangler.security;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a JDBC URL may carry and how it may be shown. A URL is configuration that people paste into tickets and that
 * messages repeat, so credentials never belong in it: the driver would prefer a {@code password} parameter over the
 * configured password, and every message that echoed the URL would print it.
 */
public final class JdbcUrls {

    /** Query parameters that carry credentials, lower-cased: PgJDBC reads {@code user} and {@code password}. */
    private static final Set<String> CREDENTIAL_PARAMETERS = Set.of("user", "password");

    private JdbcUrls() {
    }

    /**
     * The URL as messages may show it: without its query string (whose parameters may carry a password) and without
     * credentials written before the host ({@code //user:password@host}).
     */
    public static String redact(String url) {
        if (url == null) {
            return "";
        }
        String u = url.trim();
        int q = u.indexOf('?');
        String base = q < 0 ? u : u.substring(0, q);
        int authority = base.indexOf("//");
        if (authority >= 0) {
            int at = base.indexOf('@', authority + 2);
            int slash = base.indexOf('/', authority + 2);
            if (at >= 0 && (slash < 0 || at < slash)) {
                base = base.substring(0, authority + 2) + "***@" + base.substring(at + 1);
            }
        }
        return q < 0 ? base : base + "?...";
    }

    /** True when the URL names credentials before the host, {@code //user[:password]@host}. */
    public static boolean hasUserInfo(String url) {
        String base = url.contains("?") ? url.substring(0, url.indexOf('?')) : url;
        int authority = base.indexOf("//");
        if (authority < 0) {
            return false;
        }
        int at = base.indexOf('@', authority + 2);
        int slash = base.indexOf('/', authority + 2);
        return at >= 0 && (slash < 0 || at < slash);
    }

    /** The query parameters carrying credentials ({@code user}, {@code password}), by name as written. */
    public static List<String> credentialParameters(String url) {
        List<String> found = new ArrayList<>();
        queryParameters(url).keySet().forEach(name -> {
            if (CREDENTIAL_PARAMETERS.contains(name.toLowerCase(Locale.ROOT))) {
                found.add(name);
            }
        });
        return found;
    }

    /**
     * The query parameters, names and values URL-decoded as PgJDBC decodes them, in their order; a parameter without
     * '=' has the empty value.
     */
    public static Map<String, String> queryParameters(String url) {
        Map<String, String> result = new LinkedHashMap<>();
        int q = url.indexOf('?');
        if (q < 0) {
            return result;
        }
        for (String pair : url.substring(q + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            result.put(decode(name), decode(value));
        }
        return result;
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text; // PgJDBC keeps a value it cannot decode as it is
        }
    }
}
