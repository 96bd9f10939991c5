package dev.strangler.parity;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;

/** Connections to the legacy database for the checker and its history, with timeouts and messages that name the fix. */
public final class Connections {

    /** How long to wait for PostgreSQL to accept a connection (and to log in). */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private Connections() {
    }

    /**
     * @param socketTimeout how long one read may wait for the server; zero for no limit (the cut's transaction scans
     *                      whole tables and must not be cut short)
     */
    public static Connection open(ParityConfig config, String applicationName, Duration socketTimeout) {
        return open(config, config.jdbcUrl(), applicationName, socketTimeout);
    }

    /** A connection to {@code jdbcUrl} (a standby source's primary) as the config's user. */
    static Connection open(ParityConfig config, String jdbcUrl, String applicationName, Duration socketTimeout) {
        Properties p = new Properties();
        p.setProperty("user", config.user());
        p.setProperty("password", config.password() == null ? "" : config.password());
        p.setProperty("ApplicationName", applicationName);
        p.setProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        p.setProperty("loginTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        p.setProperty("socketTimeout", Long.toString(socketTimeout.toSeconds()));
        try {
            return DriverManager.getConnection(jdbcUrl, p);
        } catch (SQLException e) {
            throw new ParityException("cannot connect to PostgreSQL at " + redacted(jdbcUrl) + " as '"
                    + config.user() + "': " + firstLine(e) + " — check source.url, source.user and "
                    + "source.password", e);
        }
    }

    /** The JDBC URL without query parameters (they may carry a password). */
    public static String redacted(String url) {
        int q = url.indexOf('?');
        return q < 0 ? url : url.substring(0, q);
    }

    public static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
