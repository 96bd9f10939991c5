package dev.strangler.sandbox;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Short SQL against one database of a {@link SandboxPostgres}, as its superuser, failures unchecked: the statements
 * and one-column queries that the tests of every module used to write out again in a fixture of their own.
 */
public final class SandboxSql {

    private final SandboxPostgres postgres;
    private final String database;

    private SandboxSql(SandboxPostgres postgres, String database) {
        this.postgres = postgres;
        this.database = database;
    }

    public static SandboxSql on(SandboxPostgres postgres, String database) {
        return new SandboxSql(postgres, database);
    }

    /**
     * Creates a database named {@code prefix_} and eight random hex digits, so that tests sharing a server never
     * share a database (nor, through it, a publication or the pipeline's schema).
     */
    public static SandboxSql newDatabase(SandboxPostgres postgres, String prefix) {
        String name = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
        postgres.createDatabase(name);
        return on(postgres, name);
    }

    public String database() {
        return database;
    }

    /** Runs the statements in order, each in autocommit. */
    public void execute(String... statements) {
        try (Connection c = postgres.connect(database); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + database + ": " + e.getMessage(), e);
        }
    }

    /** The first column of the first row, as a long. */
    public long queryLong(String sql) {
        List<List<String>> rows = rows(sql);
        if (rows.isEmpty() || rows.get(0).get(0) == null) {
            throw new IllegalStateException("no number from " + sql);
        }
        return Long.parseLong(rows.get(0).get(0));
    }

    /** The first column of every row, as text. */
    public List<String> queryStrings(String sql) {
        return rows(sql).stream().map(row -> row.get(0)).toList();
    }

    /** Every row, each column as text (null for NULL). */
    public List<List<String>> rows(String sql) {
        try (Connection c = postgres.connect(database); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            List<List<String>> rows = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed on " + database + ": " + e.getMessage(), e);
        }
    }
}
