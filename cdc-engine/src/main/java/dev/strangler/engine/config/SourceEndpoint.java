package dev.strangler.engine.config;

import dev.strangler.security.JdbcUrls;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Host, port and database of the legacy PostgreSQL, parsed from the JDBC URL: Debezium wants them as separate
 * settings, while people and the JDBC driver want one URL.
 *
 * <p>The URL never carries credentials: a {@code user} or {@code password} parameter would override source.user and
 * source.password in the driver and be repeated by every message that shows the URL, so {@link #parse} refuses it;
 * and messages show {@link #toString()} (host:port/database) or {@link #redacted()}, never the query string.
 */
public record SourceEndpoint(String jdbcUrl, String host, int port, String database) {

    private static final Pattern URL =
            Pattern.compile("jdbc:postgresql://(?<host>\\[[^]]+]|[^:/?]+)(?::(?<port>\\d+))?/(?<db>[^?]+)(?:\\?.*)?");

    /** The keys to set instead of a URL's credential parameters. */
    private static final Map<String, String> INSTEAD = Map.of("user", PipelineKeys.SOURCE_USER.name(),
            "password", PipelineKeys.SOURCE_PASSWORD.name() + " (or " + PipelineKeys.SOURCE_PASSWORD_FILE.name() + ", "
                    + PipelineKeys.SOURCE_PASSWORD.environmentVariable() + ")");

    public static SourceEndpoint parse(String key, String url) {
        String trimmed = url.trim();
        if (JdbcUrls.hasUserInfo(trimmed)) {
            throw new ConfigException(key + ": '" + JdbcUrls.redact(trimmed) + "' names credentials before the host; "
                    + "remove them and set " + PipelineKeys.SOURCE_USER.name() + " and " + INSTEAD.get("password"));
        }
        List<String> credentials = JdbcUrls.credentialParameters(trimmed);
        if (!credentials.isEmpty()) {
            String instead = credentials.stream().map(p -> INSTEAD.get(p.toLowerCase(Locale.ROOT))).distinct()
                    .reduce((a, b) -> a + " and " + b).orElseThrow();
            throw new ConfigException(key + ": the URL carries " + String.join(" and ", credentials) + " as a query "
                    + "parameter; credentials never go in the URL (the driver would prefer them to the configured "
                    + "ones, and messages would show them): remove " + (credentials.size() == 1 ? "it" : "them")
                    + " and set " + instead);
        }
        Matcher m = URL.matcher(trimmed);
        if (!m.matches()) {
            throw new ConfigException(key + ": '" + JdbcUrls.redact(trimmed) + "' is not a PostgreSQL JDBC URL of one "
                    + "host; write jdbc:postgresql://HOST:PORT/DATABASE");
        }
        int port = m.group("port") == null ? 5432 : Integer.parseInt(m.group("port"));
        if (port < 1 || port > 65535) {
            throw new ConfigException(key + ": port " + port + " is out of range 1-65535");
        }
        return new SourceEndpoint(trimmed, m.group("host"), port, m.group("db"));
    }

    /** The URL without its query string, for messages that need more than host:port/database. */
    public String redacted() {
        return JdbcUrls.redact(jdbcUrl);
    }

    /** The URL's query parameters (sslmode, sslrootcert...), decoded as the driver decodes them. */
    public Map<String, String> parameters() {
        return JdbcUrls.queryParameters(jdbcUrl);
    }

    @Override
    public String toString() {
        return host + ":" + port + "/" + database;
    }
}
