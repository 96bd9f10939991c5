package dev.strangler.outbox;

import static dev.strangler.outbox.OutboxFixture.count;
import static dev.strangler.outbox.OutboxFixture.execute;
import static dev.strangler.outbox.OutboxFixture.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.sandbox.SandboxPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The outbox on a real PostgreSQL, through a HikariCP pool: what reaches the table and the WAL (read with a
 * test_decoding slot, which shows committed transactions only), for commits, rollbacks and refused input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxWriteIT {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    private static final String SLOT = "outbox_write_it";

    private SandboxPostgres postgres;
    private String db;
    private HikariDataSource dataSource;
    private final Outbox outbox = new Outbox(OutboxOptions.defaults().withTraceContext(TraceContext.none()));

    @BeforeAll
    void start() {
        postgres = SandboxPostgres.start();
        db = OutboxFixture.newDatabase(postgres);
        dataSource = OutboxFixture.pool(postgres, db);
        OutboxMigrations.apply(dataSource, null);
        execute(postgres, db, "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric(12, 2) NOT NULL)",
                "CREATE TABLE wal_marker (id serial PRIMARY KEY)",
                "SELECT pg_create_logical_replication_slot('" + SLOT + "', 'test_decoding')");
    }

    @AfterAll
    void stop() {
        if (dataSource != null) {
            dataSource.close();
        }
        postgres.close();
    }

    @BeforeEach
    void drainTheSlot() {
        execute(postgres, db, "DELETE FROM outbox", "DELETE FROM orders");
        flushWal();
        execute(postgres, db, "SELECT count(*) FROM pg_logical_slot_get_changes('" + SLOT + "', NULL, NULL)");
    }

    /**
     * Commits a marker with synchronous_commit on, which flushes the WAL written before it: the sandbox (zonky) runs
     * with synchronous_commit off, and logical decoding reads flushed WAL only.
     */
    private void flushWal() {
        execute(postgres, db, "SET synchronous_commit = on", "INSERT INTO wal_marker DEFAULT VALUES");
    }

    /** The committed changes to the outbox table since the last drain, as test_decoding prints them. */
    private List<String> outboxWal() {
        return wal("public.outbox");
    }

    private List<String> wal(String table) {
        flushWal();
        return strings(postgres, db, "SELECT data FROM pg_logical_slot_peek_changes('" + SLOT + "', NULL, NULL) "
                + "WHERE data LIKE 'table " + table + ":%'");
    }

    @Test
    void shouldCarryTheInsertInTheWalAndLeaveTheTableEmptyAfterACommit() throws SQLException {
        UUID id;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement order = c.prepareStatement("INSERT INTO orders VALUES (42, 42.00)")) {
                order.executeUpdate();
            }
            id = outbox.write(c, OutboxEvent.builder().aggregateType("order").aggregateId("42").type("OrderPlaced")
                    .payload("{\"total\": \"42.00\", \"lines\": [1, 2]}").header("tenant", "acme")
                    .traceparent(TRACEPARENT).occurredAt(Instant.parse("2024-03-01T10:00:00.123456Z")).build());
            c.commit();
        }
        assertThat(count(postgres, db, "SELECT count(*) FROM outbox")).isZero();
        assertThat(count(postgres, db, "SELECT count(*) FROM orders")).isEqualTo(1);
        List<String> wal = outboxWal();
        assertThat(wal).hasSize(2);
        assertThat(wal.get(0)).startsWith("table public.outbox: INSERT: ")
                .contains("id[uuid]:'" + id + "'", "aggregatetype[text]:'order'", "aggregateid[text]:'42'",
                        "type[text]:'OrderPlaced'", "payload[jsonb]:'{\"lines\": [1, 2], \"total\": \"42.00\"}'",
                        "occurred_at[timestamp with time zone]:'2024-03-01 10:00:00.123456+00'",
                        "traceparent[text]:'" + TRACEPARENT + "'", "headers[jsonb]:'{\"tenant\": \"acme\"}'");
        assertThat(wal.get(1)).isEqualTo("table public.outbox: DELETE: id[uuid]:'" + id + "'");
    }

    @Test
    void shouldKeepTheRowWhenDeleteAfterInsertIsOff() throws SQLException {
        Outbox keeping = new Outbox(OutboxOptions.defaults().withDeleteAfterInsert(false)
                .withTraceContext(() -> TRACEPARENT));
        UUID id;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            id = keeping.write(c, OutboxEvent.of("order", "7", "OrderPlaced", "{}"));
            c.commit();
        }
        assertThat(strings(postgres, db, "SELECT id || ' ' || aggregatetype || ' ' || aggregateid || ' ' || type || "
                + "' ' || payload || ' ' || traceparent || ' ' || coalesce(headers::text, '-') FROM outbox"))
                .containsExactly(id + " order 7 OrderPlaced {} " + TRACEPARENT + " -");
        assertThat(outboxWal()).singleElement().asString().startsWith("table public.outbox: INSERT: ");
    }

    @Test
    void shouldWriteSeveralEventsInOneTransactionInOrder() throws SQLException {
        List<UUID> ids;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            ids = outbox.writeAll(c, List.of(OutboxEvent.of("order", "1", "A", "{}"),
                    OutboxEvent.of("order", "1", "B", "{}"), OutboxEvent.of("customer", "9", "C", "{\"c\": []}")));
            c.commit();
        }
        List<String> inserts = outboxWal().stream().filter(l -> l.contains(": INSERT: ")).toList();
        assertThat(inserts).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(inserts.get(i)).contains("id[uuid]:'" + ids.get(i) + "'");
        }
        assertThat(count(postgres, db, "SELECT count(*) FROM outbox")).isZero();
    }

    @Test
    void shouldWriteNothingWhenTheTransactionRollsBack() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement order = c.prepareStatement("INSERT INTO orders VALUES (43, 1.00)")) {
                order.executeUpdate();
            }
            outbox.write(c, OutboxEvent.of("order", "43", "OrderPlaced", "{}"));
            c.rollback();
        }
        execute(postgres, db, "INSERT INTO orders VALUES (44, 1.00)"); // a later commit, so the slot moves on
        assertThat(count(postgres, db, "SELECT count(*) FROM orders")).isEqualTo(1);
        assertThat(outboxWal()).isEmpty();
        assertThat(wal("public.orders")).containsExactly("table public.orders: INSERT: id[bigint]:44 "
                + "total[numeric]:1.00");
    }

    @Test
    void shouldRefuseAnAutocommitConnectionAndWriteNothing() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            assertThat(c.getAutoCommit()).isTrue();
            assertThatThrownBy(() -> outbox.write(c, OutboxEvent.of("order", "1", "OrderPlaced", "{}")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("autocommit mode");
        }
        assertThat(count(postgres, db, "SELECT count(*) FROM outbox")).isZero();
        assertThat(outboxWal()).isEmpty();
    }

    @Test
    void shouldRefuseBadInputWithoutSpoilingTheCallersTransaction() throws SQLException {
        Outbox small = new Outbox(OutboxOptions.defaults().withMaxPayloadBytes(100));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement order = c.prepareStatement("INSERT INTO orders VALUES (45, 1.00)")) {
                order.executeUpdate();
            }
            assertThatThrownBy(() -> small.write(c, OutboxEvent.of("order", "45", "T",
                    "{\"big\":\"" + "x".repeat(200) + "\"}"))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> outbox.write(c, OutboxEvent.of("order", "45", "T", "{\"a\":\"\\u0000\"}")))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> outbox.write(c, OutboxEvent.of("order", " ", "T", "{}")))
                    .isInstanceOf(IllegalArgumentException.class);
            c.commit(); // still usable: nothing was sent for the refused events
        }
        assertThat(count(postgres, db, "SELECT count(*) FROM orders WHERE id = 45")).isEqualTo(1);
        assertThat(outboxWal()).isEmpty();
    }

    @Test
    void shouldNameTheMissingTableAndTheFix() throws SQLException {
        Outbox elsewhere = new Outbox(OutboxOptions.defaults().withTable("nowhere.outbox"));
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            assertThatThrownBy(() -> elsewhere.write(c, OutboxEvent.of("order", "1", "T", "{}")))
                    .isInstanceOf(OutboxException.class).hasMessageContaining("nowhere.outbox")
                    .hasMessageContaining("42P01").hasMessageContaining("OutboxMigrations.apply")
                    .hasCauseInstanceOf(SQLException.class);
            c.rollback();
        }
    }
}
