package dev.strangler.cli.dba;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.cli.ExitCodes;
import dev.strangler.sandbox.SandboxPostgres;
import dev.strangler.sql.StranglerSchema;
import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** strangler doctor, slot status and slot drop against a real PostgreSQL (no pipeline running; see DbaScriptsIT). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DbaCommandsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private SandboxPostgres postgres;

    @TempDir
    Path dir;

    @BeforeAll
    void start() throws Exception {
        postgres = SandboxPostgres.start();
        postgres.createDatabase("legacy");
        try (Connection c = postgres.connect("legacy"); Statement st = c.createStatement()) {
            for (String script : StranglerSchema.DEMO_SCRIPTS) {
                st.execute(StranglerSchema.classpathScript(script));
            }
        }
    }

    @AfterAll
    void stop() {
        postgres.close();
    }

    private Path config(String name, String tables) {
        Map<String, String> m = new HashMap<>();
        m.put("pipeline.name", name);
        m.put("source.url", postgres.jdbcUrl("legacy"));
        m.put("source.user", postgres.superuser());
        m.put("source.password", postgres.superuserPassword());
        m.put("source.tables", tables);
        m.put("kafka.bootstrap.servers", "127.0.0.1:9");
        return CliRun.config(dir, m);
    }

    private void sql(String statement) throws Exception {
        try (Connection c = postgres.connect("legacy"); Statement st = c.createStatement()) {
            st.execute(statement);
        }
    }

    private boolean slotExists(String slot) throws Exception {
        try (Connection c = postgres.connect("legacy"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + slot
                     + "'")) {
            rs.next();
            return rs.getInt(1) == 1;
        }
    }

    @Test
    void doctorPrintsATableAndJsonAndExitsByFailures() throws Exception {
        // no Kafka in this class: the database's checks only
        CliRun ok = CliRun.of(new DoctorCommand(), "--config", config("good", "shop.customers,shop.orders").toString(),
                "--no-kafka");
        System.out.println(ok.out());
        assertThat(ok.exit()).isZero();
        assertThat(ok.out()).contains("strangler doctor: pipeline 'good'", "PASS  wal_level", "WARN  role",
                "fix: ALTER SYSTEM SET max_slot_wal_keep_size", "FAIL: the pipeline can start");

        CliRun bad = CliRun.of(new DoctorCommand(), "--config",
                config("bad", "shop.customers,shop.audit_log").toString(), "--json", "--no-kafka");
        assertThat(bad.exit()).isEqualTo(ExitCodes.FINDINGS);
        JsonNode report = JSON.readTree(bad.out());
        assertThat(report.get("ok").asBoolean()).isFalse();
        assertThat(report.get("summary").get("fail").asInt()).isEqualTo(1);
        JsonNode failed = null;
        for (JsonNode check : report.get("checks")) {
            if (check.get("status").asText().equals("FAIL")) {
                failed = check;
            }
        }
        assertThat(failed).isNotNull();
        assertThat(failed.get("name").asText()).isEqualTo("table shop.audit_log: replica identity");
        assertThat(failed.get("fix").asText()).contains("REPLICA IDENTITY FULL");
    }

    @Test
    void doctorRefusesABadConfigWithItsExitCode() {
        CliRun run = CliRun.of(new DoctorCommand(), "--config", dir.resolve("missing.properties").toString());
        assertThat(run.exit()).isEqualTo(ExitCodes.CONFIG);
        assertThat(run.err()).contains("does not exist");
    }

    @Test
    void slotStatusShowsTheSlotAndFindsNoneWhenMissing() throws Exception {
        Path config = config("status", "shop.customers");
        CliRun missing = CliRun.of(new SlotCommand(), "status", "--config", config.toString());
        assertThat(missing.exit()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(missing.out()).contains("slot 'strangler_status' does not exist");

        sql("SELECT pg_create_logical_replication_slot('strangler_status', 'pgoutput')");
        sql("INSERT INTO shop.audit_log (actor, action) VALUES ('status', 'wal')");
        CliRun text = CliRun.of(new SlotCommand(), "status", "--config", config.toString());
        System.out.println(text.out());
        assertThat(text.exit()).isZero();
        assertThat(text.out()).contains("slot strangler_status (logical, pgoutput, database legacy)",
                "active:          no", "wal_status:      reserved", "retained WAL:", "confirmed flush:", "failover:");
        // the sandbox runs with synchronous_commit=off: the insert reaches pg_current_wal_lsn() within moments
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode json = JSON.readTree(CliRun.of(new SlotCommand(), "status", "--config", config.toString(),
                    "--json").out());
            assertThat(json.get("lagBytes").asLong()).isPositive();
        });
        JsonNode json = JSON.readTree(CliRun.of(new SlotCommand(), "status", "--config", config.toString(), "--json")
                .out());
        assertThat(json.get("exists").asBoolean()).isTrue();
        assertThat(json.get("active").asBoolean()).isFalse();
        assertThat(json.get("failover").asBoolean()).isFalse();
        assertThat(CliRun.of(new SlotCommand(), "status", "--config", config.toString(), "--expect-active").exit())
                .isEqualTo(ExitCodes.FINDINGS);
        sql("SELECT pg_drop_replication_slot('strangler_status')");
    }

    @Test
    void slotDropAsksForTheNameAndRefusesAnotherConsumersSlot() throws Exception {
        Path config = config("drop", "shop.customers");
        assertThat(CliRun.of(new SlotCommand(), "drop", "--config", config.toString(), "--yes").out())
                .contains("nothing to drop");

        sql("SELECT pg_create_logical_replication_slot('strangler_drop', 'pgoutput')");
        CliRun refused = CliRun.of(answering("yes\n"), "--config", config.toString());
        assertThat(refused.exit()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(refused.out()).contains("Type the slot name to confirm");
        assertThat(refused.err()).contains("not dropped", "--yes");
        assertThat(slotExists("strangler_drop")).isTrue();

        CliRun dropped = CliRun.of(answering("strangler_drop\n"), "--config", config.toString());
        assertThat(dropped.exit()).isZero();
        assertThat(dropped.out()).contains("dropped slot 'strangler_drop'", "snapshot.mode=when_needed");
        assertThat(slotExists("strangler_drop")).isFalse();

        sql("SELECT pg_create_logical_replication_slot('strangler_foreign', 'test_decoding')");
        Path foreign = config("foreign", "shop.customers");
        CliRun other = CliRun.of(new SlotCommand(), "drop", "--config", foreign.toString(), "--yes");
        assertThat(other.exit()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(other.err()).contains("not the pipeline's", "another consumer");
        assertThat(slotExists("strangler_foreign")).isTrue();
        sql("SELECT pg_drop_replication_slot('strangler_foreign')");
    }

    /** The drop subcommand on its own, reading its confirmation from {@code answer}. */
    private static SlotDropCommand answering(String answer) {
        SlotDropCommand command = new SlotDropCommand();
        command.input = new BufferedReader(new StringReader(answer));
        return command;
    }
}
