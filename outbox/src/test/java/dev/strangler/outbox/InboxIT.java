package dev.strangler.outbox;

import static dev.strangler.outbox.OutboxFixture.count;
import static dev.strangler.outbox.OutboxFixture.execute;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.sandbox.SandboxPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The idempotent consumer on a real PostgreSQL: each event's work runs once per consumer, in its transaction. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InboxIT {

    private SandboxPostgres postgres;
    private String db;
    private HikariDataSource dataSource;
    private final Inbox inbox = new Inbox();

    @BeforeAll
    void start() {
        postgres = SandboxPostgres.start();
        db = OutboxFixture.newDatabase(postgres);
        dataSource = OutboxFixture.pool(postgres, db);
        OutboxMigrations.apply(dataSource, null);
        execute(postgres, db, "CREATE TABLE effects (event_id uuid, note text)");
    }

    @AfterAll
    void stop() {
        if (dataSource != null) {
            dataSource.close();
        }
        postgres.close();
    }

    private boolean deliver(String consumer, UUID eventId) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            boolean ran = inbox.processOnce(c, consumer, eventId, tx -> effect(tx, eventId, consumer));
            c.commit();
            return ran;
        }
    }

    private static void effect(Connection tx, UUID eventId, String note) throws SQLException {
        try (PreparedStatement st = tx.prepareStatement("INSERT INTO effects VALUES (?, ?)")) {
            st.setObject(1, eventId);
            st.setString(2, note);
            st.executeUpdate();
        }
    }

    private long effects(UUID eventId) {
        return count(postgres, db, "SELECT count(*) FROM effects WHERE event_id = '" + eventId + "'");
    }

    @Test
    void shouldRunTheWorkOncePerConsumerHoweverOftenTheEventIsDelivered() throws SQLException {
        UUID id = UUID.randomUUID();
        assertThat(deliver("billing", id)).isTrue();
        assertThat(deliver("billing", id)).isFalse();
        assertThat(deliver("billing", id)).isFalse();
        assertThat(deliver("shipping", id)).as("another consumer processes it too").isTrue();
        assertThat(effects(id)).isEqualTo(2);
        try (Connection c = dataSource.getConnection()) {
            assertThat(inbox.isProcessed(c, "billing", id)).isTrue();
            assertThat(inbox.isProcessed(c, "billing", UUID.randomUUID())).isFalse();
        }
    }

    @Test
    void shouldForgetTheEventWhenTheConsumersTransactionRollsBack() throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            assertThat(inbox.processOnce(c, "billing", id, tx -> effect(tx, id, "first"))).isTrue();
            c.rollback();
        }
        assertThat(effects(id)).isZero();
        assertThat(deliver("billing", id)).as("redelivered after the rollback: processed now").isTrue();
        assertThat(effects(id)).isEqualTo(1);
    }

    @Test
    void shouldUndoTheInboxRowAndTheWorksWritesWhenTheWorkFailsAndKeepTheTransactionUsable() throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            assertThatThrownBy(() -> inbox.processOnce(c, "billing", id, tx -> {
                effect(tx, id, "half done");
                try (PreparedStatement st = tx.prepareStatement("SELECT 1 / 0")) {
                    st.executeQuery();
                }
            })).isInstanceOf(SQLException.class).hasMessageContaining("division by zero");
            effect(c, UUID.randomUUID(), "the caller's own work after the failure");
            c.commit();
        }
        assertThat(effects(id)).isZero();
        assertThat(deliver("billing", id)).as("not marked processed").isTrue();
    }

    @Test
    void shouldRethrowAnUncheckedFailureOfTheWorkUnchanged() throws SQLException {
        UUID id = UUID.randomUUID();
        IllegalStateException boom = new IllegalStateException("boom");
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            assertThatThrownBy(() -> inbox.processOnce(c, "billing", id, tx -> {
                throw boom;
            })).isSameAs(boom);
            c.commit();
        }
        assertThat(deliver("billing", id)).isTrue();
    }

    @Test
    void shouldLetOnlyOneOfTwoConcurrentDeliveriesRunTheWork() throws Exception {
        UUID id = UUID.randomUUID();
        CountDownLatch firstInside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger ran = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Boolean> first = pool.submit(() -> {
                try (Connection c = dataSource.getConnection()) {
                    c.setAutoCommit(false);
                    boolean r = inbox.processOnce(c, "billing", id, tx -> {
                        ran.incrementAndGet();
                        effect(tx, id, "first");
                        firstInside.countDown();
                        release.await(30, TimeUnit.SECONDS);
                    });
                    c.commit();
                    return r;
                }
            });
            assertThat(firstInside.await(30, TimeUnit.SECONDS)).isTrue();
            Future<Boolean> second = pool.submit(() -> deliver("billing", id)); // blocks on the first's row
            Thread.sleep(300);
            assertThat(second.isDone()).as("waits for the first transaction").isFalse();
            release.countDown();
            assertThat(first.get(30, TimeUnit.SECONDS)).isTrue();
            assertThat(second.get(30, TimeUnit.SECONDS)).isFalse();
        } finally {
            pool.shutdownNow();
        }
        assertThat(ran.get()).isEqualTo(1);
        assertThat(effects(id)).isEqualTo(1);
    }

    @Test
    void shouldRefuseAnAutocommitConnectionAndRecordNothing() throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = dataSource.getConnection()) {
            assertThatThrownBy(() -> inbox.processOnce(c, "billing", id, tx -> effect(tx, id, "x")))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("autocommit mode");
        }
        assertThat(count(postgres, db, "SELECT count(*) FROM inbox WHERE event_id = '" + id + "'")).isZero();
        assertThat(effects(id)).isZero();
    }

    @Test
    void shouldTrimOldRows() throws SQLException {
        UUID old = UUID.randomUUID();
        execute(postgres, db, "INSERT INTO inbox (consumer, event_id, processed_at) VALUES ('trim', '" + old
                + "', now() - interval '30 days')");
        UUID recent = UUID.randomUUID();
        deliver("trim", recent);
        try (Connection c = dataSource.getConnection()) {
            assertThat(inbox.deleteProcessedBefore(c, Instant.now().minusSeconds(7 * 86400))).isEqualTo(1);
            assertThat(inbox.isProcessed(c, "trim", old)).isFalse();
            assertThat(inbox.isProcessed(c, "trim", recent)).isTrue();
        }
    }
}
