package dev.strangler.engine.it;

import static dev.strangler.engine.it.EngineFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.sandbox.ChildJvm;
import dev.strangler.sandbox.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline process is killed with SIGKILL while the legacy app keeps writing, then started again: every change
 * must be in Kafka afterwards, once (exactly-once delivery, read_committed).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrashRecoveryIT {

    /** Customers the legacy app writes after the kill: changes made while no pipeline runs and after its restart. */
    private static final int AFTER_KILL = 600;
    /** A ceiling on the customers written before the kill, should the first commit be slow to come. */
    private static final int BEFORE_KILL_MAX = 20_000;

    private Sandbox sandbox;
    private String db;

    @BeforeAll
    void start() {
        sandbox = Sandbox.shared();
        db = createLegacyDatabase(sandbox, false);
    }

    @AfterAll
    void close() {
        sandbox.close();
    }

    @Test
    void shouldLoseNoChangeWhenThePipelineIsKilledMidStreamAndRestarted(@TempDir Path dir) throws Exception {
        Path configFile = dir.resolve("pipeline.properties");
        StringBuilder text = new StringBuilder();
        settings(sandbox, db, "crash").forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(configFile, text);
        String topic = "crash.shop.customers";

        ChildJvm first = launch(configFile, dir.resolve("first.log"));
        AtomicInteger written = new AtomicInteger();
        AtomicInteger writtenAfterKill = new AtomicInteger();
        CountDownLatch flowing = new CountDownLatch(1);
        CountDownLatch killed = new CountDownLatch(1);
        Set<String> expected = ConcurrentHashMap.newKeySet();
        Thread legacyApp = new Thread(() -> writeLegacyChanges(written, writtenAfterKill, flowing, killed, expected),
                "legacy-app");
        legacyApp.setDaemon(true); // a failed wait below must not leave it blocking the test JVM's exit
        legacyApp.start();

        try {
            assertThat(flowing.await(120, TimeUnit.SECONDS)).isTrue();
            // Mid-stream: events are flowing and at least one position has been committed. A kill before the very
            // first commit is a different case (see shouldLoseNoChangeWhenThePipelineIsKilledBeforeItsFirstCommit).
            await().atMost(Duration.ofSeconds(60)).until(() -> readAll(sandbox, List.of(topic)).size() > 50
                    && !readAll(sandbox, List.of("crash.offsets")).isEmpty());
        } finally {
            first.kill(); // also when the wait failed: a child JVM must never outlive the test
        }
        int publishedBeforeKill = readAll(sandbox, List.of(topic)).size();
        killed.countDown(); // the legacy app goes on writing while no pipeline runs

        ChildJvm second = launch(configFile, dir.resolve("second.log"));
        try {
            legacyApp.join(TimeUnit.MINUTES.toMillis(3));
            assertThat(legacyApp.isAlive()).isFalse();
            assertThat(writtenAfterKill.get()).isEqualTo(AFTER_KILL);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(observed(readAll(sandbox, List.of(topic)))).containsAll(expected));
        } finally {
            second.stop(Duration.ofSeconds(60));
        }

        List<Event> events = readAll(sandbox, List.of(topic));
        Set<String> observed = observed(events);
        assertThat(observed).containsAll(expected);
        assertThat(events).as("the restart resumed from the stored offsets instead of snapshotting again")
                .noneMatch(e -> e.op().equals("r"));
        assertThat(readAll(sandbox, List.of("crash.offsets"))).as("offsets live in the compacted Kafka topic")
                .isNotEmpty();
        Map<String, Integer> copies = new HashMap<>();
        events.stream().filter(e -> e.value() != null)
                .forEach(e -> copies.merge(e.op() + ":" + e.key().path("id").asLong() + "@" + e.lsn(), 1, Integer::sum));
        long duplicates = copies.values().stream().filter(n -> n > 1).mapToLong(n -> n - 1).sum();
        assertThat(duplicates).as("exactly once for a read_committed consumer, across the kill").isZero();
        System.out.printf("crash recovery: %d customers written (%d after the kill), %d expected changes, %d events "
                + "read, %d duplicates, %d published before the kill%n", written.get(), writtenAfterKill.get(),
                expected.size(), events.size(), duplicates, publishedBeforeKill);
    }

    /**
     * A pipeline killed before it ever committed a position leaves a slot and no stored position. Rows inserted and
     * deleted again in that window are in no snapshot: only streaming from the slot's own position publishes them.
     * The restart must stream from there first and snapshot after, so that per key the newest event is the row's
     * current state. (The engine commits its first position with its first batch, so the window is short; the first
     * run here commits to an offsets topic the second never reads, which leaves exactly that state.)
     */
    @Test
    void shouldLoseNoChangeWhenThePipelineIsKilledBeforeItsFirstCommit(@TempDir Path dir) throws Exception {
        String legacy = createLegacyDatabase(sandbox, false);
        String pipeline = "crashearly";
        String topic = pipeline + ".shop.customers";
        execute(sandbox, legacy, "INSERT INTO shop.customers (id, external_ref, name, email) SELECT g, "
                + "gen_random_uuid(), 'seed', 'c@example.com' FROM generate_series(1, 100) g");
        Map<String, String> settings = settings(sandbox, legacy, pipeline);
        // the killed run commits where the restart never looks, and never confirms a position to the slot: the
        // state a run killed before its first commit leaves
        settings.put("offsets.topic", pipeline + ".offsets-of-the-killed-run");
        Path neverCommits = write(dir.resolve("first.properties"), settings);
        settings.remove("offsets.topic");
        Path commits = write(dir.resolve("second.properties"), settings);

        Set<String> expected = new HashSet<>();
        ChildJvm first = launch(neverCommits, dir.resolve("first.log"), "debezium.flush.lsn.source=false");
        String slotAtStart = confirmedFlush("strangler_" + pipeline);
        int next = 1000;
        try (Connection c = connect(sandbox, legacy)) {
            next = transientCustomers(c, next, 100, expected);
            try {
                // streaming, and a position committed where the restart never looks
                await().atMost(Duration.ofSeconds(60)).until(() -> readAll(sandbox, List.of(topic)).stream()
                        .anyMatch(e -> e.op().equals("d"))
                        && !readAll(sandbox, List.of(pipeline + ".offsets-of-the-killed-run")).isEmpty());
            } finally {
                first.kill();
            }
            assertThat(confirmedFlush("strangler_" + pipeline)).as("the slot never moved").isEqualTo(slotAtStart);

            next = transientCustomers(c, next, 100, expected); // while no pipeline runs
            execute(sandbox, legacy, "UPDATE shop.customers SET name = 'while-down' WHERE id <= 50");
            ChildJvm second = launch(commits, dir.resolve("second.log"));
            try {
                transientCustomers(c, next, 100, expected);
                execute(sandbox, legacy, "UPDATE shop.customers SET name = 'after-restart' WHERE id <= 10");
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    List<Event> events = readAll(sandbox, List.of(topic));
                    assertThat(observed(events)).containsAll(expected);
                    assertThat(latestNamePerKey(events)).isEqualTo(currentNames(legacy));
                });
                // a lost replication connection restarts Debezium's task in the same process, still in the
                // recovery's snapshot mode: with the recovery finished, it must stream on, not catch up again
                String beats = "SELECT beats FROM strangler.heartbeat WHERE pipeline = '" + pipeline + "'";
                long beatsBefore = queryLong(sandbox, legacy, beats);
                execute(sandbox, legacy, "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots "
                        + "WHERE slot_name = 'strangler_" + pipeline + "' AND active_pid IS NOT NULL");
                // the task restarts after Debezium's 10 s back-off; a stalled stream would stop the 1 s heartbeats
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() ->
                        queryLong(sandbox, legacy, beats) >= beatsBefore + 5);
                execute(sandbox, legacy, "UPDATE shop.customers SET name = 'after-reconnect' WHERE id = 1");
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() ->
                        "after-reconnect".equals(latestNamePerKey(readAll(sandbox, List.of(topic))).get(1L)));
            } finally {
                second.stop(Duration.ofSeconds(60));
            }
        }
        List<Event> events = readAll(sandbox, List.of(topic));
        assertThat(events.stream().filter(e -> e.op().equals("u") && e.after().path("name").asText()
                .equals("while-down")).count()).as("updates made while no pipeline ran").isEqualTo(50);
        assertThat(Files.readString(dir.resolve("second.log"))).contains("no position was ever committed");
        assertThat(readAll(sandbox, List.of(pipeline + ".offsets"))).isNotEmpty();
        System.out.printf("kill before the first commit: %d transient customers expected as insert+delete, %d events "
                + "read, %d snapshot reads%n", expected.size() / 2, events.size(),
                events.stream().filter(e -> e.op().equals("r")).count());
    }

    /**
     * A pipeline killed during its first snapshot, after it committed a position (the engine commits with its first
     * batch, so a snapshot of any size has one): Debezium would snapshot again and stream from the new snapshot's
     * position, skipping what was written since the first one began. The restart must catch up from the stored
     * position first.
     */
    @Test
    void shouldLoseNoChangeWhenThePipelineIsKilledDuringItsFirstSnapshot(@TempDir Path dir) throws Exception {
        String legacy = createLegacyDatabase(sandbox, false);
        String pipeline = "crashsnap";
        String topic = pipeline + ".shop.customers";
        int seeded = 30_000;
        execute(sandbox, legacy, "INSERT INTO shop.customers (id, external_ref, name, email) SELECT g, "
                + "gen_random_uuid(), 'seed', 'c@example.com' FROM generate_series(1, " + seeded + ") g",
                // 20 ms every 100 rows: the snapshot takes 6 s or more however fast the machine, so the kill lands
                // after the first commit and before the snapshot ends
                "CREATE FUNCTION public.paced(id bigint) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN "
                        + "IF id % 100 = 0 THEN PERFORM pg_sleep(0.02); END IF; RETURN true; END $$");
        Map<String, String> settings = settings(sandbox, legacy, pipeline);
        settings.put("debezium.snapshot.select.statement.overrides", "shop.customers");
        settings.put("debezium.snapshot.select.statement.overrides.shop.customers",
                "SELECT * FROM shop.customers WHERE public.paced(id)");
        Path config = write(dir.resolve("pipeline.properties"), settings);

        Set<String> expected = new HashSet<>();
        ChildJvm first = launch(config, dir.resolve("first.log"));
        int next = seeded + 1;
        try (Connection c = connect(sandbox, legacy)) {
            try {
                next = transientCustomers(c, next, 50, expected); // during the snapshot: in the slot, in no snapshot
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() ->
                        !readAll(sandbox, List.of(pipeline + ".offsets")).isEmpty());
            } finally {
                first.kill();
            }
            List<Event> offsets = readAll(sandbox, List.of(pipeline + ".offsets"));
            JsonNode stored = offsets.get(offsets.size() - 1).value();
            assertThat(stored.path("snapshot").asText()).as("killed mid-snapshot: " + stored).isEqualTo("INITIAL");
            assertThat(stored.path("last_snapshot_record").asBoolean()).isFalse();

            next = transientCustomers(c, next, 50, expected); // while no pipeline runs
            ChildJvm second = launch(config, dir.resolve("second.log"));
            try {
                transientCustomers(c, next, 50, expected);
                execute(sandbox, legacy, "UPDATE shop.customers SET name = 'after-restart' WHERE id <= 10");
                await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                    List<Event> events = readAll(sandbox, List.of(topic));
                    assertThat(observed(events)).containsAll(expected);
                    assertThat(latestNamePerKey(events)).isEqualTo(currentNames(legacy));
                });
            } finally {
                second.stop(Duration.ofSeconds(60));
            }
        }
        assertThat(Files.readString(dir.resolve("second.log"))).contains("committed during the snapshot");
        System.out.printf("kill during the first snapshot: %d transient customers expected as insert+delete, %d "
                + "events read%n", expected.size() / 2, readAll(sandbox, List.of(topic)).size());
    }

    /** Inserts customers and deletes each right away: rows no snapshot ever sees. Returns the next free id. */
    private static int transientCustomers(Connection c, int from, int count, Set<String> expected) throws Exception {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO shop.customers (id, external_ref, name, email)"
                + " VALUES (?, gen_random_uuid(), 'transient', 'c@example.com')");
             PreparedStatement delete = c.prepareStatement("DELETE FROM shop.customers WHERE id = ?")) {
            for (int id = from; id < from + count; id++) {
                insert.setLong(1, id);
                insert.executeUpdate();
                delete.setLong(1, id);
                delete.executeUpdate();
                expected.add("c:" + id + ":transient");
                expected.add("d:" + id + ":");
            }
        }
        return from + count;
    }

    /** Per key, what its newest event says: the name, or null after a delete. */
    private static Map<Long, String> latestNamePerKey(List<Event> events) {
        Map<Long, String> latest = new HashMap<>();
        for (Event e : events) {
            if (e.value() == null) {
                continue;
            }
            latest.put(e.key().path("id").asLong(), e.op().equals("d") ? null : e.after().path("name").asText());
        }
        latest.values().removeIf(java.util.Objects::isNull);
        return latest;
    }

    private Map<Long, String> currentNames(String legacy) throws Exception {
        Map<Long, String> names = new HashMap<>();
        try (Connection c = connect(sandbox, legacy); var st = c.createStatement();
             var rs = st.executeQuery("SELECT id, name FROM shop.customers")) {
            while (rs.next()) {
                names.put(rs.getLong(1), rs.getString(2));
            }
        }
        return names;
    }

    private String confirmedFlush(String slot) throws Exception {
        try (Connection c = connect(sandbox, db); PreparedStatement ps = c.prepareStatement(
                "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (var rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private static Path write(Path file, Map<String, String> settings) throws Exception {
        StringBuilder text = new StringBuilder();
        settings.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return Files.writeString(file, text);
    }

    /**
     * The legacy app: inserts customers, updates every second one, deletes every fifth, each statement its own
     * transaction, at a steady pace until the pipeline is killed, then {@link #AFTER_KILL} customers more. Writing a
     * fixed amount after the kill (not a fixed total) makes sure changes land while no pipeline runs, however fast
     * the machine is.
     */
    private void writeLegacyChanges(AtomicInteger written, AtomicInteger writtenAfterKill, CountDownLatch flowing,
                                    CountDownLatch killed, Set<String> expected) {
        try (Connection c = connect(sandbox, db);
             PreparedStatement insert = c.prepareStatement("INSERT INTO shop.customers (id, external_ref, name, email)"
                     + " VALUES (?, gen_random_uuid(), 'v1', 'c@example.com')");
             PreparedStatement update = c.prepareStatement("UPDATE shop.customers SET name = 'v2' WHERE id = ?");
             PreparedStatement delete = c.prepareStatement("DELETE FROM shop.customers WHERE id = ?")) {
            for (int id = 1; writtenAfterKill.get() < AFTER_KILL; id++) {
                boolean afterKill = killed.getCount() == 0;
                insert.setLong(1, id);
                insert.executeUpdate();
                expected.add("c:" + id + ":v1");
                if (id % 2 == 0) {
                    update.setLong(1, id);
                    update.executeUpdate();
                    expected.add("u:" + id + ":v2");
                }
                if (id % 5 == 0) {
                    delete.setLong(1, id);
                    delete.executeUpdate();
                    expected.add("d:" + id + ":");
                }
                written.incrementAndGet();
                if (afterKill) {
                    writtenAfterKill.incrementAndGet();
                }
                if (id == 300) {
                    flowing.countDown();
                }
                if (id % 20 == 0) {
                    Thread.sleep(20); // a legacy app's pace: at most ~1,000 customers a second
                }
                if (!afterKill && id >= BEFORE_KILL_MAX) {
                    killed.await();
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<String> observed(List<Event> events) {
        Set<String> result = new HashSet<>();
        for (Event e : events) {
            if (e.value() == null) {
                continue;
            }
            String name = e.op().equals("d") ? "" : e.after().path("name").asText();
            result.add(e.op() + ":" + e.key().path("id").asLong() + ":" + name);
        }
        return result;
    }

    private static ChildJvm launch(Path configFile, Path log, String... unguardedDebezium) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of(configFile.toString()));
        args.addAll(List.of(unguardedDebezium));
        return ChildJvm.start(PipelineProcessMain.class, args, List.of("-Xmx512m"), log,
                "RUNNING", Duration.ofSeconds(120));
    }
}
