package dev.strangler.engine.source;

import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.PipelineConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Opens plain JDBC connections to the legacy database and turns connection failures into actionable messages. */
public final class SourceConnections {

    private SourceConnections() {
    }

    public static Connection open(PipelineConfig.Source source, String applicationName) {
        return open(source, applicationName, 60);
    }

    /**
     * A long-lived session that must notice a dead server: TCP keepalives on the client side too, and a read timeout
     * shorter than the standby's patience, so a hung query fails instead of hanging the lock holder.
     */
    static Connection openLockSession(PipelineConfig.Source source, String applicationName) {
        Properties extra = new Properties();
        extra.setProperty("tcpKeepAlive", "true");
        return open(source, applicationName, 15, extra);
    }

    private static Connection open(PipelineConfig.Source source, String applicationName, int socketTimeoutSeconds) {
        return open(source, applicationName, socketTimeoutSeconds, new Properties());
    }

    private static Connection open(PipelineConfig.Source source, String applicationName, int socketTimeoutSeconds,
                                   Properties extra) {
        Properties props = new Properties();
        props.putAll(extra);
        props.setProperty("user", source.user());
        props.setProperty("password", source.password().reveal());
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("connectTimeout", "10");
        props.setProperty("socketTimeout", Integer.toString(socketTimeoutSeconds));
        try {
            return DriverManager.getConnection(source.endpoint().jdbcUrl(), props);
        } catch (SQLException e) {
            throw explain(source, e);
        }
    }

    static SourceNotReadyException explain(PipelineConfig.Source source, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String where = "PostgreSQL at " + source.endpoint();
        if (state.equals("28P01") || state.equals("28000")) {
            return new SourceNotReadyException(where + " rejected role '" + source.user() + "' (" + firstLine(e)
                    + "): check source.user and source.password (STRANGLER_SOURCE_PASSWORD) and pg_hba.conf", e);
        }
        if (state.equals("3D000")) {
            return new SourceNotReadyException(where + ": database '" + source.endpoint().database()
                    + "' does not exist; fix the database name in source.url", e);
        }
        if (state.startsWith("08")) {
            return new SourceNotReadyException("cannot reach " + where + " (" + firstLine(e) + "): check source.url "
                    + "and that the server is running and accepts TCP connections from this host", e);
        }
        return new SourceNotReadyException(where + " refused the connection (SQLState " + state + ": "
                + firstLine(e) + ")", e);
    }

    public static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
