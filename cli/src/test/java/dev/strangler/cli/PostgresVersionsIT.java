package dev.strangler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.cli.dba.CliRun;
import dev.strangler.cli.dba.DoctorCommand;
import dev.strangler.cli.dba.PsqlRunner;
import dev.strangler.cli.dba.SlotCommand;
import dev.strangler.cli.dba.SqlPrintCommand;
import dev.strangler.cli.parity.ParitySettings;
import dev.strangler.contract.TableId;
import dev.strangler.engine.Pipeline;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.engine.doctor.SqlScripts;
import dev.strangler.parity.ParityChecker;
import dev.strangler.parity.ParityConfig;
import dev.strangler.parity.Progress;
import dev.strangler.parity.compare.CanonicalRowCodecs;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.Verdict;
import dev.strangler.sandbox.PostgresBinaries;
import dev.strangler.sandbox.SandboxKafka;
import dev.strangler.sandbox.SandboxPostgres;
import dev.strangler.sandbox.TopicContents;
import dev.strangler.sql.StranglerSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fast path on each PostgreSQL version under test (README, "Supported PostgreSQL versions"): the DBA scripts as a
 * superuser, then, as the least-privilege role they create, the doctor without a FAIL, the pipeline streaming the
 * legacy shop (uuid, text, boolean, date, text[], timestamptz, numeric, jsonb, bytea, an enum, a composite key),
 * a parity GO while the legacy app keeps writing, and the slot's status. Each version gets its own PostgreSQL; one
 * Kafka serves them all.
 *
 * <p>The versions come from {@value #VERSIONS_PROPERTY} (the cli pom: the oldest and the newest; the pg-matrix profile:
 * every one), the binaries from {@code target/pg-binaries} (see {@link PostgresBinaries}). Without the property, the
 * sandbox's own version.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PostgresVersionsIT {

    static final String VERSIONS_PROPERTY = "strangler.pg.versions";
    private static final String DB = "legacy";
    private static final String ROLE = "strangler_compat";
    private static final String PASSWORD = "compat-pw";
    private static final String TABLES = "shop.customers,shop.products,shop.orders,shop.order_lines";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SandboxKafka kafka;

    @TempDir
    Path dir;

    @BeforeAll
    void startKafka() {
        kafka = SandboxKafka.start();
    }

    @AfterAll
    void stopKafka() {
        kafka.close();
    }

    static Stream<String> versions() {
        String list = System.getProperty(VERSIONS_PROPERTY, "");
        if (list.isBlank()) {
            return Stream.of(PostgresBinaries.requested().orElse("default"));
        }
        return Arrays.stream(list.split(",")).map(String::trim).filter(v -> !v.isEmpty());
    }

    @ParameterizedTest(name = "PostgreSQL {0}")
    @MethodSource("versions")
    void scriptsDoctorPipelineParityAndSlotStatusWorkAsTheLeastPrivilegeRole(String version) throws Exception {
        long started = System.nanoTime();
        try (SandboxPostgres postgres = SandboxPostgres.start(version.equals("default") ? null : version, Map.of())) {
            int versionNum = Integer.parseInt(query(postgres, "SHOW server_version_num"));
            if (!version.equals("default")) {
                assertThat(versionNum / 10000).as("the server runs the version under test")
                        .isEqualTo(Integer.parseInt(version.split("\\.")[0]));
            }
            postgres.createDatabase(DB);
            try (Connection c = postgres.connect(DB); Statement st = c.createStatement()) {
                for (String script : StranglerSchema.DEMO_SCRIPTS) {
                    st.execute(StranglerSchema.classpathScript(script));
                }
            }
            String pipeline = "compat" + versionNum / 10000;
            Map<String, String> settings = settings(postgres, pipeline);
            PipelineConfig config = new PipelineConfigLoader(Map.of()).fromMap(settings);
            Map<String, String> vars = new HashMap<>(SqlPrintCommand.variables(config));
            vars.put("password", PASSWORD);
            vars.put("slot_wal_keep_size", "10GB");
            for (String script : List.of("01_enable_logical_decoding.sql", "02_pipeline_role.sql",
                    "03_publication.sql")) {
                runScript(postgres, script, vars);
            }
            Path file = CliRun.config(dir, settings);

            CliRun doctor = CliRun.of(new DoctorCommand(), "--config", file.toString());
            assertThat(doctor.exit()).as(doctor.out() + doctor.err()).isZero();
            assertThat(doctor.out()).contains("PASS  role", "not a superuser", " 0 FAIL");
            assertThat(doctor.out().lines()).noneMatch(line -> line.startsWith("FAIL"));

            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong changes = new AtomicLong();
            AtomicReference<Exception> writerFailure = new AtomicReference<>();
            try (Pipeline running = new Pipeline(config, new Pipeline.Options(true, Duration.ofSeconds(15),
                    Duration.ofMinutes(2)))) {
                running.start();
                Thread writer = new Thread(() -> legacyAppWrites(postgres, writing, changes, writerFailure),
                        "legacy-writer-" + version);
                writer.start();
                try {
                    awaitStreamed(config);
                    ParityConfig parity = ParitySettings.from(config, List.of(), 0, Map.of(), Duration.ofSeconds(60),
                            10, null);
                    ParityReport report = new ParityChecker(parity,
                            CanonicalRowCodecs.factory(parity.unavailableValuePlaceholder()), Progress.NONE).run();
                    assertThat(report.verdict()).as(report.tables().toString()).isEqualTo(Verdict.GO);
                    assertThat(report.tables()).hasSize(4).allSatisfy(t -> assertThat(t.findings()).isZero());
                } finally {
                    writing.set(false);
                    writer.join(10_000);
                }
                assertThat(writerFailure.get()).as("the legacy writer").isNull();
                assertThat(changes.get()).as("the writer really wrote during the check").isPositive();

                CliRun status = CliRun.of(new SlotCommand(), "status", "--config", file.toString(), "--json",
                        "--expect-active");
                assertThat(status.exit()).as(status.err()).isZero();
                JsonNode slot = JSON.readTree(status.out());
                assertThat(slot.get("active").asBoolean()).isTrue();
                if (versionNum >= 130000) {
                    assertThat(slot.get("walStatus").asText()).isEqualTo("reserved");
                } else {
                    assertThat(slot.path("walStatus").isNull() || slot.path("walStatus").isMissingNode())
                            .as("PostgreSQL 12 has no wal_status: " + slot).isTrue();
                }
                CliRun doctorRunning = CliRun.of(new DoctorCommand(), "--config", file.toString(), "--no-kafka");
                assertThat(doctorRunning.exit()).as(doctorRunning.out()).isZero();
                assertThat(doctorRunning.out()).contains("the running pipeline");
            }
        } finally {
            System.out.printf("PostgresVersionsIT: PostgreSQL %s took %d s%n", version,
                    (System.nanoTime() - started) / 1_000_000_000);
        }
    }

    private Map<String, String> settings(SandboxPostgres postgres, String pipeline) {
        Map<String, String> m = new HashMap<>();
        m.put("pipeline.name", pipeline);
        m.put("source.url", postgres.jdbcUrl(DB));
        m.put("source.user", ROLE);
        m.put("source.password", PASSWORD);
        m.put("source.tables", TABLES);
        m.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        m.put("heartbeat.interval", "1s");
        m.put("offsets.flush.interval", "500ms");
        return m;
    }

    private static void runScript(SandboxPostgres postgres, String fileName, Map<String, String> variables)
            throws Exception {
        SqlScripts.Script script = SqlScripts.dbaScripts().stream().filter(s -> s.fileName().equals(fileName))
                .findFirst().orElseThrow(() -> new AssertionError(fileName + " is not packaged"));
        try (Connection c = postgres.connect(DB)) {
            PsqlRunner.run(c, fileName, script.text(), variables);
        }
    }

    /** The snapshot and a streamed insert and update of each kind of table are in Kafka. */
    private void awaitStreamed(PipelineConfig config) {
        String customers = config.kafka().topicFor(new TableId("shop", "customers"));
        String products = config.kafka().topicFor(new TableId("shop", "products"));
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<JsonNode> values = values(List.of(customers, products));
            assertThat(values).anyMatch(v -> v.path("op").asText().equals("r"));
            assertThat(values).anyMatch(v -> v.path("op").asText().equals("c")
                    && v.path("after").path("email").asText().equals("live@example.com"));
            assertThat(values).anyMatch(v -> v.path("op").asText().equals("u")
                    && v.path("after").path("attributes").asText().contains("\"n\""));
        });
    }

    private List<JsonNode> values(List<String> topics) throws Exception {
        List<JsonNode> values = new java.util.ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicContents.readAll(kafka.bootstrapServers(), topics)) {
            if (r.value() != null) {
                values.add(JSON.readTree(new String(r.value(), StandardCharsets.UTF_8)));
            }
        }
        return values;
    }

    /** Inserts customers (uuid, text[]), updates products (numeric, jsonb) and deletes order lines until stopped. */
    private static void legacyAppWrites(SandboxPostgres postgres, AtomicBoolean writing, AtomicLong changes,
            AtomicReference<Exception> failure) {
        try (Connection c = postgres.connect(DB);
             PreparedStatement insert = c.prepareStatement("INSERT INTO shop.customers (external_ref, name, email, "
                     + "tags, birth_date) VALUES (md5(random()::text)::uuid, ?, 'live@example.com', "
                     + "ARRAY['live', ?], DATE '1990-01-01' + ?)");
             PreparedStatement update = c.prepareStatement("UPDATE shop.products SET price = price + 0.01, "
                     + "attributes = attributes || jsonb_build_object('n', ?), updated_at = now() WHERE id = ?");
             PreparedStatement delete = c.prepareStatement("DELETE FROM shop.order_lines WHERE order_id = ? "
                     + "AND line_no = 2")) {
            int n = 0;
            while (writing.get()) {
                n++;
                insert.setString(1, "live " + n);
                insert.setString(2, "n" + n);
                insert.setInt(3, n);
                insert.executeUpdate();
                update.setInt(1, n);
                update.setInt(2, 1 + n % 20);
                update.executeUpdate();
                if (n <= 30) {
                    delete.setLong(1, n);
                    delete.executeUpdate();
                }
                changes.addAndGet(3);
                Thread.sleep(20);
            }
        } catch (Exception e) {
            failure.set(e);
        }
    }

    private static String query(SandboxPostgres postgres, String sql) throws Exception {
        try (Connection c = postgres.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
