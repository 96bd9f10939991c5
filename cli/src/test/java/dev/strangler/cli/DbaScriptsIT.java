package dev.strangler.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.cli.dba.CliRun;
import dev.strangler.cli.dba.DoctorCommand;
import dev.strangler.cli.dba.PsqlRunner;
import dev.strangler.cli.dba.SlotCommand;
import dev.strangler.cli.dba.SqlPrintCommand;
import dev.strangler.cli.parity.ParitySettings;
import dev.strangler.engine.Pipeline;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.engine.doctor.Doctor;
import dev.strangler.engine.doctor.DoctorReport;
import dev.strangler.engine.doctor.SqlScripts;
import dev.strangler.engine.doctor.Status;
import dev.strangler.outbox.Outbox;
import dev.strangler.outbox.OutboxEvent;
import dev.strangler.outbox.OutboxMigrations;
import dev.strangler.outbox.OutboxOptions;
import dev.strangler.parity.ParityChecker;
import dev.strangler.parity.ParityConfig;
import dev.strangler.parity.Progress;
import dev.strangler.parity.compare.CanonicalRowCodecs;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.Verdict;
import dev.strangler.sandbox.Sandbox;
import dev.strangler.sql.StranglerSchema;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The DBA scripts of sql/dba/ as a DBA runs them: as a superuser, with the psql variables {@code strangler sql print
 * dba --config} fills in, each twice (they are idempotent). Then the pipeline runs as the role the scripts created,
 * which is not a superuser, streams the legacy app's changes to Kafka and routes the events of an outbox in the legacy
 * database; the doctor, the slot commands and the parity check see it. Finally the teardown leaves no slot,
 * publication, schema or role behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DbaScriptsIT {

    private static final String DB = "legacy";
    private static final String ROLE = "strangler_app";
    private static final String PASSWORD = "app-pw-'quoted'";
    private static final String PIPELINE = "dba";
    private static final String SLOT = "strangler_dba";
    private static final String PUBLICATION = "strangler_dba";
    private static final String TABLES = "shop.customers,shop.products,shop.orders,shop.order_lines";
    private static final String OUTBOX_SCHEMA = "messaging";
    private static final String OUTBOX_TABLE = OUTBOX_SCHEMA + ".outbox";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Sandbox sandbox;

    @TempDir
    Path dir;

    @BeforeAll
    void start() throws SQLException {
        sandbox = Sandbox.start();
        sandbox.postgres().createDatabase(DB);
        try (Connection c = superuser(); Statement st = c.createStatement()) {
            for (String script : StranglerSchema.DEMO_SCRIPTS) {
                st.execute(StranglerSchema.classpathScript(script));
            }
        }
        // the legacy code's outbox, created the way a service creates it: with the library's own migration
        OutboxMigrations.apply(sandbox.postgres().jdbcUrl(DB), sandbox.postgres().superuser(),
                sandbox.postgres().superuserPassword(), OUTBOX_SCHEMA);
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    private Connection superuser() throws SQLException {
        return sandbox.postgres().connect(DB);
    }

    private void runScript(String fileName, Map<String, String> variables) throws SQLException {
        runScript(DB, fileName, variables);
    }

    private void runScript(String database, String fileName, Map<String, String> variables) throws SQLException {
        SqlScripts.Script script = SqlScripts.dbaScripts().stream().filter(s -> s.fileName().equals(fileName))
                .findFirst().orElseThrow(() -> new AssertionError(fileName + " is not packaged"));
        try (Connection c = sandbox.postgres().connect(database)) {
            PsqlRunner.run(c, fileName, script.text(), variables);
        }
    }

    private Map<String, String> settings() {
        Map<String, String> m = new HashMap<>();
        m.put("pipeline.name", PIPELINE);
        m.put("source.url", sandbox.postgres().jdbcUrl(DB));
        m.put("source.user", ROLE);
        m.put("source.password", PASSWORD);
        m.put("source.tables", TABLES);
        m.put("outbox.tables", OUTBOX_TABLE);
        m.put("kafka.bootstrap.servers", sandbox.kafka().bootstrapServers());
        m.put("heartbeat.interval", "1s");
        m.put("offsets.flush.interval", "500ms");
        return m;
    }

    @Test
    void scriptsSetUpALeastPrivilegeRoleThePipelineRunsAsAndTheTeardownRemovesEverything() throws Exception {
        PipelineConfig pipelineConfig = new PipelineConfigLoader(Map.of()).fromMap(settings());
        // the names as strangler sql print dba --config fills them in, which is how a DBA gets them
        Map<String, String> vars = new HashMap<>(SqlPrintCommand.variables(pipelineConfig));
        assertThat(vars).containsEntry("tables", TABLES + "," + OUTBOX_TABLE).containsEntry("slot", SLOT)
                .containsEntry("publication", PUBLICATION).containsEntry("role", ROLE);
        vars.put("password", PASSWORD);
        vars.put("slot_wal_keep_size", "10GB");
        for (int run = 0; run < 2; run++) { // idempotent: a second run changes nothing and does not fail
            if (run == 1) { // names typed by hand, with blanks around the commas
                vars.put("tables", vars.get("tables").replace(",", " , "));
            }
            runScript("01_enable_logical_decoding.sql", vars);
            runScript("02_pipeline_role.sql", vars);
            runScript("03_publication.sql", vars);
            runScript("04_replica_identity.sql", Map.of("table", "shop.audit_log", "identity", "FULL"));
        }
        assertRole();
        assertThat(query("SELECT string_agg(schemaname || '.' || tablename, ',' ORDER BY schemaname, tablename) FROM pg_publication_tables "
                + "WHERE pubname = '" + PUBLICATION + "'"))
                .isEqualTo("messaging.outbox,shop.customers,shop.order_lines,shop.orders,shop.products");
        assertThat(query("SELECT setting FROM pg_settings WHERE name = 'max_slot_wal_keep_size'")).isEqualTo("10240");
        assertThat(query("SELECT relreplident FROM pg_class WHERE oid = 'shop.audit_log'::regclass")).isEqualTo("f");
        assertPublicationWithoutTablesIsOnlySchemaStrangler();

        Path config = CliRun.config(dir, settings());
        CliRun before = CliRun.of(new DoctorCommand(), "--config", config.toString());
        assertThat(before.exit()).as(before.out()).isZero();
        assertThat(before.out()).contains("PASS  role", "not a superuser", "publishes exactly",
                "PASS  table messaging.outbox: SELECT", "schema strangler is published");
        assertThat(new Doctor(pipelineConfig).run().check("publication " + PUBLICATION + ": tables").orElseThrow()
                .detail()).isEqualTo("publishes exactly shop.customers, shop.products, shop.orders, shop.order_lines, "
                        + "messaging.outbox (outbox)");

        try (Pipeline pipeline = new Pipeline(pipelineConfig, new Pipeline.Options(true, Duration.ofSeconds(15),
                Duration.ofMinutes(2)))) {
            pipeline.start();
            legacyAppWrites();
            UUID eventId = legacyAppWritesAnOutboxEvent();
            awaitEvents(pipelineConfig);
            awaitOutboxEvent(pipelineConfig, eventId);
            assertThat(query("SELECT count(*) FROM pg_publication_tables WHERE pubname = '" + PUBLICATION
                    + "' AND schemaname = 'strangler' AND tablename = 'heartbeat'")).isEqualTo("1");

            // the running pipeline, seen by the doctor and the slot commands
            DoctorReport running = new Doctor(pipelineConfig).run();
            assertThat(running.ok()).as(running.firstFailure().map(Object::toString).orElse("")).isTrue();
            assertThat(running.check("slot " + SLOT).orElseThrow().detail()).contains("the running pipeline");
            assertThat(running.check("schema strangler").orElseThrow().detail()).contains("migrated to V");
            CliRun status = CliRun.of(new SlotCommand(), "status", "--config", config.toString(), "--json",
                    "--expect-active");
            assertThat(status.exit()).as(status.err()).isZero();
            JsonNode json = JSON.readTree(status.out());
            assertThat(json.get("active").asBoolean()).isTrue();
            assertThat(json.get("walStatus").asText()).isEqualTo("reserved");
            assertThat(json.get("lagBytes").isNumber()).isTrue();
            CliRun drop = CliRun.of(new SlotCommand(), "drop", "--config", config.toString(), "--yes");
            assertThat(drop.exit()).isEqualTo(ExitCodes.FINDINGS);
            assertThat(drop.err()).contains("is in use", "stop the pipeline first");

            // the parity check as the same least-privilege role: SELECT, the snapshot functions, the slot view
            // and the history tables in its own schema are all it needs
            ParityConfig parity = ParitySettings.from(pipelineConfig, List.of(), 0, Map.of(), Duration.ofSeconds(60),
                    10, null);
            ParityReport report = new ParityChecker(parity,
                    CanonicalRowCodecs.factory(parity.unavailableValuePlaceholder()), Progress.NONE).run();
            assertThat(report.verdict()).as(report.tables().toString()).isEqualTo(Verdict.GO);
            assertThat(report.tables()).hasSize(4);
            assertThat(query("SELECT count(*) FROM strangler.parity_run")).isEqualTo("1");
        }

        assertThatThrownBy(() -> runScript("99_teardown.sql", Map.of("role", "x", "slot", SLOT)))
                .hasMessageContaining("psql variable 'publication' is not set");
        runScript("99_teardown.sql", vars);
        runScript("99_teardown.sql", vars);
        assertThat(query("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + SLOT + "'")).isEqualTo("0");
        assertThat(query("SELECT count(*) FROM pg_publication WHERE pubname = '" + PUBLICATION + "'")).isEqualTo("0");
        assertThat(query("SELECT count(*) FROM pg_namespace WHERE nspname = 'strangler'")).isEqualTo("0");
        assertThat(query("SELECT count(*) FROM pg_roles WHERE rolname = '" + ROLE + "'")).isEqualTo("0");
        // the legacy data is untouched
        assertThat(Long.parseLong(query("SELECT count(*) FROM shop.customers"))).isPositive();
    }

    /**
     * The teardown ends with DROP OWNED BY and DROP ROLE: pointed at a superuser or a role that owns legacy objects
     * it must stop before it drops anything, listing what it found; pointed at a role that owns nothing outside
     * schema strangler it runs. In a database of its own, so the other test's schema strangler is not touched.
     */
    @Test
    void teardownRefusesASuperuserAndARoleThatOwnsObjectsOutsideSchemaStrangler() throws Exception {
        String db = "teardown_guard";
        sandbox.postgres().createDatabase(db);
        String slot = "strangler_guard";
        String publication = "strangler_guard";
        try (Connection c = sandbox.postgres().connect(db); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE public.invoices (id int PRIMARY KEY)");
            st.execute("CREATE PUBLICATION " + publication + " FOR TABLE public.invoices");
            st.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
            st.execute("CREATE ROLE legacy_owner LOGIN");
            st.execute("CREATE SCHEMA billing AUTHORIZATION legacy_owner");
            st.execute("CREATE TABLE billing.accounts (id int PRIMARY KEY)");
            st.execute("ALTER TABLE billing.accounts OWNER TO legacy_owner");
            st.execute("CREATE FUNCTION public.total() RETURNS int LANGUAGE sql AS 'SELECT 1'");
            st.execute("ALTER FUNCTION public.total() OWNER TO legacy_owner");
        }
        Map<String, String> vars = Map.of("slot", slot, "publication", publication);

        Map<String, String> superuser = new HashMap<>(vars);
        superuser.put("role", sandbox.postgres().superuser());
        assertThatThrownBy(() -> runScript(db, "99_teardown.sql", superuser))
                .hasMessageContaining("refusing to tear down role \"postgres\": it is a superuser")
                .hasMessageContaining("Nothing has been dropped");
        assertGuardDroppedNothing(db, slot, publication, "postgres");

        Map<String, String> shared = new HashMap<>(vars);
        shared.put("role", "legacy_owner");
        assertThatThrownBy(() -> runScript(db, "99_teardown.sql", shared))
                .hasMessageContaining("refusing to tear down role \"legacy_owner\": it owns objects outside schema "
                        + "strangler: function public.total(); schema billing; table billing.accounts");
        assertGuardDroppedNothing(db, slot, publication, "legacy_owner");
        // from another database, its objects there are counted (DROP OWNED BY there would drop them)
        assertThatThrownBy(() -> runScript(DB, "99_teardown.sql", Map.of("role", "legacy_owner", "slot",
                "strangler_none", "publication", "strangler_none")))
                .hasMessageContaining("3 object(s) in database " + db);

        // once what it owns has its proper owner, the same role is torn down
        try (Connection c = sandbox.postgres().connect(db); Statement st = c.createStatement()) {
            st.execute("REASSIGN OWNED BY legacy_owner TO postgres");
            st.execute("CREATE SCHEMA strangler AUTHORIZATION legacy_owner");
            st.execute("CREATE TABLE strangler.heartbeat (pipeline text PRIMARY KEY)");
        }
        runScript(db, "99_teardown.sql", shared);
        try (Connection c = sandbox.postgres().connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                     + slot + "'), (SELECT count(*) FROM pg_roles WHERE rolname = 'legacy_owner'), "
                     + "(SELECT count(*) FROM pg_namespace WHERE nspname = 'strangler'), "
                     + "to_regclass('billing.accounts') IS NOT NULL")) {
            rs.next();
            assertThat(rs.getInt(1)).as("slot").isZero();
            assertThat(rs.getInt(2)).as("role").isZero();
            assertThat(rs.getInt(3)).as("schema strangler").isZero();
            assertThat(rs.getBoolean(4)).as("the legacy table, now another role's, is untouched").isTrue();
        }
    }

    private void assertGuardDroppedNothing(String db, String slot, String publication, String role) throws Exception {
        try (Connection c = sandbox.postgres().connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                     + slot + "'), (SELECT count(*) FROM pg_publication WHERE pubname = '" + publication + "'), "
                     + "(SELECT count(*) FROM pg_roles WHERE rolname = '" + role + "'), "
                     + "to_regclass('billing.accounts') IS NOT NULL")) {
            rs.next();
            assertThat(rs.getInt(1)).as("slot kept").isEqualTo(1);
            assertThat(rs.getInt(2)).as("publication kept").isEqualTo(1);
            assertThat(rs.getInt(3)).as("role kept").isEqualTo(1);
            assertThat(rs.getBoolean(4)).as("table kept").isTrue();
        }
    }

    private void assertRole() throws SQLException {
        assertThat(query("SELECT rolsuper::text || rolreplication::text || rolcanlogin::text FROM pg_roles "
                + "WHERE rolname = '" + ROLE + "'")).isEqualTo("falsetruetrue");
        assertThat(query("SELECT has_table_privilege('" + ROLE + "', 'shop.orders', 'SELECT')::text")).isEqualTo("true");
        assertThat(query("SELECT has_table_privilege('" + ROLE + "', 'shop.audit_log', 'SELECT')::text"))
                .as("no SELECT beyond the captured tables").isEqualTo("false");
        assertThat(query("SELECT has_table_privilege('" + ROLE + "', '" + OUTBOX_TABLE + "', 'SELECT')::text"))
                .as("the snapshot reads the outbox too").isEqualTo("true");
        assertThat(query("SELECT has_table_privilege('" + ROLE + "', '" + OUTBOX_SCHEMA + ".inbox', 'SELECT')::text"))
                .as("nor beyond the outbox tables").isEqualTo("false");
        assertThat(query("SELECT has_table_privilege('" + ROLE + "', '" + OUTBOX_TABLE + "', 'INSERT')::text"))
                .isEqualTo("false");
        assertThat(query("SELECT has_table_privilege('" + ROLE + "', 'shop.orders', 'UPDATE')::text")).isEqualTo("false");
        assertThat(query("SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'strangler'"))
                .isEqualTo(ROLE);
        // the password given (with a quote in it) is the one that works
        try (Connection c = DriverManager.getConnection(sandbox.postgres().jdbcUrl(DB), ROLE, PASSWORD)) {
            assertThat(c.isValid(5)).isTrue();
        }
    }

    private void legacyAppWrites() throws SQLException {
        try (Connection c = superuser(); Statement st = c.createStatement()) {
            st.execute("INSERT INTO shop.customers (external_ref, name, email) VALUES "
                    + "('00000000-0000-0000-0000-00000000d0ba', 'Dba Scripts', 'dba@example.com')");
            st.execute("UPDATE shop.customers SET vip = true WHERE email = 'dba@example.com'");
            st.execute("DELETE FROM shop.order_lines WHERE (order_id, line_no) IN "
                    + "(SELECT order_id, line_no FROM shop.order_lines ORDER BY 1, 2 LIMIT 1)");
            // the legacy table without a primary key is not published, so it stays writable
            st.execute("INSERT INTO shop.audit_log (actor, action) VALUES ('legacy', 'login')");
            st.execute("UPDATE shop.audit_log SET action = 'logout' WHERE actor = 'legacy'");
        }
    }

    /** 03_publication.sql with no table to list (tables=''): only schema strangler, no invalid SQL. */
    private void assertPublicationWithoutTablesIsOnlySchemaStrangler() throws SQLException {
        String empty = PUBLICATION + "_no_tables";
        runScript("03_publication.sql", Map.of("publication", empty, "tables", ""));
        assertThat(query("SELECT count(*) FROM pg_publication_rel r JOIN pg_publication p ON p.oid = r.prpubid "
                + "WHERE p.pubname = '" + empty + "'")).isEqualTo("0");
        assertThat(query("SELECT string_agg(n.nspname, ',') FROM pg_publication_namespace pn JOIN pg_publication p "
                + "ON p.oid = pn.pnpubid JOIN pg_namespace n ON n.oid = pn.pnnspid WHERE p.pubname = '" + empty + "'"))
                .isEqualTo("strangler");
        try (Connection c = superuser(); Statement st = c.createStatement()) {
            st.execute("DROP PUBLICATION " + empty);
        }
    }

    /** Code that still writes to the legacy database publishes an event with the outbox library, in its transaction. */
    private UUID legacyAppWritesAnOutboxEvent() throws SQLException {
        Outbox outbox = new Outbox(OutboxOptions.defaults().withTable(OUTBOX_TABLE));
        try (Connection c = superuser(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("UPDATE shop.customers SET name = 'Dba Outbox' WHERE email = 'dba@example.com'");
            UUID id = outbox.write(c, OutboxEvent.of("customer", "dba-customer", "CustomerRenamed",
                    "{\"name\": \"Dba Outbox\"}"));
            c.commit();
            return id;
        }
    }

    private void awaitOutboxEvent(PipelineConfig config, UUID eventId) {
        String topic = dev.strangler.contract.TopicNames.outbox(config.outbox().topicPattern(), "customer");
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<ConsumerRecord<byte[], byte[]>> records = records(topic);
            assertThat(records).hasSize(1);
            ConsumerRecord<byte[], byte[]> event = records.get(0);
            assertThat(new String(event.key(), StandardCharsets.UTF_8)).isEqualTo("dba-customer");
            assertThat(JSON.readTree(event.value()).path("name").asText()).isEqualTo("Dba Outbox");
            assertThat(new String(event.headers().lastHeader("id").value(), StandardCharsets.UTF_8))
                    .isEqualTo(eventId.toString());
        });
    }

    private void awaitEvents(PipelineConfig config) {
        String customers = config.kafka().topicFor(new dev.strangler.contract.TableId("shop", "customers"));
        String lines = config.kafka().topicFor(new dev.strangler.contract.TableId("shop", "order_lines"));
        Awaitility.await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            List<JsonNode> values = values(customers);
            assertThat(values).anyMatch(v -> v.path("op").asText().equals("r"));
            assertThat(values).anyMatch(v -> v.path("op").asText().equals("c")
                    && v.path("after").path("email").asText().equals("dba@example.com"));
            assertThat(values).anyMatch(v -> v.path("op").asText().equals("u")
                    && v.path("after").path("vip").asBoolean());
            assertThat(values(lines)).anyMatch(v -> v.path("op").asText().equals("d"));
        });
    }

    /** Every non-tombstone value of the topic, read from the beginning to its current end. */
    private List<JsonNode> values(String topic) throws Exception {
        List<JsonNode> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : records(topic)) {
            if (r.value() != null) {
                values.add(JSON.readTree(new String(r.value(), StandardCharsets.UTF_8)));
            }
        }
        return values;
    }

    /** Every record of the topic, read from the beginning to its current end; none while the topic does not exist. */
    private List<ConsumerRecord<byte[], byte[]>> records(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))
                    && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private String query(String sql) throws SQLException {
        try (Connection c = superuser(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
