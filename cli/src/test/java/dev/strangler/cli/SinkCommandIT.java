package dev.strangler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.cli.dba.CliRun;
import dev.strangler.cli.dba.PsqlRunner;
import dev.strangler.cli.dba.SqlPrintCommand;
import dev.strangler.engine.doctor.SqlScripts;
import dev.strangler.sandbox.Sandbox;
import dev.strangler.sink.config.SinkConfigLoader;
import dev.strangler.sql.StranglerSchema;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
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
 * {@code strangler sink} as a person runs it: every bad input one line with its exit code (78 configuration, 69
 * PostgreSQL, 75 Kafka, 65 a bad event), and the sink running as the least-privilege role 05_sink_role.sql creates,
 * stopped by SIGTERM with exit 0.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SinkCommandIT {

    private static final String DB = "legacy";
    private Sandbox sandbox;
    @TempDir
    Path dir;

    @BeforeAll
    void start() throws Exception {
        sandbox = Sandbox.start();
        sandbox.postgres().createDatabase(DB);
        StranglerSchema.flyway(sandbox.postgres().jdbcUrl(DB), sandbox.postgres().superuser(),
                sandbox.postgres().superuserPassword()).migrate();
        sql("CREATE SCHEMA shop", "CREATE TABLE shop.web_orders (id bigserial PRIMARY KEY, ref text NOT NULL UNIQUE, "
                + "total numeric(10,2) NOT NULL CHECK (total >= 0))",
                "CREATE TABLE shop.secrets (id int PRIMARY KEY, secret text)");
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = sandbox.postgres().connect(DB); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private static CliRun run(String... args) {
        return CliRun.of(StranglerCommand.newCommandLine(), args);
    }

    private Map<String, String> settings(String name, String topic) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sink.name", name);
        m.put("target.url", sandbox.postgres().jdbcUrl(DB));
        m.put("target.user", sandbox.postgres().superuser());
        m.put("target.password", sandbox.postgres().superuserPassword());
        m.put("kafka.bootstrap.servers", sandbox.kafka().bootstrapServers());
        m.put("sink.mappings", "placed");
        m.put("mapping.placed.topic", topic);
        m.put("mapping.placed.format", "outbox");
        m.put("mapping.placed.table", "shop.web_orders");
        m.put("mapping.placed.key", "ref");
        m.put("mapping.placed.column.ref", "/orderId");
        m.put("mapping.placed.column.total", "/total");
        return m;
    }

    private Path write(String name, Map<String, String> settings) throws Exception {
        StringBuilder text = new StringBuilder();
        settings.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Path file = dir.resolve(name + ".properties");
        Files.writeString(file, text);
        return file;
    }

    private void publish(String topic, String... payloads) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                sandbox.kafka().bootstrapServers()))) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(java.util.List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            }
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            for (String payload : payloads) {
                ProducerRecord<String, String> r = new ProducerRecord<>(topic, "k", payload);
                r.headers().add("eventType", "OrderPlaced".getBytes(StandardCharsets.UTF_8));
                producer.send(r).get();
            }
        }
    }

    private static void assertOneLineError(CliRun r, int exit, String... fragments) {
        assertThat(r.exit()).as(r.err()).isEqualTo(exit);
        assertThat(r.err().lines().filter(l -> l.startsWith("strangler: error: ")).count()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).doesNotContain("\tat ");
        for (String f : fragments) {
            assertThat(r.err()).contains(f);
        }
    }

    @Test
    void shouldRefuseBadInputWithOneLineAndItsExitCode() throws Exception {
        Map<String, String> typo = settings("typo", "cli.outbox.order");
        typo.put("sink.batchsize", "10");
        assertOneLineError(run("sink", "--config", write("typo", typo).toString()), ExitCodes.CONFIG,
                "unknown config key 'sink.batchsize'", "did you mean 'sink.batch.size'");

        Map<String, String> column = settings("column", "cli.outbox.order");
        column.put("mapping.placed.column.totl", "/total");
        assertOneLineError(run("sink", "--config", write("column", column).toString()), ExitCodes.SOURCE_NOT_READY,
                "mapping.placed.column.totl: shop.web_orders has no column totl");

        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Map<String, String> noDb = settings("nodb", "cli.outbox.order");
        noDb.put("target.url", "jdbc:postgresql://127.0.0.1:" + closed + "/legacy");
        assertOneLineError(run("sink", "--config", write("nodb", noDb).toString()), ExitCodes.SOURCE_NOT_READY,
                "cannot reach PostgreSQL at jdbc:postgresql://127.0.0.1:" + closed + "/legacy", "target.url");

        Map<String, String> noKafka = settings("nokafka", "cli.outbox.order");
        noKafka.put("kafka.bootstrap.servers", "127.0.0.1:" + closed);
        assertOneLineError(run("sink", "--config", write("nokafka", noKafka).toString()), ExitCodes.SINK_UNAVAILABLE,
                "Kafka at 127.0.0.1:" + closed + " did not answer");
    }

    @Test
    void shouldStopAtABadEventWithExit65NamingWhereItIs() throws Exception {
        String topic = "cli.outbox.bad";
        publish(topic, "{\"orderId\":\"b-1\",\"total\":\"1.00\"}", "{\"orderId\":\"b-2\",\"total\":\"-5.00\"}");
        CliRun r = run("sink", "--config", write("bad", settings("bad", topic)).toString());
        assertOneLineError(r, ExitCodes.BAD_EVENT, "bad event at topic cli.outbox.bad partition 0 offset 1",
                "web_orders_total_check", "sink.errors=dead-letter");
        try (Connection c = sandbox.postgres().connect(DB); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM shop.web_orders WHERE ref = 'b-1'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("the event before it is applied").isEqualTo(1);
        }
    }

    @Test
    void shouldRunAsTheLeastPrivilegeRoleOfItsScriptAndStopOnSigtermWithExitZero() throws Exception {
        String topic = "cli.outbox.role";
        Map<String, String> s = settings("role", topic);
        s.put("target.user", "strangler_sink");
        s.put("target.password", "sink-pw");
        Path file = write("role", s);
        // the script's names as `strangler sql print dba --sink-config` fills them in
        Map<String, String> vars = new HashMap<>(SqlPrintCommand.sinkVariables(
                new SinkConfigLoader(Map.of()).load(file)));
        assertThat(vars).containsEntry("sink_role", "strangler_sink").containsEntry("sink_tables", "shop.web_orders");
        vars.put("sink_password", "sink-pw");
        String script = SqlScripts.dbaScripts().stream().filter(x -> x.fileName().equals("05_sink_role.sql"))
                .findFirst().orElseThrow().text();
        for (int i = 0; i < 2; i++) { // idempotent
            try (Connection c = sandbox.postgres().connect(DB)) {
                PsqlRunner.run(c, "05_sink_role.sql", script, vars);
            }
        }
        try (Connection c = sandbox.postgres().connect(DB); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT rolsuper, rolreplication, "
                     + "has_table_privilege('strangler_sink', 'shop.web_orders', 'INSERT'), "
                     + "has_table_privilege('strangler_sink', 'shop.web_orders', 'TRUNCATE'), "
                     + "has_table_privilege('strangler_sink', 'shop.secrets', 'SELECT'), "
                     + "has_table_privilege('strangler_sink', 'strangler.heartbeat', 'UPDATE'), "
                     + "has_sequence_privilege('strangler_sink', 'shop.web_orders_id_seq', 'USAGE') "
                     + "FROM pg_roles WHERE rolname = 'strangler_sink'")) {
            rs.next();
            assertThat(new boolean[] {rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3), rs.getBoolean(4),
                    rs.getBoolean(5), rs.getBoolean(6), rs.getBoolean(7)})
                    .containsExactly(false, false, true, false, false, false, true);
        }

        publish(topic, "{\"orderId\":\"r-1\",\"total\":\"12.50\"}", "{\"orderId\":\"r-2\",\"total\":\"7.00\"}");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dir.resolve("sink.log");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StranglerCommand.class.getName(), "sink", "--config", file.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!applied(2)) {
                assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
                assertThat(System.nanoTime()).as("events applied").isLessThan(deadline);
                Thread.sleep(200);
            }
            assertThat(Files.readString(log)).contains("strangler: sink 'role' running (group strangler-sink-role)");
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String output = Files.readString(log);
            assertThat(p.exitValue()).as(output).isZero();
            assertThat(output).contains("sink 'role' stopped: 2 event(s) applied").doesNotContain("sink-pw");
        } finally {
            p.destroyForcibly();
        }
    }

    private boolean applied(int rows) throws Exception {
        try (Connection c = sandbox.postgres().connect(DB); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM shop.web_orders WHERE ref LIKE 'r-%'")) {
            rs.next();
            return rs.getLong(1) == rows;
        }
    }
}
