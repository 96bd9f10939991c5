package dev.strangler.outbox.routing;

import static dev.strangler.outbox.routing.RoutingFixture.aggregateId;
import static dev.strangler.outbox.routing.RoutingFixture.execute;
import static dev.strangler.outbox.routing.RoutingFixture.queryLong;
import static dev.strangler.outbox.routing.RoutingFixture.readAll;
import static dev.strangler.outbox.routing.RoutingFixture.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.outbox.Inbox;
import dev.strangler.outbox.Outbox;
import dev.strangler.outbox.OutboxEvent;
import dev.strangler.outbox.OutboxHeaders;
import dev.strangler.outbox.OutboxMigrations;
import dev.strangler.outbox.OutboxOptions;
import dev.strangler.outbox.TraceContext;
import dev.strangler.outbox.routing.RoutingFixture.Received;
import dev.strangler.sandbox.ChildJvm;
import dev.strangler.sandbox.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline process is killed with SIGKILL while a service keeps writing outbox events, then started again: every
 * committed event reaches Kafka once (exactly-once delivery, read_committed), in order per aggregate, no rolled-back
 * one does, and a consumer using the inbox applies each event exactly once even when every record is delivered to it
 * twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxCrashRecoveryIT {

    private static final String PIPELINE = "outboxcrash";
    private static final String TOPIC = PIPELINE + ".outbox.order";
    /** Transactions the service runs after the kill: events written while no pipeline runs and after its restart. */
    private static final int AFTER_KILL = 300;
    /** A ceiling on the transactions run before the kill, should the first commit be slow to come. */
    private static final int BEFORE_KILL_MAX = 10_000;
    private static final int AGGREGATES = 25;

    private Sandbox sandbox;
    private String serviceDb;
    private String consumerDb;
    private HikariDataSource service;
    private HikariDataSource consumer;

    @BeforeAll
    void start() {
        sandbox = Sandbox.shared();
        serviceDb = RoutingFixture.newDatabase(sandbox, "svc");
        consumerDb = RoutingFixture.newDatabase(sandbox, "billing");
        service = RoutingFixture.pool(sandbox, serviceDb);
        consumer = RoutingFixture.pool(sandbox, consumerDb);
        OutboxMigrations.apply(service, null);
        OutboxMigrations.apply(consumer, null);
        execute(sandbox, serviceDb, "CREATE TABLE public.orders (id bigint PRIMARY KEY, aggregate text NOT NULL)");
        execute(sandbox, consumerDb, "CREATE TABLE effects (n bigserial PRIMARY KEY, event_id uuid NOT NULL, "
                + "aggregate text NOT NULL, seq int NOT NULL)");
    }

    @AfterAll
    void stop() {
        if (service != null) {
            service.close();
        }
        if (consumer != null) {
            consumer.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private boolean offsetsCommitted() {
        return !readAll(sandbox, List.of(PIPELINE + ".offsets")).isEmpty();
    }

    @Test
    void shouldDeliverEveryCommittedEventAcrossAKillAndApplyEachOnceWithTheInbox(@TempDir Path dir) throws Exception {
        Path configFile = dir.resolve("pipeline.properties");
        StringBuilder text = new StringBuilder();
        Map<String, String> settings = settings(sandbox, serviceDb, PIPELINE, "public.orders");
        // short enough that the first position is committed while the service is still writing; a kill still
        // loses up to this much committed position, so events are sent again
        settings.put("offsets.flush.interval", "500ms");
        settings.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(configFile, text);

        ChildJvm first = launch(configFile, dir.resolve("first.log"));
        Map<String, List<UUID>> committed = new ConcurrentHashMap<>();
        Set<UUID> rolledBack = ConcurrentHashMap.newKeySet();
        AtomicInteger doneAfterKill = new AtomicInteger();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        CountDownLatch flowing = new CountDownLatch(1);
        CountDownLatch killed = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try {
                writeEvents(committed, rolledBack, doneAfterKill, flowing, killed);
            } catch (Throwable e) {
                writerFailure.set(e);
                flowing.countDown();
            }
        }, "service");
        writer.setDaemon(true); // a failed wait below must not leave it blocking the test JVM's exit
        writer.start();

        try {
            assertThat(flowing.await(120, TimeUnit.SECONDS)).isTrue();
            // mid-stream: events flow and a position has been committed (a kill before the very first commit is
            // covered in the engine's CrashRecoveryIT)
            await().atMost(Duration.ofSeconds(60)).until(() -> readAll(sandbox, List.of(TOPIC)).size() > 50
                    && offsetsCommitted());
        } finally {
            first.kill(); // also when the wait failed: a child JVM must never outlive the test
        }
        int publishedBeforeKill = readAll(sandbox, List.of(TOPIC)).size();
        killed.countDown(); // the service goes on writing while no pipeline runs

        ChildJvm second = launch(configFile, dir.resolve("second.log"));
        List<Received> records;
        try {
            writer.join(TimeUnit.MINUTES.toMillis(3));
            assertThat(writerFailure.get()).isNull();
            assertThat(writer.isAlive()).isFalse();
            assertThat(doneAfterKill.get()).isEqualTo(AFTER_KILL);
            Set<UUID> expected = new LinkedHashSet<>();
            committed.values().forEach(expected::addAll);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(ids(readAll(sandbox, List.of(TOPIC)))).containsAll(expected));
        } finally {
            second.stop(Duration.ofSeconds(60));
        }
        records = readAll(sandbox, List.of(TOPIC));

        int committedCount = committed.values().stream().mapToInt(List::size).sum();
        List<UUID> ids = ids(records);
        assertThat(new LinkedHashSet<>(ids)).hasSize(committedCount).doesNotContainAnyElementsOf(rolledBack);
        Map<String, List<UUID>> firstSeenOrder = new LinkedHashMap<>();
        Set<UUID> seen = new java.util.HashSet<>();
        for (Received r : records) {
            UUID id = OutboxHeaders.eventId(r.headers());
            if (seen.add(id)) {
                firstSeenOrder.computeIfAbsent(aggregateId(r), k -> new ArrayList<>()).add(id);
            }
        }
        assertThat(firstSeenOrder).as("per aggregate, in commit order").isEqualTo(new HashMap<>(committed));
        int duplicates = records.size() - committedCount;
        assertThat(duplicates).as("exactly once for a read_committed consumer, across the kill").isZero();

        // The consumer: every record delivered twice (say, a rebalance replays the whole topic), each applied once.
        Inbox inbox = new Inbox();
        AtomicInteger ran = new AtomicInteger();
        for (int pass = 0; pass < 2; pass++) {
            for (Received r : records) {
                try (Connection c = consumer.getConnection()) {
                    c.setAutoCommit(false);
                    inbox.processOnce(c, "billing", OutboxHeaders.eventId(r.headers()), tx -> {
                        ran.incrementAndGet();
                        apply(tx, r);
                    });
                    c.commit();
                }
            }
        }
        assertThat(ran.get()).isEqualTo(committedCount);
        assertThat(queryLong(sandbox, consumerDb, "SELECT count(*) FROM effects")).isEqualTo(committedCount);
        assertThat(queryLong(sandbox, consumerDb, "SELECT count(DISTINCT event_id) FROM effects"))
                .isEqualTo(committedCount);
        assertThat(queryLong(sandbox, consumerDb, "SELECT count(*) FROM inbox WHERE consumer = 'billing'"))
                .isEqualTo(committedCount);
        assertThat(effectsInOrder()).as("applied in order per aggregate").isEqualTo(new HashMap<>(committed));
        System.out.printf("outbox crash recovery: %d committed events (%d rolled back), %d records read, %d "
                        + "duplicates, %d published before the kill; the inbox applied %d of %d deliveries%n",
                committedCount, rolledBack.size(), records.size(), duplicates, publishedBeforeKill, ran.get(),
                2 * records.size());
    }

    /**
     * The service: each transaction an order row and one or two outbox events; every ninth rolls back. It writes at a
     * steady pace until the pipeline is killed, then {@link #AFTER_KILL} transactions more, so that events are
     * written while no pipeline runs however fast the machine is.
     */
    private void writeEvents(Map<String, List<UUID>> committed, Set<UUID> rolledBack, AtomicInteger doneAfterKill,
                             CountDownLatch flowing, CountDownLatch killed) throws Exception {
        Outbox outbox = new Outbox(OutboxOptions.defaults().withTraceContext(TraceContext.none()));
        Map<String, Integer> seq = new HashMap<>();
        for (int tx = 0; doneAfterKill.get() < AFTER_KILL; tx++) {
            boolean afterKill = killed.getCount() == 0;
            String aggregate = "order-" + (tx % AGGREGATES);
            int events = tx % 4 == 0 ? 2 : 1;
            List<OutboxEvent> written = new ArrayList<>();
            try (Connection c = service.getConnection()) {
                c.setAutoCommit(false);
                try (PreparedStatement order = c.prepareStatement("INSERT INTO orders VALUES (?, ?)")) {
                    order.setLong(1, tx);
                    order.setString(2, aggregate);
                    order.executeUpdate();
                }
                for (int i = 0; i < events; i++) {
                    int n = seq.getOrDefault(aggregate, 0) + i;
                    OutboxEvent e = OutboxEvent.builder().aggregateType("order").aggregateId(aggregate)
                            .type("OrderChanged").payload("{\"seq\": " + n + ", \"tx\": " + tx + "}").build();
                    outbox.write(c, e);
                    written.add(e);
                }
                if (tx % 9 == 4) {
                    c.rollback();
                    written.forEach(e -> rolledBack.add(e.id()));
                } else {
                    c.commit();
                    seq.merge(aggregate, events, Integer::sum);
                    List<UUID> list = committed.computeIfAbsent(aggregate, k -> Collections.synchronizedList(
                            new ArrayList<>()));
                    written.forEach(e -> list.add(e.id()));
                }
            }
            if (afterKill) {
                doneAfterKill.incrementAndGet();
            }
            if (tx == 200) {
                flowing.countDown();
            }
            if (tx % 10 == 0) {
                Thread.sleep(40); // a service's pace: at most ~250 transactions a second
            }
            if (!afterKill && tx >= BEFORE_KILL_MAX) {
                killed.await();
            }
        }
    }

    private static void apply(Connection tx, Received r) throws SQLException {
        try (PreparedStatement st = tx.prepareStatement("INSERT INTO effects (event_id, aggregate, seq) "
                + "VALUES (?, ?, ?)")) {
            st.setObject(1, OutboxHeaders.eventId(r.headers()));
            st.setString(2, aggregateId(r));
            st.setInt(3, r.valueJson().path("seq").asInt());
            st.executeUpdate();
        }
    }

    private Map<String, List<UUID>> effectsInOrder() throws SQLException {
        Map<String, List<UUID>> result = new HashMap<>();
        try (Connection c = consumer.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT aggregate, event_id FROM effects ORDER BY n")) {
            while (rs.next()) {
                result.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getObject(2, UUID.class));
            }
        }
        return result;
    }

    private static List<UUID> ids(List<Received> records) {
        return records.stream().map(r -> OutboxHeaders.eventId(r.headers())).toList();
    }

    private static ChildJvm launch(Path configFile, Path log) throws Exception {
        return ChildJvm.start(OutboxPipelineProcessMain.class, List.of(configFile.toString()), List.of("-Xmx512m"), log,
                "RUNNING", Duration.ofSeconds(120));
    }
}
