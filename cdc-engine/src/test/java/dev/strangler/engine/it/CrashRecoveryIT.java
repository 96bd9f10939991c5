package dev.strangler.engine.it;

import static dev.strangler.engine.it.EngineFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strangler.sandbox.Sandbox;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
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
 * must be in Kafka afterwards. Duplicates are allowed (at-least-once) and counted.
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
        sandbox = Sandbox.start();
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

        Process first = launch(configFile, dir.resolve("first.log"));
        AtomicInteger written = new AtomicInteger();
        AtomicInteger writtenAfterKill = new AtomicInteger();
        CountDownLatch flowing = new CountDownLatch(1);
        CountDownLatch killed = new CountDownLatch(1);
        Set<String> expected = ConcurrentHashMap.newKeySet();
        Thread legacyApp = new Thread(() -> writeLegacyChanges(written, writtenAfterKill, flowing, killed, expected),
                "legacy-app");
        legacyApp.start();

        assertThat(flowing.await(120, TimeUnit.SECONDS)).isTrue();
        // Mid-stream: events are flowing and at least one position has been committed. A kill before the very
        // first commit is a different case (see StartWithoutCommittedPositionIT).
        await().atMost(Duration.ofSeconds(60)).until(() -> readAll(sandbox, List.of(topic)).size() > 50
                && !readAll(sandbox, List.of("crash.offsets")).isEmpty());
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        int publishedBeforeKill = readAll(sandbox, List.of(topic)).size();
        killed.countDown(); // the legacy app goes on writing while no pipeline runs

        Process second = launch(configFile, dir.resolve("second.log"));
        try {
            legacyApp.join(TimeUnit.MINUTES.toMillis(3));
            assertThat(legacyApp.isAlive()).isFalse();
            assertThat(writtenAfterKill.get()).isEqualTo(AFTER_KILL);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                    assertThat(observed(readAll(sandbox, List.of(topic)))).containsAll(expected));
        } finally {
            second.destroy();
            second.waitFor(60, TimeUnit.SECONDS);
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
        System.out.printf("crash recovery: %d customers written (%d after the kill), %d expected changes, %d events "
                + "read, %d duplicates, %d published before the kill%n", written.get(), writtenAfterKill.get(),
                expected.size(), events.size(), duplicates, publishedBeforeKill);
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

    private static Process launch(Path configFile, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                PipelineProcessMain.class.getName(), configFile.toString())
                .redirectErrorStream(true).start();
        CountDownLatch running = new CountDownLatch(1);
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8)); var out = Files.newBufferedWriter(log)) {
                String line;
                while ((line = r.readLine()) != null) {
                    out.write(line);
                    out.newLine();
                    out.flush();
                    if (line.equals("RUNNING")) {
                        running.countDown();
                    }
                }
            } catch (Exception ignored) {
                // the process was killed: its output simply ends
            }
        }, "pipeline-output");
        pump.setDaemon(true);
        pump.start();
        if (!running.await(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("pipeline process did not start; its output: " + Files.readString(log));
        }
        return p;
    }
}
