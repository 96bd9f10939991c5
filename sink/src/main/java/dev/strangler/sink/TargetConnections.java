package dev.strangler.sink;

import dev.strangler.sink.config.SinkConfig;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Opens the sink's JDBC connection to the legacy database and turns connection failures into actionable messages. */
final class TargetConnections {

    private TargetConnections() {
    }

    /** A connection in manual-commit mode, named so a DBA sees it in pg_stat_activity. */
    static Connection open(SinkConfig.Target target, String applicationName) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", target.user());
        props.setProperty("password", target.password().reveal());
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("connectTimeout", "10");
        props.setProperty("tcpKeepAlive", "true");
        Connection c = DriverManager.getConnection(target.jdbcUrl(), props);
        c.setAutoCommit(false);
        return c;
    }

    /** The first connection of a start: a failure here is one line with the fix. */
    static Connection openOrExplain(SinkConfig.Target target, String applicationName) {
        try {
            return open(target, applicationName);
        } catch (SQLException e) {
            throw explain(target, e);
        }
    }

    static TargetNotReadyException explain(SinkConfig.Target target, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        String where = "PostgreSQL at " + target.where();
        if (state.equals("28P01") || state.equals("28000")) {
            return new TargetNotReadyException(where + " rejected role '" + target.user() + "' ("
                    + SqlStates.describe(e) + "): check target.user and target.password (STRANGLER_TARGET_PASSWORD) "
                    + "and pg_hba.conf", e);
        }
        if (state.equals("3D000")) {
            return new TargetNotReadyException(where + ": the database does not exist; fix the database name in "
                    + "target.url", e);
        }
        if (state.startsWith("08")) {
            return new TargetNotReadyException("cannot reach " + where + " (" + SqlStates.describe(e) + "): check "
                    + "target.url and that the server is running and accepts TCP connections from this host", e);
        }
        return new TargetNotReadyException(where + " refused the sink: " + SqlStates.describe(e), e);
    }
}
