package dev.strangler.engine.config;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Host, port and database of the legacy PostgreSQL, parsed from the JDBC URL: Debezium wants them as separate
 * settings, while people and the JDBC driver want one URL.
 */
public record SourceEndpoint(String jdbcUrl, String host, int port, String database) {

    private static final Pattern URL =
            Pattern.compile("jdbc:postgresql://(?<host>\\[[^]]+]|[^:/?]+)(?::(?<port>\\d+))?/(?<db>[^?]+)(?:\\?.*)?");

    public static SourceEndpoint parse(String key, String url) {
        Matcher m = URL.matcher(url.trim());
        if (!m.matches()) {
            throw new ConfigException(key + ": '" + url + "' is not a PostgreSQL JDBC URL of one host; write "
                    + "jdbc:postgresql://HOST:PORT/DATABASE");
        }
        int port = m.group("port") == null ? 5432 : Integer.parseInt(m.group("port"));
        if (port < 1 || port > 65535) {
            throw new ConfigException(key + ": port " + port + " is out of range 1-65535");
        }
        return new SourceEndpoint(url.trim(), m.group("host"), port, m.group("db"));
    }

    @Override
    public String toString() {
        return host + ":" + port + "/" + database;
    }
}
