package dev.strangler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import dev.strangler.cli.dba.PsqlRunner;
import dev.strangler.cli.parity.ParitySettings;
import dev.strangler.engine.Pipeline;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.engine.doctor.SqlScripts;
import dev.strangler.parity.ParityChecker;
import dev.strangler.parity.ParityConfig;
import dev.strangler.parity.Progress;
import dev.strangler.parity.compare.CanonicalRowCodecs;
import dev.strangler.sandbox.ChildJvm;
import dev.strangler.sandbox.Sandbox;
import dev.strangler.sandbox.SandboxKafka;
import dev.strangler.sandbox.SandboxTls;
import dev.strangler.sql.StranglerSchema;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * A deployment shaped like production, with a distinctive database password and a distinctive SASL secret: the
 * password checked by PostgreSQL (scram-sha-256), Kafka reached over SASL_SSL with a CA made in this test, each secret
 * read the way operators keep them (a secret file, a config-provider reference). The pipeline runs in a child JVM
 * ({@code strangler run --verbose}), the parity check, the doctor and the slot status run as a person runs them, and
 * the wrong-password and wrong-SASL-secret paths and the configuration's refusals are walked through.
 *
 * <p>Everything any of it produces is watched ({@link LeakWatch}): every log event of this JVM at INFO (Strangler's
 * own at DEBUG), System.out and System.err, the child's output, every command's stdout and stderr, the parity reports,
 * exception traces, the running pipeline's HTTP endpoint (/status, /metrics, /health) and {@code strangler status},
 * every record of every topic and every row Strangler wrote in schema strangler. The test fails if either secret, or
 * either wrong one, shows up anywhere. A new output is one more {@code watch.scan(...)}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretLeakIT {

    private static final String DB = "legacy";
    private static final String ROLE = "strangler_leak";
    private static final String SASL_USER = "strangler";
    private static final String TABLES = "shop.customers,shop.products";
    /** Distinctive cores, watched for in every output; the secrets wrap them in characters that need quoting. */
    private static final String PASSWORD_CORE = core("PgPassword");
    private static final String SASL_CORE = core("SaslSecret");
    private static final String WRONG_PASSWORD_CORE = core("WrongPg");
    private static final String WRONG_SASL_CORE = core("WrongSasl");
    private static final String PASSWORD = "p'" + PASSWORD_CORE + "$x";
    private static final String SASL_SECRET = "s&" + SASL_CORE + "=y";

    private Path dir;
    private Sandbox sandbox;
    private SandboxKafka.SaslSsl saslSsl;
    private AutoCloseable passwordsRequired;
    private LeakWatch watch;
    private Path config;
    private int httpPort;

    private static String core(String what) {
        return "LEAK" + what + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    @BeforeAll
    void start() throws Exception {
        watch = new LeakWatch(Map.of("source.password", PASSWORD_CORE, "SASL secret", SASL_CORE,
                "a wrong source.password", WRONG_PASSWORD_CORE, "a wrong SASL secret", WRONG_SASL_CORE),
                Map.of(org.slf4j.Logger.ROOT_LOGGER_NAME, Level.INFO, "dev.strangler", Level.DEBUG,
                        // production logs these at WARN: watch their INFO lines too (client configs, logins)
                        "org.apache.kafka", Level.INFO, "kafka", Level.INFO, "io.debezium", Level.INFO,
                        "org.flywaydb", Level.INFO, "com.zaxxer", Level.INFO));
        dir = Files.createTempDirectory("strangler-leak-");
        saslSsl = new SandboxKafka.SaslSsl(SandboxTls.generate(dir.resolve("tls")), SASL_USER, SASL_SECRET);
        sandbox = Sandbox.start(saslSsl);
        sandbox.postgres().createDatabase(DB);
        try (Connection c = sandbox.postgres().connect(DB); Statement st = c.createStatement()) {
            for (String script : StranglerSchema.DEMO_SCRIPTS) {
                st.execute(StranglerSchema.classpathScript(script));
            }
        }
        // the role as a DBA makes it, the password passed to the script the way psql passes it
        Map<String, String> vars = Map.of("role", ROLE, "password", PASSWORD, "tables", TABLES, "publication",
                "strangler_leak", "slot", "strangler_leak", "slot_wal_keep_size", "1GB");
        for (String script : List.of("02_pipeline_role.sql", "03_publication.sql")) {
            try (Connection c = sandbox.postgres().connect(DB)) {
                PsqlRunner.run(c, script, SqlScripts.dbaScripts().stream().filter(s -> s.fileName().equals(script))
                        .findFirst().orElseThrow().text(), vars);
            }
        }
        passwordsRequired = sandbox.postgres().requirePasswords();
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            httpPort = free.getLocalPort(); // the running pipeline's HTTP endpoint
        }
        config = config("leak", PASSWORD, SASL_SECRET);
    }

    @AfterAll
    void stop() throws Exception {
        if (passwordsRequired != null) {
            passwordsRequired.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
        if (watch != null) {
            watch.close();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * A pipeline.properties whose secrets live where operators keep them: the password in a file of its own
     * (source.password.file, owner-only), the SASL JAAS line in a directory of secret files read through Kafka's
     * directory config provider.
     */
    private Path config(String name, String password, String saslSecret) throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("secrets-" + name));
        Path passwordFile = secrets.resolve("db-password");
        Files.writeString(passwordFile, password + "\n");
        Files.writeString(secrets.resolve("kafka-jaas"), SandboxKafka.SaslSsl.jaasConfig(SASL_USER, saslSecret));
        for (Path f : List.of(passwordFile, secrets.resolve("kafka-jaas"))) {
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("pipeline.name", name);
        m.put("source.url", sandbox.postgres().jdbcUrl(DB) + "?sslmode=disable&ApplicationName=leak");
        m.put("source.user", ROLE);
        m.put("source.password.file", passwordFile.toString());
        m.put("source.tables", TABLES);
        m.put("source.slot", "strangler_leak");
        m.put("source.publication", "strangler_leak");
        m.put("topic.prefix", "leak"); // every variant (wrong password, wrong secret) looks at the same topics
        m.put("offsets.topic", "leak.offsets");
        m.put("kafka.bootstrap.servers", sandbox.kafka().saslSslBootstrapServers());
        m.put("kafka.client.security.protocol", "SASL_SSL");
        m.put("kafka.client.sasl.mechanism", SandboxKafka.SaslSsl.MECHANISM);
        m.put("kafka.client.sasl.jaas.config", "${directory:" + secrets + ":kafka-jaas}");
        m.put("kafka.client.ssl.truststore.type", "PEM");
        m.put("kafka.client.ssl.truststore.location", saslSsl.tls().caCertificate().toString());
        m.put("heartbeat.interval", "1s");
        m.put("offsets.flush.interval", "500ms");
        m.put("http.bind", "127.0.0.1");
        m.put("http.port", Integer.toString(httpPort));
        StringBuilder text = new StringBuilder();
        m.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
        Path file = dir.resolve(name + ".properties");
        Files.writeString(file, text);
        return file;
    }

    private record Result(String command, int exit, String out, String err) {
    }

    /** Runs a strangler command in this JVM as the command line does, and watches what it prints. */
    private Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = StranglerCommand.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        String command = "strangler " + String.join(" ", args);
        watch.scan(command + " (stdout)", out.toString());
        watch.scan(command + " (stderr)", err.toString());
        return new Result(command, exit, out.toString(), err.toString());
    }

    @Test
    void noSecretReachesAnyLogReportStatusOrErrorMessage() throws Exception {
        assertThat(watch.wouldFlag(Files.readString(dir.resolve("secrets-leak").resolve("kafka-jaas"))))
                .as("the watch sees what it looks for").isTrue();
        PipelineConfig pipeline = new PipelineConfigLoader(Map.of()).load(config);
        watch.scan("PipelineConfig.toString", pipeline.toString());
        watch.scan("ParityConfig.toString", ParitySettings.from(pipeline, List.of(), 0, Map.of(),
                Duration.ofSeconds(1), 1, null).toString());

        Result doctor = cli("doctor", "--config", config.toString());
        assertThat(doctor.exit()).as(doctor.out() + doctor.err()).isZero();
        assertThat(doctor.out()).contains("PASS  connection", "PASS  kafka tls", "SASL_SSL: the brokers' "
                + "certificates are verified against", "PASS  kafka ", "reached cluster");
        cli("doctor", "--config", config.toString(), "--json", "--verbose");

        Path childLog = dir.resolve("run.log");
        try (ChildJvm run = ChildJvm.start(StranglerCommand.class, List.of("run", "--verbose", "--config",
                        config.toString()), List.of("-Xmx384m", "-Dlogback.configurationFile=" + chattyLogging()),
                childLog,
                "strangler: pipeline 'leak' running; Ctrl-C stops it", Duration.ofMinutes(3))) {
            legacyAppWrites();
            Path reports = dir.resolve("parity");
            Result parity = awaitParityGo(reports);
            assertThat(parity.out()).contains("parity verdict: GO");
            for (String report : List.of("report.html", "report.md", "report.json")) {
                watch.scan(report, Files.readString(reports.resolve(report)));
            }
            cli("parity", "--config", config.toString(), "--out", dir.resolve("parity-json").toString(), "--json",
                    "--timeout", "60s");
            cli("parity", "--config", config.toString(), "--history");
            cli("parity", "--config", config.toString(), "--history", "--json");
            Result status = cli("slot", "status", "--config", config.toString(), "--position");
            assertThat(status.exit()).as(status.out() + status.err()).isZero();
            cli("slot", "status", "--config", config.toString(), "--json", "--verbose");
            // while the pipeline moves the slot, a parity check gets as far as Kafka, which refuses a wrong secret
            Result wrongSasl = cli("parity", "--verbose", "--config", config("wrongsasl", PASSWORD, "w&"
                    + WRONG_SASL_CORE).toString(), "--out", dir.resolve("parity-wrong-sasl").toString(),
                    "--timeout", "60s");
            assertThat(wrongSasl.exit()).as(wrongSasl.out() + wrongSasl.err()).isNotZero();
            // the running pipeline's HTTP endpoint, and strangler status, which asks it
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            for (String path : List.of("/status", "/metrics", "/health/live", "/health/ready")) {
                java.net.http.HttpResponse<String> reply = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + httpPort + path)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
                assertThat(reply.statusCode()).as(path).isLessThan(500);
                watch.scan("GET " + path, reply.headers().map() + "\n" + reply.body());
            }
            cli("status", "--config", config.toString());
            cli("status", "--config", config.toString(), "--json");
            assertThat(run.process().isAlive()).as(run.output()).isTrue();
            run.process().destroy(); // SIGTERM: finish the batch in flight, commit, exit 0
            int exit = run.awaitExit(Duration.ofMinutes(1));
            watch.scan("strangler run (child JVM output)", run.output());
            assertThat(exit).as(run.output()).isZero();
            assertThat(run.output()).contains("stopped after publishing");
        }

        wrongPasswordPaths();
        wrongSaslSecretPaths();
        refusedConfigurations();
        whatStranglerWrote(pipeline);

        List<LeakWatch.Leak> leaks = watch.leaks();
        System.out.println("leak watch scanned: " + watch.scannedCounts());
        assertThat(leaks).as("secrets found in the output").isEmpty();
        assertThat(watch.scannedCounts().entrySet().stream().filter(e -> e.getKey().equals("log"))
                .mapToLong(Map.Entry::getValue).sum()).as("log events watched").isGreaterThan(100);
    }

    /** The production logging pattern with everything at INFO, for the child: more lines watched than it writes. */
    private Path chattyLogging() throws Exception {
        Path file = dir.resolve("logback-chatty.xml");
        Files.writeString(file, """
                <configuration>
                  <conversionRule conversionWord="pipeline" class="dev.strangler.cli.PipelineNameConverter"/>
                  <appender name="STDERR" class="ch.qos.logback.core.ConsoleAppender">
                    <target>System.err</target>
                    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%pipeline] %logger{24} - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="dev.strangler" level="DEBUG"/>
                  <root level="INFO"><appender-ref ref="STDERR"/></root>
                </configuration>
                """);
        return file;
    }

    private Result awaitParityGo(Path reports) throws Exception {
        Result r = null;
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            r = cli("parity", "--config", config.toString(), "--out", reports.toString(), "--timeout", "30s");
            if (r.exit() == 0) {
                return r;
            }
            Thread.sleep(1000); // the pipeline may still be taking its snapshot: UNVERIFIABLE until it streams
        }
        throw new AssertionError("parity never said GO: " + r);
    }

    private void legacyAppWrites() throws Exception {
        try (Connection c = sandbox.postgres().connect(DB); Statement st = c.createStatement()) {
            st.execute("INSERT INTO shop.customers (external_ref, name, email) VALUES "
                    + "('00000000-0000-0000-0000-0000000000ea', 'Leak Test', 'leak@example.com')");
            st.execute("UPDATE shop.products SET title = title || ' (new)' WHERE id = 1");
        }
    }

    /** A wrong database password, through every command and the API, with and without --verbose. */
    private void wrongPasswordPaths() throws Exception {
        Path wrong = config("wrongpw", "w'" + WRONG_PASSWORD_CORE, SASL_SECRET);
        Result run = cli("run", "--verbose", "--config", wrong.toString());
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.SOURCE_NOT_READY);
        assertThat(run.err()).contains("rejected role '" + ROLE + "'");
        Result doctor = cli("doctor", "--config", wrong.toString(), "--json");
        assertThat(doctor.exit()).isEqualTo(ExitCodes.FINDINGS);
        cli("doctor", "--config", wrong.toString());
        cli("parity", "--verbose", "--config", wrong.toString(), "--out", dir.resolve("parity-wrong").toString(),
                "--timeout", "10s");
        cli("parity", "--config", wrong.toString(), "--history");
        cli("slot", "status", "--verbose", "--config", wrong.toString(), "--position");
        PipelineConfig config = new PipelineConfigLoader(Map.of()).load(wrong);
        try (Pipeline pipeline = new Pipeline(config, Pipeline.Options.defaults())) {
            pipeline.start();
            throw new AssertionError("the pipeline started with a wrong password");
        } catch (RuntimeException e) {
            watch.scan("Pipeline.start with a wrong password", e);
        }
        ParityConfig parity = ParitySettings.from(config, List.of(), 0, Map.of(), Duration.ofSeconds(10), 5, null);
        try {
            new ParityChecker(parity, CanonicalRowCodecs.factory(parity.unavailableValuePlaceholder()),
                    Progress.NONE).run();
        } catch (RuntimeException e) {
            watch.scan("ParityChecker.run with a wrong password", e);
        }
    }

    /** A wrong SASL secret: the doctor, a start and a parity check, each told by Kafka to go away. */
    private void wrongSaslSecretPaths() throws Exception {
        Path wrong = config("wrongsasl", PASSWORD, "w&" + WRONG_SASL_CORE);
        Result doctor = cli("doctor", "--config", wrong.toString(), "--verbose");
        assertThat(doctor.exit()).isEqualTo(ExitCodes.FINDINGS);
        assertThat(doctor.out()).contains("FAIL  kafka", "refused the SASL credentials");
        cli("doctor", "--config", wrong.toString(), "--json");
        Result run = cli("run", "--verbose", "--config", wrong.toString());
        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.SINK_UNAVAILABLE);
        cli("slot", "status", "--verbose", "--config", wrong.toString(), "--position");
    }

    /** Configurations refused before anything connects: none of their messages may repeat a secret. */
    private void refusedConfigurations() throws Exception {
        String base = Files.readString(config);
        Map<String, String> refused = new LinkedHashMap<>();
        refused.put("password-in-url", base.replace("?sslmode=disable", "?sslmode=disable&password="
                + WRONG_PASSWORD_CORE));
        refused.put("user-info-in-url", base.replace("jdbc:postgresql://", "jdbc:postgresql://" + ROLE + ":"
                + WRONG_PASSWORD_CORE + "@"));
        refused.put("set-twice", base + "source.password=" + WRONG_PASSWORD_CORE + "\n");
        refused.put("unresolved", base.replace("kafka.client.sasl.jaas.config=",
                "kafka.client.sasl.jaas.config=${env:STRANGLER_LEAK_NOPE} " + WRONG_SASL_CORE + " "));
        refused.put("bad-jaas", base.replaceAll("kafka.client.sasl.jaas.config=.*\n",
                "kafka.client.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule "
                        + "required password=" + WRONG_SASL_CORE + "\n"));
        for (Map.Entry<String, String> e : refused.entrySet()) {
            Path file = dir.resolve("refused-" + e.getKey() + ".properties");
            Files.writeString(file, e.getValue());
            for (List<String> command : List.of(List.of("run"), List.of("doctor"),
                    List.of("parity", "--timeout", "5s", "--out", dir.resolve("parity-refused").toString()))) {
                List<String> args = new ArrayList<>(command);
                args.addAll(List.of("--verbose", "--config", file.toString()));
                Result r = cli(args.toArray(String[]::new));
                assertThat(r.exit()).as(e.getKey() + " " + args + ": " + r.err()).isNotZero();
            }
        }
    }

    /** Everything Strangler wrote: every record of every topic, every row of schema strangler. */
    private void whatStranglerWrote(PipelineConfig pipeline) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<String> topics;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                sandbox.kafka().bootstrapServers()))) {
            topics = new ArrayList<>(admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions()
                    .listInternal(true)).names().get(30, java.util.concurrent.TimeUnit.SECONDS));
        }
        assertThat(topics).contains(pipeline.kafka().topicFor(new dev.strangler.contract.TableId("shop", "customers")),
                pipeline.offsets().topic());
        long records = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            for (String topic : topics) {
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                        .map(i -> new TopicPartition(topic, i.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToBeginning(partitions);
                Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                        && System.nanoTime() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        StringBuilder text = new StringBuilder();
                        text.append(r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8)).append(' ')
                                .append(r.value() == null ? "" : new String(r.value(), StandardCharsets.UTF_8));
                        for (Header h : r.headers()) {
                            text.append(' ').append(h.key()).append('=')
                                    .append(new String(h.value(), StandardCharsets.UTF_8));
                        }
                        watch.scan("topic " + topic, text.toString());
                        records++;
                    }
                }
            }
        }
        assertThat(records).as("records read back").isPositive();
        try (Connection c = sandbox.postgres().connect(DB); Statement st = c.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT quote_ident(tablename) FROM pg_tables "
                    + "WHERE schemaname = 'strangler'")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            assertThat(tables).contains("parity_run", "heartbeat");
            for (String table : tables) {
                try (ResultSet rs = st.executeQuery("SELECT t::text FROM strangler." + table + " t")) {
                    while (rs.next()) {
                        watch.scan("strangler." + table, rs.getString(1));
                    }
                }
            }
        }
    }
}
