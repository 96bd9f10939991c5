package dev.strangler.cli.dba;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs a psql script over JDBC the way {@code psql -v ON_ERROR_STOP=1 -f} would: each command on its own in
 * autocommit (so ALTER SYSTEM and other statements that refuse a transaction block work), \gexec by running every
 * value of the query's result as a statement, and the first error stops the script with its line.
 */
public final class PsqlRunner {

    private PsqlRunner() {
    }

    /** Runs {@code text} (named {@code script} in errors) on {@code connection}, which must be in autocommit. */
    public static void run(Connection connection, String script, String text, Map<String, String> variables)
            throws SQLException {
        if (!connection.getAutoCommit()) {
            throw new IllegalArgumentException("psql scripts run in autocommit, as psql does");
        }
        for (PsqlScript.Command command : PsqlScript.parse(text, variables)) {
            try (Statement st = connection.createStatement()) {
                st.setEscapeProcessing(false);
                if (!command.gexec()) {
                    st.execute(command.sql());
                    continue;
                }
                List<String> generated = new ArrayList<>();
                try (ResultSet rs = st.executeQuery(command.sql())) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            String value = rs.getString(i);
                            if (value != null) {
                                generated.add(value);
                            }
                        }
                    }
                }
                for (String sql : generated) {
                    st.execute(sql);
                }
            } catch (SQLException e) {
                throw new SQLException(script + ", line " + command.line() + ": " + e.getMessage(), e.getSQLState(),
                        e);
            }
        }
    }
}
