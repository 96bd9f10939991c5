package dev.strangler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.cli.dba.CliRun;
import dev.strangler.engine.Pipeline;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.sandbox.Sandbox;
import dev.strangler.sql.StranglerSchema;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The strangler command as a person uses it: bad input gives one line and a distinct exit code, `run` stops cleanly
 * on SIGTERM with exit 0, and `parity` gates on its verdict.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CommandLineIT {

    private Sandbox sandbox;
    @TempDir
    Path dir;

    @BeforeAll
    void start() throws Exception {
        sandbox = Sandbox.start();
        sandbox.postgres().createDatabase("legacy");
        try (Connection c = sandbox.postgres().connect("legacy"); Statement st = c.createStatement()) {
            for (String script : StranglerSchema.DEMO_SCRIPTS) {
                st.execute(StranglerSchema.classpathScript(script));
            }
        }
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    private static CliRun run(String... args) {
        return CliRun.of(StranglerCommand.newCommandLine(), args);
    }

    private Path config(String name, Map<String, String> overrides) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("pipeline.name", name);
        m.put("source.url", sandbox.postgres().jdbcUrl("legacy"));
        m.put("source.user", sandbox.postgres().superuser());
        m.put("source.password", sandbox.postgres().superuserPassword());
        m.put("source.tables", "shop.customers,shop.products");
        m.put("kafka.bootstrap.servers", sandbox.kafka().bootstrapServers());
        m.put("heartbeat.interval", "500ms");
        m.putAll(overrides);
        StringBuilder text = new StringBuilder();
        m.forEach((k, v) -> {
            if (v != null) {
                text.append(k).append('=').append(v).append('\n');
            }
        });
        Path file = dir.resolve(name + ".properties");
        Files.writeString(file, text);
        return file;
    }

    private static void assertOneLineError(CliRun r, int exit, String... fragments) {
        assertThat(r.exit()).as(r.err()).isEqualTo(exit);
        assertThat(r.err().lines().filter(l -> l.startsWith("strangler: error: ")).count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("\tat ").doesNotContain("Exception:");
        for (String f : fragments) {
            assertThat(r.err()).contains(f);
        }
    }

    @Test
    void shouldRefuseAnUnknownKeyWithOneLineAndTheConfigExitCode() throws Exception {
        CliRun r = run("run", "--config", config("typo", Map.of("heartbeat.intervall", "1s")).toString());
        assertOneLineError(r, ExitCodes.CONFIG, "unknown config key 'heartbeat.intervall'",
                "did you mean 'heartbeat.interval'");
    }

    @Test
    void shouldRefuseABadValueAndAMissingFile() throws Exception {
        assertOneLineError(run("run", "--config", config("badvalue", Map.of("snapshot.mode", "sometimes")).toString()),
                ExitCodes.CONFIG, "snapshot.mode: 'sometimes' is not one of");
        assertOneLineError(run("run", "--config", dir.resolve("missing.properties").toString()), ExitCodes.CONFIG,
                "does not exist");
    }

    @Test
    void shouldNameAnUnreachableDatabaseAndKafkaWithTheirOwnExitCodes() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        assertOneLineError(run("run", "--config", config("nodb", Map.of("source.url",
                "jdbc:postgresql://127.0.0.1:" + closed + "/legacy")).toString()), ExitCodes.SOURCE_NOT_READY,
                "cannot reach PostgreSQL at 127.0.0.1:" + closed);
        assertOneLineError(run("run", "--config", config("nokafka", Map.of("kafka.bootstrap.servers",
                "127.0.0.1:" + closed)).toString()), ExitCodes.SINK_UNAVAILABLE, "cannot reach Kafka");
    }

    @Test
    void shouldNameTheRoleAndTheFixForAWrongPasswordWithoutPrintingIt() throws Exception {
        try (Connection c = sandbox.postgres().connect("legacy"); Statement st = c.createStatement()) {
            st.execute("CREATE ROLE cli_pw LOGIN REPLICATION PASSWORD 'right'");
        }
        try (var passwords = sandbox.postgres().requirePasswords()) {
            Map<String, String> wrong = new LinkedHashMap<>();
            wrong.put("source.user", "cli_pw");
            wrong.put("source.password", "not-the-password");
            CliRun r = run("run", "--config", config("wrongpw", wrong).toString());
            assertOneLineError(r, ExitCodes.SOURCE_NOT_READY, "rejected role 'cli_pw'",
                    "check source.user and source.password (STRANGLER_SOURCE_PASSWORD)");
            assertThat(r.err() + r.out()).doesNotContain("not-the-password");
        }
    }

    @Test
    void shouldPrintTheStackTraceOnlyWithVerbose() throws Exception {
        CliRun r = run("run", "--verbose", "--config", config("verbose", Map.of("source.tables", "shop.nope"))
                .toString());
        assertThat(r.exit()).isEqualTo(ExitCodes.SOURCE_NOT_READY);
        assertThat(r.err()).contains("table shop.nope does not exist").contains("\tat ");
    }

    @Test
    void shouldNeverPrintThePassword() throws Exception {
        CliRun r = run("run", "--verbose", "--config", config("secret", Map.of("source.password",
                "pw-that-must-not-leak", "source.tables", "shop.nope")).toString());
        assertThat(r.err() + r.out()).doesNotContain("pw-that-must-not-leak");
    }

    @Test
    void shouldStopOnSigtermAfterCommittingAndExitZero() throws Exception {
        Path file = config("sigterm", Map.of());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StranglerCommand.class.getName(), "run", "--config", file.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("run.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!Files.readString(dir.resolve("run.log"), StandardCharsets.UTF_8).contains("running; Ctrl-C stops it")) {
            assertThat(p.isAlive()).as(Files.readString(dir.resolve("run.log"))).isTrue();
            assertThat(System.nanoTime()).as("pipeline started").isLessThan(deadline);
            Thread.sleep(200);
        }
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String log = Files.readString(dir.resolve("run.log"));
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(log).contains("stopped after publishing");
    }

    @Test
    void shouldGateOnTheParityVerdict() throws Exception {
        Path file = config("gate", Map.of());
        // the pipeline in this JVM, stopped when the test ends: a `strangler run` thread would outlive the sandbox
        // and hang the fork's exit in its shutdown hook
        try (Pipeline pipeline = new Pipeline(PipelineConfigLoader.withSystemEnvironment().load(file),
                Pipeline.Options.defaults())) {
            pipeline.start();
            assertParityGatesOnTheVerdict(file);

            // an event for a row the table never had: NO-GO, exit 1, the key in the summary
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers()),
                    new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("gate.shop.customers", "{\"id\":999999}",
                        "{\"before\":null,\"after\":{\"id\":999999},\"source\":{\"txId\":3,\"lsn\":1,"
                                + "\"snapshot\":\"false\"},\"op\":\"c\"}")).get();
            }
            CliRun noGo = run("parity", "--config", file.toString(), "--out", dir.resolve("no-go").toString(),
                    "--timeout", "60s");
            assertThat(noGo.exit()).as(noGo.out() + noGo.err()).isEqualTo(ExitCodes.FINDINGS);
            assertThat(noGo.out()).contains("NO-GO").contains("shop.customers");
        }

        // the pipeline stopped, the legacy app still writing: UNVERIFIABLE, exit 2, with the reason
        try (Connection c = sandbox.postgres().connect("legacy"); Statement st = c.createStatement()) {
            st.execute("UPDATE shop.products SET title = title || '!' WHERE id = 1");
        }
        CliRun unverifiable = run("parity", "--config", file.toString(), "--out",
                dir.resolve("unverifiable").toString(), "--timeout", "3s");
        assertThat(unverifiable.exit()).as(unverifiable.out() + unverifiable.err())
                .isEqualTo(ExitCodes.UNVERIFIABLE);
        assertThat(unverifiable.out()).contains("UNVERIFIABLE");

        // what the next start would do: resume; after the slot is dropped: refuse, and say why
        CliRun resumes = run("slot", "status", "--config", file.toString(), "--position");
        assertThat(resumes.exit()).as(resumes.out() + resumes.err()).isZero();
        assertThat(resumes.out()).contains("stored:").contains("LSN ").contains("in offsets topic 'gate.offsets'")
                .contains("next start:").contains("resuming from the position stored");
        sandbox.postgres().dropReplicationSlot("strangler_gate");
        CliRun refused = run("slot", "status", "--config", file.toString(), "--position", "--json");
        assertThat(refused.exit()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(refused.out()).contains("\"nextStart\" : \"REFUSED\"").contains("does not exist");
    }

    private void assertParityGatesOnTheVerdict(Path file) throws Exception {
        Path out = dir.resolve("parity");
        Path spill = dir.resolve("spill");
        CliRun r = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            r = run("parity", "--config", file.toString(), "--out", out.toString(), "--timeout", "20s",
                    "--work-dir", spill.toString(), "--skip-space-check");
            if (r.exit() == 0) {
                break;
            }
            Thread.sleep(1000); // the pipeline may still be starting: UNVERIFIABLE until it streams
        }
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("parity verdict: GO (exit 0)").contains("shop.customers")
                .contains("report.html");
        assertThat(out.resolve("report.html")).exists();
        assertThat(out.resolve("report.json")).exists();
        try (var left = Files.list(spill)) {
            assertThat(left).as("the run's spill directory is removed when it ends").isEmpty();
        }
        Path notADirectory = Files.writeString(dir.resolve("not-a-directory"), "");
        assertOneLineError(run("parity", "--config", file.toString(), "--work-dir",
                notADirectory.resolve("spill").toString()), ExitCodes.SOURCE_NOT_READY,
                "could not use its work directory", notADirectory.resolve("spill").toString(), "point --work-dir at");
        CliRun history = run("parity", "--config", file.toString(), "--history");
        assertThat(history.exit()).isZero();
        assertThat(history.out()).contains("GO");
        assertOneLineError(run("parity", "--config", file.toString(), "--tables", "shop.orders"), ExitCodes.CONFIG,
                "--tables: shop.orders is not in source.tables");
        assertOneLineError(run("parity", "--config", file.toString(), "--decimal-handling-mode", "exact"),
                ExitCodes.CONFIG, "decimal.handling.mode='exact' is not one of string, double, precise");
    }
}
