package dev.strangler.demo;

import dev.strangler.contract.TableId;
import dev.strangler.outbox.OutboxMigrations;
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

/**
 * The demo's database: the legacy shop, created in the sandbox from the SQL files the sql module ships on the
 * classpath, and next to it the schema of a new service with its transactional outbox.
 */
public final class DemoDatabase {

    public static final String NAME = "legacy";
    public static final List<String> SCRIPTS = List.of(
            "/strangler/sql/demo/01_legacy_schema.sql",
            "/strangler/sql/demo/02_seed.sql");
    /** The back office's web orders: written by the sink from the new service's events, and by the legacy app. */
    public static final TableId WEB_ORDERS = new TableId("shop", "web_orders");
    public static final String WEB_ORDERS_SCRIPT = "/strangler/sql/demo/04_web_orders.sql";
    /** What the pipeline captures: every shop table with a primary key. */
    public static final List<TableId> CAPTURED = List.of(
            new TableId("shop", "customers"),
            new TableId("shop", "products"),
            new TableId("shop", "orders"),
            new TableId("shop", "order_lines"),
            WEB_ORDERS);
    /** Written by the legacy app, deliberately not captured: it has no primary key. */
    public static final List<TableId> NOT_CAPTURED = List.of(new TableId("shop", "audit_log"));

    /** The new service's schema: its business tables and its outbox. */
    public static final String NEW_SERVICE_SCHEMA = "orders_svc";
    public static final String NEW_SERVICE_SCRIPT = "/strangler/sql/demo/03_new_service.sql";
    /** The new service's own orders: not captured, its events reach Kafka through the outbox instead. */
    public static final TableId NEW_SERVICE_ORDERS = new TableId(NEW_SERVICE_SCHEMA, "orders");
    /** Routed by the pipeline (outbox.tables), never published as a table topic. */
    public static final TableId OUTBOX = new TableId(NEW_SERVICE_SCHEMA, "outbox");

    private DemoDatabase() {
    }

    /**
     * Creates the database, runs the legacy schema and seed scripts in order, the web orders table the sink feeds,
     * then the new service's schema, and
     * applies the outbox migration to it the way a service would: with the library's {@link OutboxMigrations}.
     */
    public static void create(SandboxPostgres postgres) throws SQLException {
        postgres.createDatabase(NAME);
        try (Connection c = postgres.connect(NAME); Statement st = c.createStatement()) {
            for (String script : SCRIPTS) {
                run(st, script);
            }
            run(st, WEB_ORDERS_SCRIPT);
            run(st, NEW_SERVICE_SCRIPT);
        }
        OutboxMigrations.apply(postgres.jdbcUrl(NAME), postgres.superuser(), postgres.superuserPassword(),
                NEW_SERVICE_SCHEMA);
    }

    private static void run(Statement st, String script) throws SQLException {
        try {
            st.execute(read(script));
        } catch (SQLException e) {
            throw new SQLException("demo script " + script + " failed: " + e.getMessage(), e);
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
