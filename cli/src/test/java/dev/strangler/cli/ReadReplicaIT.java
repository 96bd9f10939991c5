package dev.strangler.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.cli.dba.CliRun;
import dev.strangler.cli.dba.DoctorCommand;
import dev.strangler.cli.parity.ParitySettings;
import dev.strangler.contract.TableId;
import dev.strangler.engine.Pipeline;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.parity.ParityChecker;
import dev.strangler.parity.ParityConfig;
import dev.strangler.parity.ParityException;
import dev.strangler.parity.Progress;
import dev.strangler.parity.compare.CanonicalRowCodecs;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.Verdict;
import dev.strangler.sandbox.SandboxKafka;
import dev.strangler.sandbox.SandboxPostgres;
import dev.strangler.sandbox.SandboxStandby;
import dev.strangler.sandbox.TopicContents;
import dev.strangler.sql.StranglerSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read replica as the source (README, "A read replica as the source"; issue 13 item 2): a real primary and a
 * streaming hot standby of it ({@link SandboxStandby}), a legacy writer on the primary, the pipeline streaming from
 * a slot on the standby while its heartbeat, migrations and publication go to the primary (source.primary.url), every
 * written row in Kafka, a parity GO cut on the standby with its history stored on the primary, and the doctor's
 * standby checks before and while the pipeline runs. Then the same without source.primary.url: the DBA's migrations
 * and publication made on the primary beforehand, the pipeline's writes all off (no heartbeat, no parity history), a
 * parity GO all the same while the legacy app writes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReadReplicaIT {

    private static final String DB = "legacy";
    private static final TableId ACCOUNTS = new TableId("bank", "accounts");
    private static final ObjectMapper JSON = new ObjectMapper();

    private SandboxKafka kafka;
    private SandboxPostgres primary;
    private SandboxStandby standby;

    @TempDir
    Path dir;

    @BeforeAll
    void start() throws Exception {
        kafka = SandboxKafka.start();
        primary = SandboxPostgres.start();
        primary.createDatabase(DB);
        try (Connection c = primary.connect(DB); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA bank");
            st.execute("CREATE TABLE bank.accounts (id bigserial PRIMARY KEY, owner text NOT NULL, "
                    + "balance numeric(12,2) NOT NULL, opened date NOT NULL DEFAULT current_date)");
            st.execute("INSERT INTO bank.accounts (owner, balance) SELECT 'before ' || g, g FROM "
                    + "generate_series(1, 200) g");
        }
        standby = SandboxStandby.start(primary);
    }

    @AfterAll
    void stop() {
        if (standby != null) {
            standby.close();
        }
        if (primary != null) {
            primary.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** First: its doctor run sees a primary without schema strangler. */
    @Test
    @Order(1)
    void thePipelineStreamsFromTheStandbyWithoutLossAndParityIsGoWhileNothingIsWrittenThere() throws Exception {
        Map<String, String> settings = standbySource("replica");
        settings.put("source.primary.url", primary.jdbcUrl(DB));
        PipelineConfig config = new PipelineConfigLoader(Map.of()).fromMap(settings);
        Path file = CliRun.config(dir, settings);

        Map<String, String> withoutPrimary = new HashMap<>(settings);
        withoutPrimary.remove("source.primary.url");
        CliRun alone = CliRun.of(new DoctorCommand(), "--config", CliRun.config(dir, withoutPrimary)
                .toString(), "--no-kafka");
        System.out.println("ReadReplicaIT doctor without source.primary.url:\n" + alone.out());
        assertThat(alone.exit()).as(alone.out()).isNotZero();
        assertThat(alone.out()).contains("FAIL  publication strangler_replica", "FAIL  schema strangler",
                "WARN  primary");
        assertThat(alone.out().replaceAll("\\s+", " ")).contains("the pipeline writes nothing: no heartbeat",
                "set source.primary.url=jdbc:postgresql://PRIMARY:5432/legacy");

        CliRun before = CliRun.of(new DoctorCommand(), "--config", file.toString(), "--no-kafka");
        assertThat(before.out().lines()).as(before.out()).noneMatch(line -> line.startsWith("FAIL"));
        assertThat(before.out()).contains("PASS  primary", "a standby (read replica)", "PASS  hot_standby_feedback",
                "PASS  primary_slot_name", "PASS  wal_level on the primary", "does not exist yet",
                "WARN  max_standby_streaming_delay");
        assertThat(before.out().replaceAll("\\s+", " ")).contains("30 s: a parity check holds one snapshot here",
                "ALTER SYSTEM SET max_standby_streaming_delay = '15min'");

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong inserted = new AtomicLong();
        AtomicReference<Exception> writerFailure = new AtomicReference<>();
        try (Pipeline running = new Pipeline(config, new Pipeline.Options(true, Duration.ofSeconds(15),
                Duration.ofMinutes(3)))) {
            running.start();
            Thread writer = new Thread(() -> legacyAppWrites(writing, inserted, writerFailure), "legacy-writer");
            writer.start();
            try {
                Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> assertThat(ids(config, "c")).hasSizeGreaterThan(20));
                assertParityGo(config);
            } finally {
                writing.set(false);
                writer.join(10_000);
            }
            assertThat(writerFailure.get()).as("the legacy writer").isNull();
            assertThat(inserted.get()).as("the writer really wrote during the check").isPositive();

            // every row on the primary reached Kafka, counted row by row
            Set<Long> onPrimary = new HashSet<>();
            try (Connection c = primary.connect(DB); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT id FROM bank.accounts")) {
                while (rs.next()) {
                    onPrimary.add(rs.getLong(1));
                }
            }
            assertThat(onPrimary).hasSize(200 + (int) inserted.get());
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(ids(config, null)).containsAll(onPrimary));

            // the standby feeds a new slot's catalog_xmin back with its next feedback message, not at creation
            standby.awaitCatalogXminFedBack();
            CliRun during = CliRun.of(new DoctorCommand(), "--config", file.toString(), "--no-kafka");
            System.out.println("ReadReplicaIT doctor while the pipeline runs:\n" + during.out());
            assertThat(during.out().lines()).as(during.out()).noneMatch(line -> line.startsWith("FAIL"));
            assertThat(during.out()).contains("PASS  slot on the standby", "PASS  catalog_xmin on the primary");
        }

        // the slot lives on the standby, the writes went to the primary, and the standby is still a standby
        assertThat(single(standby.server(), "SELECT pg_is_in_recovery()::text")).isEqualTo("true");
        assertThat(single(standby.server(), "SELECT count(*)::text FROM pg_replication_slots WHERE slot_name = '"
                + config.source().slot() + "'")).isEqualTo("1");
        assertThat(single(primary, "SELECT count(*)::text FROM pg_replication_slots WHERE slot_name = '"
                + config.source().slot() + "'")).isEqualTo("0");
        assertThat(Long.parseLong(single(primary, "SELECT beats::text FROM strangler.heartbeat WHERE pipeline = "
                + "'replica'"))).as("heartbeats written on the primary").isPositive();
        assertThat(single(primary, "SELECT count(*)::text FROM strangler.parity_run")).isEqualTo("1");
        assertThat(single(primary, "SELECT count(*)::text FROM pg_publication WHERE pubname = '"
                + config.source().publication() + "'")).isEqualTo("1");
    }

    @Test
    @Order(2)
    void withoutAPrimaryUrlThePipelineStreamsFromTheStandbyWithItsWritesOff() throws Exception {
        // what a DBA does on the primary when the pipeline may not write there: the migrations and the publication
        StranglerSchema.flyway(primary.jdbcUrl(DB), primary.superuser(), primary.superuserPassword()).migrate();
        try (Connection c = primary.connect(DB); Statement st = c.createStatement()) {
            st.execute("CREATE PUBLICATION strangler_alone FOR TABLE bank.accounts, strangler.heartbeat");
        }
        standby.awaitReplayed();
        long runsBefore = Long.parseLong(single(primary, "SELECT count(*)::text FROM strangler.parity_run"));
        Map<String, String> settings = standbySource("alone");
        settings.put("source.publication", "strangler_alone");
        settings.put("sink.echo", "off");
        PipelineConfig config = new PipelineConfigLoader(Map.of()).fromMap(settings);
        CliRun doctor = CliRun.of(new DoctorCommand(), "--config", CliRun.config(dir, settings).toString(),
                "--no-kafka");
        assertThat(doctor.out().lines()).as(doctor.out()).noneMatch(line -> line.startsWith("FAIL"));
        assertThat(doctor.out()).contains("WARN  primary", "WARN  wal_level on the primary");
        assertThat(doctor.out().replaceAll("\\s+", " ")).contains("the pipeline writes nothing: no heartbeat");

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicLong inserted = new AtomicLong();
        AtomicReference<Exception> writerFailure = new AtomicReference<>();
        // the writer runs from the start: without the primary's help the slot's creation on the standby waits for
        // the running-transactions record the busy primary writes every 15 s
        Thread writer = new Thread(() -> legacyAppWrites(writing, inserted, writerFailure), "legacy-writer-alone");
        writer.start();
        try (Pipeline running = new Pipeline(config, new Pipeline.Options(true, Duration.ofSeconds(15),
                Duration.ofMinutes(3)))) {
            running.start();
            long atStart = inserted.get();
            Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(ids(config, "c")).hasSizeGreaterThan(20));
            assertParityGo(config);
            assertThat(inserted.get()).as("the writer wrote while the pipeline ran").isGreaterThan(atStart);
        } finally {
            writing.set(false);
            writer.join(10_000);
        }
        assertThat(writerFailure.get()).as("the legacy writer").isNull();
        assertThat(single(primary, "SELECT count(*)::text FROM strangler.heartbeat WHERE pipeline = 'alone'"))
                .as("no heartbeat anywhere").isEqualTo("0");
        assertThat(Long.parseLong(single(primary, "SELECT count(*)::text FROM strangler.parity_run")))
                .as("the parity run is not stored").isEqualTo(runsBefore);
        assertThat(single(standby.server(), "SELECT count(*)::text FROM pg_replication_slots WHERE slot_name = "
                + "'strangler_alone'")).isEqualTo("1");
    }

    /**
     * A real recovery conflict: the standby without feedback and cancelling conflicting queries at once, the cut held
     * while the check waits for the (stopped) pipeline's slot, rows the cut sees deleted and vacuumed on the primary.
     */
    @Test
    @Order(3)
    void aRecoveryConflictEndsTheParityCheckWithOneLineNamingTheFixAndNothingStored() throws Exception {
        Map<String, String> settings = standbySource("replica");
        settings.put("source.primary.url", primary.jdbcUrl(DB));
        PipelineConfig config = new PipelineConfigLoader(Map.of()).fromMap(settings);
        ParityConfig parity = ParitySettings.from(config, List.of(), 0, Map.of(), Duration.ofSeconds(2), 10, null);
        long runsBefore = Long.parseLong(single(primary, "SELECT count(*)::text FROM strangler.parity_run"));
        Path differences = dir.resolve("conflict").resolve("differences.jsonl");
        AtomicBoolean removed = new AtomicBoolean();
        Progress removeWhatTheCutSees = new Progress() {
            @Override
            public void waiting(String slot, long bytesBehind, Duration waited, Duration timeout) {
                if (removed.compareAndSet(false, true)) {
                    onPrimary("DELETE FROM bank.accounts WHERE id <= 100", "VACUUM bank.accounts");
                    standby.awaitReplayed(); // replay cancelled the cut on its way (no delay allowed)
                }
            }
        };
        standbySettings("ALTER SYSTEM SET hot_standby_feedback = off",
                "ALTER SYSTEM SET max_standby_streaming_delay = 0");
        try {
            // the walreceiver withdraws its xmin from the primary's slot when feedback is turned off
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() ->
                    single(primary, "SELECT (xmin IS NULL)::text FROM pg_replication_slots WHERE slot_name = '"
                            + standby.primarySlot() + "'").equals("true"));
            assertThatThrownBy(() -> new ParityChecker(parity, CanonicalRowCodecs.factory(
                    parity.unavailableValuePlaceholder()), removeWhatTheCutSees).writingDifferingKeysTo(differences)
                    .run())
                    .isInstanceOf(ParityException.class)
                    .satisfies(e -> {
                        String line = ErrorReporter.oneLine(e);
                        System.out.println("ReadReplicaIT recovery conflict: " + line);
                        assertThat(line).contains("was cancelled by the standby", "a recovery conflict:",
                                "conflict with recovery", "row versions that must be removed",
                                "hot_standby_feedback = on", "raise max_standby_streaming_delay", "run the check again");
                        assertThat(ExitCodes.forException(e)).isEqualTo(ExitCodes.SOURCE_NOT_READY);
                    });
        } finally {
            // SET, not RESET: SandboxStandby turned feedback on in postgresql.auto.conf, which RESET would empty
            standbySettings("ALTER SYSTEM SET hot_standby_feedback = on",
                    "ALTER SYSTEM RESET max_standby_streaming_delay");
            standby.awaitFeedback();
        }
        assertThat(removed).as("the rows were removed while the cut was held").isTrue();
        assertThat(differences).doesNotExist();
        assertThat(Long.parseLong(single(primary, "SELECT count(*)::text FROM strangler.parity_run")))
                .as("no parity run stored").isEqualTo(runsBefore);
    }

    @Test
    @Order(4)
    void theDoctorRefusesAStandbyOfAVersionThatCannotDecodeThere() throws Exception {
        try (SandboxPostgres old = SandboxPostgres.start("12", Map.of());
             SandboxStandby oldStandby = SandboxStandby.start(old)) {
            Map<String, String> settings = new HashMap<>();
            settings.put("pipeline.name", "old");
            settings.put("source.url", oldStandby.server().jdbcUrl("postgres"));
            settings.put("source.primary.url", old.jdbcUrl("postgres"));
            settings.put("source.user", old.superuser());
            settings.put("source.tables", "public.t");
            settings.put("kafka.bootstrap.servers", kafka.bootstrapServers());
            CliRun doctor = CliRun.of(new DoctorCommand(), "--config", CliRun.config(dir, settings).toString(),
                    "--no-kafka");
            assertThat(doctor.exit()).as(doctor.out()).isNotZero();
            assertThat(doctor.out()).contains("FAIL  primary");
            assertThat(doctor.out().replaceAll("\\s+", " ")).contains("PostgreSQL 12.22 cannot decode on a standby "
                    + "(16+ can)", "upgrade to PostgreSQL 16+ to stream from a read replica");
        }
    }

    private void onPrimary(String... statements) {
        try (Connection c = primary.connect(DB); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** ALTER SYSTEM on the standby (it writes postgresql.auto.conf, which recovery allows), then a reload. */
    private void standbySettings(String... statements) throws Exception {
        try (Connection c = standby.server().connect(); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
            st.execute("SELECT pg_reload_conf()");
        }
    }

    /** A pipeline streaming bank.accounts from the standby, as the superuser, with a quick heartbeat. */
    private Map<String, String> standbySource(String pipeline) {
        Map<String, String> settings = new HashMap<>();
        settings.put("pipeline.name", pipeline);
        settings.put("source.url", standby.server().jdbcUrl(DB));
        settings.put("source.user", primary.superuser());
        settings.put("source.password", primary.superuserPassword());
        settings.put("source.tables", ACCOUNTS.toString());
        settings.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        settings.put("heartbeat.interval", "1s");
        settings.put("offsets.flush.interval", "500ms");
        settings.put("http.enabled", "false");
        return settings;
    }

    /** strangler parity, its cut on the standby: GO, no finding. */
    private static void assertParityGo(PipelineConfig config) {
        ParityConfig parity = ParitySettings.from(config, List.of(), 0, Map.of(), Duration.ofSeconds(60), 10, null);
        ParityReport report = new ParityChecker(parity,
                CanonicalRowCodecs.factory(parity.unavailableValuePlaceholder()), Progress.NONE).run();
        assertThat(report.verdict()).as(report.tables().toString()).isEqualTo(Verdict.GO);
        assertThat(report.tables()).singleElement().satisfies(t -> assertThat(t.findings()).isZero());
    }

    /** The ids in the table's topic, of events with that op (any op: null). */
    private Set<Long> ids(PipelineConfig config, String op) throws Exception {
        Set<Long> ids = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicContents.readAll(kafka.bootstrapServers(),
                List.of(config.kafka().topicFor(ACCOUNTS)))) {
            if (r.value() == null) {
                continue;
            }
            JsonNode v = JSON.readTree(new String(r.value(), StandardCharsets.UTF_8));
            if (op == null || v.path("op").asText().equals(op)) {
                JsonNode row = v.path("after").isMissingNode() || v.path("after").isNull() ? v.path("before")
                        : v.path("after");
                ids.add(row.path("id").asLong());
            }
        }
        return ids;
    }

    /** Opens accounts and moves money between them, on the primary, until stopped. */
    private void legacyAppWrites(AtomicBoolean writing, AtomicLong inserted, AtomicReference<Exception> failure) {
        try (Connection c = primary.connect(DB);
             PreparedStatement insert = c.prepareStatement("INSERT INTO bank.accounts (owner, balance) "
                     + "VALUES (?, ?)");
             PreparedStatement update = c.prepareStatement("UPDATE bank.accounts SET balance = balance + 1.25 "
                     + "WHERE id = ?")) {
            int n = 0;
            while (writing.get()) {
                n++;
                insert.setString(1, "live " + n);
                insert.setBigDecimal(2, java.math.BigDecimal.valueOf(n, 2));
                insert.executeUpdate();
                inserted.incrementAndGet();
                update.setLong(1, 1 + n % 200);
                update.executeUpdate();
                Thread.sleep(20);
            }
        } catch (Exception e) {
            failure.set(e);
        }
    }

    private static String single(SandboxPostgres server, String sql) throws Exception {
        try (Connection c = server.connect(DB); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
