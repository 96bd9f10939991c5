package dev.strangler.engine.it;

import static dev.strangler.engine.it.EngineFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strangler.engine.Pipeline;
import dev.strangler.sandbox.ChildJvm;
import dev.strangler.sandbox.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every fault a pipeline meets in the weeks of a migration, against the real servers, with the legacy app writing
 * through it: afterwards a read_committed consumer must hold every committed change once, in order per key
 * ({@link ExpectedHistory}: change by change, not only the final state), and the pipeline must be streaming again
 * without a hand-made repair. Each test prints expected / delivered / duplicates / missing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeliveryFaultsIT {

    private static final FaultPlan PLAN = FaultPlan.fromSystemProperties();
    private static final int BRANCHES = 10;
    private static final long FIRST_WRITER_ID = 1_000_000;

    private Sandbox sandbox;

    @BeforeAll
    void start() {
        sandbox = Sandbox.start();
    }

    @AfterAll
    void close() {
        sandbox.close();
    }

    /**
     * The case that lost ~27,000 changes: every backend of the pipeline terminated while its initial snapshot is
     * being published. The restart must stream from the slot's position before it snapshots again.
     */
    @Test
    void shouldLoseNoChangeWhenEveryPipelineBackendIsTerminatedDuringTheSnapshot() throws Exception {
        ridesOut("backends terminated during the snapshot", "termsnap", 30_000, DeliveryFaultsIT::pacedSnapshot,
                (pipeline, db, writer) -> {
                    await().atMost(Duration.ofSeconds(60)).until(() -> snapshotReads("termsnap") > 500);
                    assertThat(snapshotReads("termsnap")).as("terminated during the snapshot").isLessThan(30_000);
                    assertThat(terminateBackends(db)).as("pipeline backends terminated").isGreaterThanOrEqualTo(2);
                });
    }

    @Test
    void shouldLoseNoChangeWhenEveryPipelineBackendIsTerminatedWhileStreaming() throws Exception {
        ridesOut("backends terminated while streaming", "termstream", 0, settings -> settings,
                (pipeline, db, writer) -> {
                    awaitWrites(writer, 300);
                    assertThat(terminateBackends(db)).isGreaterThanOrEqualTo(2);
                });
    }

    @Test
    void shouldRideOutKafkaBeingDownLongerThanTheDeliveryTimeout() throws Exception {
        ridesOut("Kafka down for " + PLAN.kafkaOutage().toSeconds() + " s", "kafkadown", 0, settings -> {
            // a send gives up after 10 s, so the outage makes the attempt fail and the pipeline restart
            settings.put("kafka.producer.delivery.timeout.ms", "10000");
            settings.put("kafka.producer.request.timeout.ms", "5000");
            settings.put("kafka.producer.max.block.ms", "10000");
            return settings;
        }, (pipeline, db, writer) -> {
            awaitWrites(writer, 300);
            sandbox.kafka().stop();
            try {
                await().atMost(PLAN.kafkaOutage().plusSeconds(60)).until(() ->
                        pipeline.state() == Pipeline.State.RECOVERING);
                assertThat(pipeline.waitingFor()).isPresent();
                Thread.sleep(PLAN.kafkaOutage().toMillis());
                assertThat(pipeline.state()).as("the process stays up while Kafka is down")
                        .isIn(Pipeline.State.RECOVERING, Pipeline.State.STARTING, Pipeline.State.RUNNING);
            } finally {
                sandbox.kafka().restart();
            }
        });
    }

    @Test
    void shouldRideOutAPostgresRestart() throws Exception {
        ridesOut("PostgreSQL restarted", "pgrestart", 0, settings -> settings, (pipeline, db, writer) -> {
            awaitWrites(writer, 300);
            sandbox.postgres().restart();
        });
    }

    @Test
    void shouldRideOutPostgresBeingDown() throws Exception {
        ridesOut("PostgreSQL down for " + PLAN.postgresOutage().toSeconds() + " s", "pgdown", 0, settings -> settings,
                (pipeline, db, writer) -> {
                    awaitWrites(writer, 300);
                    sandbox.postgres().stop();
                    try {
                        await().atMost(Duration.ofSeconds(60)).until(() ->
                                pipeline.state() == Pipeline.State.RECOVERING);
                        Thread.sleep(PLAN.postgresOutage().toMillis());
                        assertThat(pipeline.state()).as("the process stays up while PostgreSQL is down")
                                .isNotIn(Pipeline.State.FAILED, Pipeline.State.STOPPED);
                    } finally {
                        sandbox.postgres().restart();
                    }
                });
    }

    /** SIGKILL at random moments, the first ones during a paced initial snapshot, with the legacy app writing. */
    @Test
    void shouldDeliverEveryChangeOnceWhenKilledAtRandomMoments(@TempDir Path dir) throws Exception {
        String db = database(20_000);
        String name = "randomkill";
        Path config = write(dir.resolve("pipeline.properties"), pacedSnapshot(settings(sandbox, db, name)));
        Random random = new Random(7);
        LegacyWriter writer = writer(db);
        ChildJvm current = launch(config, dir.resolve("run-0.log"));
        writer.start();
        try {
            for (int kill = 1; kill <= PLAN.kills(); kill++) {
                Thread.sleep(500 + random.nextInt(6_000));
                current.kill();
                Thread.sleep(random.nextInt(2_000));
                current = launch(config, dir.resolve("run-" + kill + ".log"));
            }
            int before = writer.committed();
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.committed() > before + 300);
            ExpectedHistory expected = writer.stop();
            awaitComplete("SIGKILL at " + PLAN.kills() + " random moments", expected, name);
        } finally {
            writer.close();
            current.stop(Duration.ofSeconds(60));
        }
    }

    /** Two instances of one pipeline: the second stands by and takes over when the active one is killed. */
    @Test
    void shouldLetAStandbyTakeOverWhenTheActiveInstanceDies(@TempDir Path dir) throws Exception {
        String db = database(0);
        String name = "standby";
        Path config = write(dir.resolve("pipeline.properties"), settings(sandbox, db, name));
        ChildJvm active = launch(config, dir.resolve("active.log"));
        ChildJvm standby = launch(config, dir.resolve("standby.log"));
        LegacyWriter writer = writer(db).start();
        try {
            assertThat(standby.output()).contains("STANDBY", "stands by", "is active");
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.committed() > 300);
            long killedAt = System.nanoTime();
            active.kill();
            standby.awaitOutput("takes over", Duration.ofSeconds(30));
            standby.awaitOutput("starting pipeline", Duration.ofSeconds(30));
            long takeoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            System.out.printf("standby took over %d ms after the active instance was killed%n", takeoverMillis);
            assertThat(takeoverMillis).as("the standby takes over within 30 s").isLessThan(30_000);
            int before = writer.committed();
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.committed() > before + 300);
            ExpectedHistory expected = writer.stop();
            awaitComplete("active killed, standby took over", expected, name);
        } finally {
            writer.close();
            active.kill();
            standby.stop(Duration.ofSeconds(60));
        }
    }

    /**
     * The active instance freezes (SIGSTOP: its sockets stay open, nothing answers): the standby ends its sessions
     * and takes over; the frozen one, woken up, is fenced and stops without publishing again.
     */
    @Test
    void shouldFenceAFrozenActiveInstance(@TempDir Path dir) throws Exception {
        String db = database(0);
        String name = "frozen";
        Map<String, String> settings = settings(sandbox, db, name);
        settings.put("standby.takeover.after", "5s");
        Path config = write(dir.resolve("pipeline.properties"), settings);
        ChildJvm active = launch(config, dir.resolve("active.log"));
        ChildJvm standby = launch(config, dir.resolve("standby.log"));
        LegacyWriter writer = writer(db).start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.committed() > 300);
            active.suspend();
            standby.awaitOutput("ending its sessions and taking over", PLAN.freeze().plusSeconds(30));
            standby.awaitOutput("starting pipeline", Duration.ofSeconds(30));
            Thread.sleep(Math.max(0, PLAN.freeze().toMillis() - 5_000));
            active.resume();
            int exit = active.awaitExit(Duration.ofSeconds(90));
            assertThat(exit).as("the frozen instance stops after it wakes up").isEqualTo(1);
            assertThat(active.output()).contains("FAILED PipelineFencedException");
            int before = writer.committed();
            await().atMost(Duration.ofSeconds(60)).until(() -> writer.committed() > before + 300);
            ExpectedHistory expected = writer.stop();
            awaitComplete("active frozen for " + PLAN.freeze().toSeconds() + " s, fenced", expected, name);
        } finally {
            writer.close();
            active.kill();
            standby.stop(Duration.ofSeconds(60));
        }
    }

    /** A permanent refusal is not retried: it stops the pipeline with its own error (exit 69) and the fix. */
    @Test
    void shouldStopForGoodWhenThePublicationIsDroppedUnderARunningPipeline() throws Exception {
        String db = database(0);
        String name = "pubdropped";
        Pipeline pipeline = new Pipeline(config(settings(sandbox, db, name)), Pipeline.Options.defaults());
        try {
            pipeline.start();
            execute(sandbox, db, "DROP PUBLICATION strangler_" + name,
                    "UPDATE shop.products SET title = 'after the drop' WHERE id = 1");
            await().atMost(Duration.ofSeconds(120)).until(() -> pipeline.state() == Pipeline.State.FAILED);
            assertThat(pipeline.failure()).get().isInstanceOf(dev.strangler.engine.SourceNotReadyException.class)
                    .extracting(Throwable::getMessage).asString().contains("publication", "strangler doctor");
        } finally {
            pipeline.stop();
        }
    }

    // --- fixture ---

    /** What a test does to a running in-process pipeline while the legacy app writes through it. */
    private interface Fault {
        void inject(Pipeline pipeline, String db, LegacyWriter writer) throws Exception;
    }

    /**
     * One fault, ridden out: a pipeline on a fresh database of {@code seed} customers, the legacy app writing, the
     * fault; then the pipeline must stream again and the writer's next 300 transactions arrive with all before them,
     * every change once and in order.
     */
    private void ridesOut(String scenario, String name, int seed, UnaryOperator<Map<String, String>> tune,
                          Fault fault) throws Exception {
        String db = database(seed);
        try (Pipeline pipeline = new Pipeline(config(tune.apply(settings(sandbox, db, name))),
                Pipeline.Options.defaults())) {
            pipeline.start();
            LegacyWriter writer = writer(db).start();
            try {
                fault.inject(pipeline, db, writer);
                int before = writer.committed();
                try {
                    await().atMost(Duration.ofSeconds(180)).until(() -> writer.committed() > before + 300
                            && pipeline.state() == Pipeline.State.RUNNING);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    // what every thread was doing, so a hang in CI can be read from the log
                    Thread.getAllStackTraces().forEach((thread, stack) -> {
                        System.out.println("thread " + thread.getName() + " " + thread.getState());
                        for (StackTraceElement frame : stack) {
                            System.out.println("    at " + frame);
                        }
                    });
                    throw new AssertionError("not streaming again: pipeline " + pipeline.state()
                            + pipeline.waitingFor().map(k -> " (waiting for " + k.waitsFor() + ")").orElse("")
                            + ", writer at " + writer.committed() + " transactions, last error "
                            + pipeline.status().lastError().orElse(null) + "; the supervisor at "
                            + supervisorFrames(name), e);
                }
                finish(scenario, writer, name, pipeline);
            } finally {
                writer.close();
            }
        }
    }

    /** The supervisor thread's top frames: CI shows only the failure line, and a hang is read from it. */
    private static String supervisorFrames(String pipeline) {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> e.getKey().getName().equals("strangler-supervisor-" + pipeline))
                .map(e -> java.util.Arrays.stream(e.getValue()).limit(12).map(StackTraceElement::toString)
                        .collect(java.util.stream.Collectors.joining(" < ")))
                .findFirst().orElse("(no supervisor thread)");
    }

    private static void awaitWrites(LegacyWriter writer, int transactions) {
        await().atMost(Duration.ofSeconds(60)).until(() -> writer.committed() > transactions);
    }

    /** A database with the demo schema, {@code seed} customers (for a snapshot to read) and the writer's branches. */
    private String database(int seed) {
        String db = createLegacyDatabase(sandbox, false);
        execute(sandbox, db, "INSERT INTO shop.products (id, sku, title, price) SELECT g, 'sku-' || g, 'seed', 1 "
                + "FROM generate_series(1, " + BRANCHES + ") g");
        if (seed > 0) {
            execute(sandbox, db, "INSERT INTO shop.customers (id, external_ref, name, email) SELECT g, "
                    + "gen_random_uuid(), 'seed', 's@example.com' FROM generate_series(1, " + seed + ") g");
        }
        // 20 ms every 100 rows: a snapshot of 30,000 rows takes 6 s or more however fast the machine
        execute(sandbox, db, "CREATE FUNCTION public.paced(id bigint) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN "
                + "IF id % 100 = 0 THEN PERFORM pg_sleep(0.02); END IF; RETURN true; END $$");
        return db;
    }

    private static Map<String, String> pacedSnapshot(Map<String, String> settings) {
        settings.put("debezium.snapshot.select.statement.overrides", "shop.customers");
        settings.put("debezium.snapshot.select.statement.overrides.shop.customers",
                "SELECT * FROM shop.customers WHERE public.paced(id)");
        return settings;
    }

    private LegacyWriter writer(String db) {
        return new LegacyWriter(sandbox.postgres().jdbcUrl(db), sandbox.postgres().superuser(),
                sandbox.postgres().superuserPassword(), FIRST_WRITER_ID, BRANCHES, 3);
    }

    /** Terminates every session the pipeline has on the database: its walsender, JDBC connections and lock. */
    private int terminateBackends(String db) {
        return (int) queryLong(sandbox, db, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                + "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                + "AND (application_name LIKE 'Debezium%' OR application_name LIKE 'strangler%')");
    }

    private long snapshotReads(String pipeline) {
        return readAll(sandbox, List.of(pipeline + ".shop.customers")).stream()
                .filter(e -> e.value() != null && e.op().equals("r")).count();
    }

    private void finish(String scenario, LegacyWriter writer, String pipeline, Pipeline running) throws Exception {
        ExpectedHistory expected = writer.stop();
        ExpectedHistory.Comparison result = awaitComplete(scenario, expected, pipeline);
        assertThat(running.state()).as("streaming again").isEqualTo(Pipeline.State.RUNNING);
        assertThat(result.exact()).as(result.toString()).isTrue();
    }

    /** Waits until every committed change arrived, then checks none arrived twice or out of order. */
    private ExpectedHistory.Comparison awaitComplete(String scenario, ExpectedHistory expected, String pipeline) {
        // one read of the topics per poll (they hold tens of thousands of records), and a generous bound: on a
        // loaded machine a read alone can take many seconds, and a bound hit mid-read is not a missing change
        AtomicReference<ExpectedHistory.Comparison> last = new AtomicReference<>();
        try {
            await().atMost(Duration.ofSeconds(360)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                last.set(compare(scenario, expected, pipeline));
                return last.get().complete();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("not every change arrived: " + last.get(), e);
        }
        ExpectedHistory.Comparison result = last.get();
        System.out.println("delivery fault " + result);
        assertThat(result.exact()).as(result.toString()).isTrue();
        return result;
    }

    private ExpectedHistory.Comparison compare(String scenario, ExpectedHistory expected, String pipeline) {
        Map<String, List<ExpectedHistory.Event>> events = new HashMap<>();
        for (String table : List.of("customers", "products")) {
            List<ExpectedHistory.Event> list = new ArrayList<>();
            for (Event e : readAll(sandbox, List.of(pipeline + ".shop." + table))) {
                list.add(new ExpectedHistory.Event(e.key().path("id").asLong(), e.value()));
            }
            events.put(table, list);
        }
        return expected.compare(scenario, events);
    }

    private static Path write(Path file, Map<String, String> settings) throws Exception {
        StringBuilder text = new StringBuilder();
        settings.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return Files.writeString(file, text);
    }

    private static ChildJvm launch(Path config, Path log) throws Exception {
        return ChildJvm.start(PipelineProcessMain.class, List.of(config.toString()), List.of("-Xmx384m",
                "-XX:+UseParallelGC"), log, List.of("RUNNING", "STANDBY"), Duration.ofSeconds(120));
    }
}
