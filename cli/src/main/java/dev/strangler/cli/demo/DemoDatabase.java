package dev.strangler.cli.demo;

import dev.strangler.engine.config.TableId;
import dev.strangler.sandbox.SandboxPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The demo's legacy database: created in the sandbox from the SQL files the sql module ships on the classpath. */
public final class DemoDatabase {

    public static final String NAME = "legacy";
    public static final List<String> SCRIPTS = List.of(
            "/strangler/sql/demo/01_legacy_schema.sql",
            "/strangler/sql/demo/02_seed.sql");
    /** What the pipeline captures: every shop table with a primary key. */
    public static final List<TableId> CAPTURED = List.of(
            new TableId("shop", "customers"),
            new TableId("shop", "products"),
            new TableId("shop", "orders"),
            new TableId("shop", "order_lines"));
    /** Written by the legacy app, deliberately not captured: it has no primary key. */
    public static final List<TableId> NOT_CAPTURED = List.of(new TableId("shop", "audit_log"));

    private DemoDatabase() {
    }

    /** Creates the database and runs the schema and seed scripts in order. */
    public static void create(SandboxPostgres postgres) throws SQLException {
        postgres.createDatabase(NAME);
        try (Connection c = postgres.connect(NAME); Statement st = c.createStatement()) {
            for (String script : SCRIPTS) {
                try {
                    st.execute(read(script));
                } catch (SQLException e) {
                    throw new SQLException("demo script " + script + " failed: " + e.getMessage(), e);
                }
            }
        }
    }

    /** count(*) per table, in the order given. */
    public static Map<TableId, Long> rowCounts(Connection c, List<TableId> tables) throws SQLException {
        Map<TableId, Long> counts = new LinkedHashMap<>();
        try (Statement st = c.createStatement()) {
            for (TableId table : tables) {
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table.quoted())) {
                    rs.next();
                    counts.put(table, rs.getLong(1));
                }
            }
        }
        return counts;
    }

    static String read(String resource) {
        try (InputStream in = DemoDatabase.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is not on the classpath; the strangler-sql jar is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
