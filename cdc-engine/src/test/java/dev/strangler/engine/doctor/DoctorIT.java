package dev.strangler.engine.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.sandbox.SandboxPostgres;
import dev.strangler.sql.StranglerSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The doctor against a real PostgreSQL: a healthy database, and each kind of bad input it must name with its fix
 * (wrong password, no REPLICATION, missing table, table without key, a publication with extra or missing tables, an
 * outbox table missing, unreadable, unpublished or of the wrong shape, a slot of another consumer, a lost slot).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DoctorIT {

    private static final String CAPTURED = "shop.customers,shop.products,shop.orders,shop.order_lines";

    private SandboxPostgres postgres;

    @BeforeAll
    void start() {
        postgres = SandboxPostgres.start();
    }

    @AfterAll
    void stop() {
        postgres.close();
    }

    private String legacyDatabase() throws SQLException {
        String db = "legacy_" + UUID.randomUUID().toString().substring(0, 8);
        postgres.createDatabase(db);
        try (Connection c = postgres.connect(db); Statement st = c.createStatement()) {
            for (String script : StranglerSchema.DEMO_SCRIPTS) {
                st.execute(StranglerSchema.classpathScript(script));
            }
        }
        return db;
    }

    private Map<String, String> settings(String db, String name) {
        Map<String, String> m = new HashMap<>();
        m.put("pipeline.name", name);
        m.put("source.url", postgres.jdbcUrl(db));
        m.put("source.user", postgres.superuser());
        m.put("source.password", postgres.superuserPassword());
        m.put("source.tables", CAPTURED);
        m.put("kafka.bootstrap.servers", "127.0.0.1:9");
        return m;
    }

    private static DoctorReport doctor(Map<String, String> settings) {
        PipelineConfig config = new PipelineConfigLoader(Map.of()).fromMap(settings);
        return new Doctor(config, false).run(); // no Kafka here: the database's checks only
    }

    private void sql(String db, String... statements) throws SQLException {
        try (Connection c = postgres.connect(db); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private static Check check(DoctorReport report, String name) {
        Optional<Check> check = report.check(name);
        assertThat(check).as("check '%s' in %s", name, report.checks()).isPresent();
        return check.get();
    }

    @Test
    void aFreshDemoDatabasePassesAsSuperuserWithWarnings() throws Exception {
        String db = legacyDatabase();
        DoctorReport report = doctor(settings(db, "healthy"));
        report.checks().forEach(c -> System.out.println(c.status() + " " + c.name() + ": " + c.message()));

        assertThat(report.ok()).as(report.firstFailure().map(Check::message).orElse("")).isTrue();
        assertThat(check(report, "connection").status()).isEqualTo(Status.PASS);
        assertThat(check(report, "wal_level").status()).isEqualTo(Status.PASS);
        assertThat(check(report, "primary").status()).isEqualTo(Status.PASS);
        assertThat(check(report, "replication connection").detail()).contains("IDENTIFY_SYSTEM");
        assertThat(check(report, "role").status()).isEqualTo(Status.WARN);
        assertThat(check(report, "role").detail()).contains("superuser");
        assertThat(check(report, "max_slot_wal_keep_size").status()).isEqualTo(Status.WARN);
        assertThat(check(report, "max_slot_wal_keep_size").fix()).contains("ALTER SYSTEM SET max_slot_wal_keep_size");
        assertThat(check(report, "table shop.orders: replica identity").detail()).contains("primary key (id)");
        assertThat(check(report, "table shop.order_lines: replica identity").detail())
                .contains("primary key (order_id, line_no)");
        assertThat(check(report, "table shop.products: TOAST").detail())
                .contains("attributes", "thumbnail", "not comparable");
        assertThat(check(report, "table shop.products: TOAST").fix()).as("small rows: FULL logs little")
                .startsWith("cheaper here: ALTER TABLE \"shop\".\"products\" REPLICA IDENTITY FULL;");
        assertThat(report.check("table shop.order_lines: TOAST")).isEmpty();
        assertThat(check(report, "publication strangler_healthy").status()).isEqualTo(Status.PASS);
        assertThat(check(report, "schema strangler").detail()).contains("not created yet");
        assertThat(check(report, "slot strangler_healthy").detail()).contains("does not exist yet");
    }

    /**
     * Managed services recognised from the roles and settings each provider creates, recreated here: settings per
     * database (a placeholder setting is what current_setting reads on the real service too), provider roles created
     * for the one case and dropped after it, since roles are the whole server's.
     */
    @Test
    void managedServicesAreRecognisedAndGetTheProvidersFixes() throws Exception {
        sql("postgres", "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'doc_hosted') "
                + "THEN CREATE ROLE doc_hosted LOGIN PASSWORD 'hosted'; END IF; END $$");

        String rds = legacyDatabase();
        sql(rds, "ALTER DATABASE " + rds + " SET rds.logical_replication = '1'");
        DoctorReport onRds = hostedDoctor(rds);
        assertThat(check(onRds, "platform").detail())
                .startsWith("Amazon RDS for PostgreSQL (setting rds.logical_replication = 1)");
        assertThat(check(onRds, "role").status()).isEqualTo(Status.FAIL);
        assertThat(check(onRds, "role").fix()).startsWith("GRANT rds_replication TO \"doc_hosted\";")
                .doesNotContain("WITH REPLICATION");
        assertThat(check(onRds, "replication connection").fix()).startsWith("GRANT rds_replication");

        String aurora = legacyDatabase();
        sql(aurora, "ALTER DATABASE " + aurora + " SET rds.logical_replication = '1'",
                "CREATE FUNCTION public.aurora_version() RETURNS text LANGUAGE sql AS $$ SELECT '16.4.1' $$");
        assertThat(check(hostedDoctor(aurora), "platform").detail()).startsWith("Amazon Aurora PostgreSQL ("
                + "function aurora_version(), setting rds.logical_replication = 1)");

        String azure = legacyDatabase();
        sql(azure, "ALTER DATABASE " + azure + " SET azure.extensions = 'pg_stat_statements'");
        assertThat(check(hostedDoctor(azure), "platform").detail())
                .startsWith("Azure Database for PostgreSQL flexible server (setting azure.extensions)");

        String cloudSql = legacyDatabase();
        sql(cloudSql, "CREATE ROLE cloudsqlsuperuser NOLOGIN");
        try {
            DoctorReport onCloudSql = hostedDoctor(cloudSql);
            assertThat(check(onCloudSql, "platform").detail())
                    .startsWith("Google Cloud SQL for PostgreSQL (role cloudsqlsuperuser)");
            assertThat(check(onCloudSql, "role").fix()).contains("ALTER ROLE \"doc_hosted\" WITH REPLICATION",
                    "cloudsqlsuperuser").doesNotContain("rds_replication");
        } finally {
            sql(cloudSql, "DROP ROLE cloudsqlsuperuser");
        }

        DoctorReport selfManaged = hostedDoctor(legacyDatabase());
        assertThat(check(selfManaged, "platform").detail()).startsWith("self-managed PostgreSQL");
        assertThat(check(selfManaged, "role").fix()).startsWith("ALTER ROLE \"doc_hosted\" WITH REPLICATION");
    }

    /**
     * A failover slot on a real PostgreSQL 17: an ordinary slot is made one in place with the command the doctor
     * gives, and synchronized_standby_slots is checked against the physical slots (set, then reset: it is the
     * server's).
     */
    @Test
    void aFailoverSlotIsMadeInPlaceAndCheckedAgainstTheStandbysSlots() throws Exception {
        String db = legacyDatabase();
        Map<String, String> s = settings(db, "failover");
        s.put("source.slot.failover", "true");
        sql(db, "SELECT pg_create_logical_replication_slot('strangler_failover', 'pgoutput')");
        try {
            Check ordinary = check(doctor(s), "slot strangler_failover: failover");
            assertThat(ordinary.status()).isEqualTo(Status.WARN);
            assertThat(ordinary.fix()).contains("'ALTER_REPLICATION_SLOT strangler_failover ( FAILOVER true )'");

            try (Connection replication = java.sql.DriverManager.getConnection(postgres.jdbcUrl(db)
                            + "?replication=database&preferQueryMode=simple&assumeMinServerVersion=10",
                    postgres.superuser(), postgres.superuserPassword());
                 Statement st = replication.createStatement()) {
                st.execute("ALTER_REPLICATION_SLOT strangler_failover ( FAILOVER true )");
            }
            sql(db, "SELECT pg_create_physical_replication_slot('doc_standby')");
            DoctorReport made = doctor(s);
            assertThat(check(made, "slot strangler_failover: failover").status()).isEqualTo(Status.PASS);
            Check unsynchronized = check(made, "synchronized_standby_slots");
            assertThat(unsynchronized.status()).isEqualTo(Status.WARN);
            assertThat(unsynchronized.fix()).startsWith("ALTER SYSTEM SET synchronized_standby_slots = 'doc_standby';");

            sql(db, "ALTER SYSTEM SET synchronized_standby_slots = 'doc_standby'", "SELECT pg_reload_conf()");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                    check(doctor(s), "synchronized_standby_slots").status() == Status.PASS);
        } finally {
            sql(db, "ALTER SYSTEM RESET synchronized_standby_slots", "SELECT pg_reload_conf()",
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                            + "WHERE slot_name IN ('strangler_failover', 'doc_standby')");
        }
    }

    /** Rows with large out-of-line values: re-reading them is cheaper than logging them whole on every write. */
    @Test
    void largeToastedRowsAreBestReadBackAndPassOnceTheyAre() throws Exception {
        String db = legacyDatabase();
        sql(db, "INSERT INTO shop.products (id, sku, title, price, thumbnail) SELECT 100000 + g, 'big-' || g, 'big', 1, "
                + "(SELECT decode(string_agg(md5(g::text || x::text), ''), 'hex') FROM generate_series(1, 2000) x) "
                + "FROM generate_series(1, 50) g", "ANALYZE shop.products");
        Map<String, String> s = settings(db, "toast");
        Check advice = check(doctor(s), "table shop.products: TOAST");
        assertThat(advice.status()).isEqualTo(Status.WARN);
        assertThat(advice.detail()).contains("stored out of line now");
        assertThat(advice.fix()).startsWith("cheaper here: add shop.products to source.toast.reselect")
                .contains("REPLICA IDENTITY FULL");

        s.put("source.toast.reselect", "shop.products");
        Check reselected = check(doctor(s), "table shop.products: TOAST");
        assertThat(reselected.status()).isEqualTo(Status.PASS);
        assertThat(reselected.detail()).contains("read back from the table");
    }

    private DoctorReport hostedDoctor(String db) {
        Map<String, String> s = settings(db, "hosted");
        s.put("source.user", "doc_hosted");
        s.put("source.password", "hosted");
        return doctor(s);
    }

    @Test
    void aRoleWithoutReplicationFailsWithTheGrant() throws Exception {
        String db = legacyDatabase();
        sql(db, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'doc_reader') "
                + "THEN CREATE ROLE doc_reader LOGIN PASSWORD 'reader'; END IF; END $$",
                "GRANT USAGE ON SCHEMA shop TO doc_reader", "GRANT SELECT ON shop.customers TO doc_reader");
        Map<String, String> s = settings(db, "noreplication");
        s.put("source.user", "doc_reader");
        s.put("source.password", "reader");
        DoctorReport report = doctor(s);

        assertThat(report.ok()).isFalse();
        assertThat(check(report, "role").status()).isEqualTo(Status.FAIL);
        assertThat(check(report, "role").fix()).contains("ALTER ROLE \"doc_reader\" WITH REPLICATION", "rds_replication");
        assertThat(check(report, "replication connection").status()).isEqualTo(Status.FAIL);
        assertThat(check(report, "replication connection").fix()).contains("WITH REPLICATION");
        assertThat(check(report, "table shop.customers: SELECT").status()).isEqualTo(Status.PASS);
        assertThat(check(report, "table shop.orders: SELECT").fix())
                .isEqualTo("GRANT SELECT ON \"shop\".\"orders\" TO \"doc_reader\";");
        assertThat(check(report, "publication strangler_noreplication").status()).isEqualTo(Status.FAIL);
        assertThat(check(report, "publication strangler_noreplication").detail()).contains("does not own");
        assertThat(check(report, "publication strangler_noreplication").fix()).contains("03_publication.sql");
    }

    @Test
    void aWrongPasswordIsNamedWithItsFix() throws Exception {
        String db = legacyDatabase();
        sql(db, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'doc_pw') "
                + "THEN CREATE ROLE doc_pw LOGIN REPLICATION PASSWORD 'right'; END IF; END $$");
        try (var passwords = postgres.requirePasswords()) {
            Map<String, String> s = settings(db, "wrongpassword");
            s.put("source.user", "doc_pw");
            s.put("source.password", "wrong");
            DoctorReport report = doctor(s);

            // the configuration's own checks, then the connection, and nothing after it
            assertThat(report.checks()).extracting(Check::name).containsExactly("source tls", "connection");
            Check connection = check(report, "connection");
            assertThat(connection.status()).isEqualTo(Status.FAIL);
            assertThat(connection.detail()).contains("rejected role 'doc_pw'", "password authentication failed");
            assertThat(connection.fix()).contains("STRANGLER_SOURCE_PASSWORD");

            s.put("source.password", "right");
            assertThat(check(doctor(s), "replication connection").status()).isEqualTo(Status.PASS);
        }
    }

    @Test
    void aMissingTableAndATableWithoutKeyFail() throws Exception {
        String db = legacyDatabase();
        Map<String, String> s = settings(db, "badtables");
        s.put("source.tables", "shop.customers,shop.custmers,shop.audit_log");
        DoctorReport report = doctor(s);

        assertThat(check(report, "table shop.custmers").detail()).contains("does not exist");
        assertThat(check(report, "table shop.custmers").fix()).contains("source.tables");
        Check audit = check(report, "table shop.audit_log: replica identity");
        assertThat(audit.status()).isEqualTo(Status.FAIL);
        assertThat(audit.detail()).contains("no primary key", "rejects the legacy application's UPDATE and DELETE");
        assertThat(audit.fix()).contains("REPLICA IDENTITY FULL", "04_replica_identity.sql");
    }

    @Test
    void aPublicationWithExtraOrMissingTablesIsNamed() throws Exception {
        String db = legacyDatabase();
        sql(db, "CREATE PUBLICATION strangler_extra FOR TABLE shop.customers, shop.products, shop.orders, "
                + "shop.audit_log");
        Check own = check(doctor(settings(db, "extra")), "publication strangler_extra: tables");
        assertThat(own.status()).as("the pipeline's role owns it: strangler run adds the table").isEqualTo(Status.WARN);
        assertThat(own.detail()).contains("does not publish shop.order_lines yet", "strangler run adds it");
        dbaOwns(db, "strangler_extra");
        DoctorReport report = doctor(settings(db, "extra"));

        List<Check> tables = report.checks().stream()
                .filter(c -> c.name().equals("publication strangler_extra: tables")).toList();
        assertThat(tables).hasSize(2).allMatch(c -> c.status() == Status.FAIL);
        assertThat(tables.get(0).detail()).contains("does not publish shop.order_lines");
        assertThat(tables.get(0).fix()).contains("ALTER PUBLICATION \"strangler_extra\" ADD TABLE \"shop\".\"order_lines\"");
        assertThat(tables.get(1).detail()).contains("also publishes shop.audit_log",
                "rejects the legacy application's UPDATE and DELETE on it now");
        assertThat(tables.get(1).fix()).contains("DROP TABLE \"shop\".\"audit_log\"");
        assertThat(check(report, "publication strangler_extra: heartbeat").status()).isEqualTo(Status.WARN);

        // an extra table that has a primary key only wastes work: a warning
        sql(db, "CREATE SCHEMA strangler",
                "ALTER PUBLICATION strangler_extra SET TABLE shop.customers, shop.products, shop.orders, "
                + "shop.order_lines, TABLES IN SCHEMA strangler", "CREATE TABLE shop.extra (id int PRIMARY KEY)",
                "ALTER PUBLICATION strangler_extra ADD TABLE shop.extra");
        DoctorReport second = doctor(settings(db, "extra"));
        assertThat(check(second, "publication strangler_extra: tables").status()).isEqualTo(Status.WARN);
        assertThat(check(second, "publication strangler_extra: tables").detail()).contains("shop.extra");
        assertThat(check(second, "publication strangler_extra: heartbeat").status()).isEqualTo(Status.PASS);
    }

    @Test
    void aPublicationWithoutTheSinkMarkerWarnsAndFailsOnceASinkWritesHere() throws Exception {
        String db = legacyDatabase();
        sql(db, "CREATE PUBLICATION strangler_nomarker FOR TABLE shop.customers, shop.products, shop.orders, "
                + "shop.order_lines");
        Check before = check(doctor(settings(db, "nomarker")), "publication strangler_nomarker: sink marker");
        assertThat(before.status()).isEqualTo(Status.WARN);
        assertThat(before.detail()).contains("if a strangler sink ever writes", "echo");
        assertThat(before.fix()).contains("ALTER PUBLICATION \"strangler_nomarker\" ADD TABLE strangler.sink_marker",
                "sink.echo=off");

        // a sink has written here: its writes would come back as legacy events, so the start is refused
        StranglerSchema.flyway(postgres.jdbcUrl(db), postgres.superuser(), postgres.superuserPassword()).migrate();
        sql(db, "INSERT INTO strangler.sink_marker (txid, sink) VALUES (txid_current(), 'orders')");
        DoctorReport written = doctor(settings(db, "nomarker"));
        assertThat(check(written, "publication strangler_nomarker: sink marker").status()).isEqualTo(Status.FAIL);
        assertThat(written.firstFailure().map(Check::message).orElse("")).contains("strangler.sink_marker has rows");

        Map<String, String> off = settings(db, "nomarker");
        off.put("sink.echo", "off");
        assertThat(doctor(off).check("publication strangler_nomarker: sink marker")).isEmpty();

        sql(db, "ALTER PUBLICATION strangler_nomarker ADD TABLE strangler.sink_marker");
        assertThat(check(doctor(settings(db, "nomarker")), "publication strangler_nomarker: sink marker").status())
                .isEqualTo(Status.PASS);
    }

    @Test
    void anOutboxTableMustExistBeReadableAndBePublishedLikeACapturedTable() throws Exception {
        String db = legacyDatabase();
        Map<String, String> s = settings(db, "outboxpub");
        s.put("outbox.tables", "messaging.outbox");
        Check absent = check(doctor(s), "table messaging.outbox");
        assertThat(absent.status()).isEqualTo(Status.FAIL);
        assertThat(absent.detail()).contains("outbox table messaging.outbox does not exist");
        assertThat(absent.fix()).contains("outbox.tables", "OutboxMigrations.apply(dataSource, \"messaging\")",
                "sql/outbox/V1__outbox_and_inbox.sql");

        sql(db, "CREATE SCHEMA messaging", "SET search_path = messaging",
                StranglerSchema.classpathScript("strangler/sql/outbox/V1__outbox_and_inbox.sql"));
        DoctorReport created = doctor(s);
        assertThat(created.ok()).as(created.firstFailure().map(Check::message).orElse("")).isTrue();
        assertThat(check(created, "table messaging.outbox: SELECT").status()).isEqualTo(Status.PASS);
        assertThat(check(created, "table messaging.outbox: replica identity").detail()).contains("primary key (id)");
        assertThat(created.check("table messaging.outbox: TOAST")).as("only inserts are events").isEmpty();
        assertThat(check(created, "publication strangler_outboxpub").detail())
                .contains("for exactly shop.customers, shop.products, shop.orders, shop.order_lines, messaging.outbox "
                        + "and strangler.heartbeat");

        // a least-privilege role: the snapshot reads the outbox too, and a DBA's publication must include it
        sql(db, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'doc_outbox') "
                + "THEN CREATE ROLE doc_outbox LOGIN REPLICATION PASSWORD 'outbox'; END IF; END $$",
                "GRANT USAGE ON SCHEMA shop TO doc_outbox",
                "GRANT SELECT ON shop.customers, shop.products, shop.orders, shop.order_lines TO doc_outbox");
        Map<String, String> role = new HashMap<>(s);
        role.put("source.user", "doc_outbox");
        role.put("source.password", "outbox");
        DoctorReport asRole = doctor(role);
        assertThat(check(asRole, "table messaging.outbox: SELECT").fix())
                .isEqualTo("GRANT USAGE ON SCHEMA \"messaging\" TO \"doc_outbox\";");
        assertThat(check(asRole, "publication strangler_outboxpub").fix())
                .contains("-v tables='shop.customers,shop.products,shop.orders,shop.order_lines,messaging.outbox'");
        sql(db, "GRANT USAGE ON SCHEMA messaging TO doc_outbox");
        assertThat(check(doctor(role), "table messaging.outbox: SELECT").fix())
                .isEqualTo("GRANT SELECT ON \"messaging\".\"outbox\" TO \"doc_outbox\";");

        sql(db, "CREATE SCHEMA strangler", "CREATE PUBLICATION strangler_outboxpub FOR TABLE shop.customers, "
                + "shop.products, shop.orders, shop.order_lines, TABLES IN SCHEMA strangler");
        dbaOwns(db, "strangler_outboxpub");
        DoctorReport unpublished = doctor(s);
        Check tables = check(unpublished, "publication strangler_outboxpub: tables");
        assertThat(tables.status()).isEqualTo(Status.FAIL);
        assertThat(tables.detail()).contains("does not publish messaging.outbox (outbox)",
                "its outbox events would never reach Kafka");
        assertThat(tables.fix()).startsWith("ALTER PUBLICATION \"strangler_outboxpub\" ADD TABLE "
                + "\"messaging\".\"outbox\";");
        assertThatNoFixDropsTheOutbox(unpublished);

        sql(db, "ALTER PUBLICATION strangler_outboxpub ADD TABLE messaging.outbox");
        DoctorReport published = doctor(s);
        assertThat(published.ok()).as(published.firstFailure().map(Check::message).orElse("")).isTrue();
        assertThat(check(published, "publication strangler_outboxpub: tables").status()).isEqualTo(Status.PASS);
        assertThat(check(published, "publication strangler_outboxpub: tables").detail())
                .endsWith("shop.order_lines, messaging.outbox (outbox)");
        assertThatNoFixDropsTheOutbox(published);

        // a pipeline that only routes the outbox: the publication it needs is the outbox (and the heartbeat)
        Map<String, String> only = settings(db, "outboxonly");
        only.remove("source.tables");
        only.put("outbox.tables", "messaging.outbox");
        DoctorReport outboxOnly = doctor(only);
        assertThat(outboxOnly.ok()).as(outboxOnly.firstFailure().map(Check::message).orElse("")).isTrue();
        assertThat(check(outboxOnly, "publication strangler_outboxonly").detail())
                .contains("for exactly messaging.outbox and strangler.heartbeat");
        assertThat(outboxOnly.checks()).noneMatch(c -> c.name().startsWith("table shop."));
    }

    @Test
    void anOutboxTableWithoutTheRoutedColumnsFails() throws Exception {
        String db = legacyDatabase();
        sql(db, "CREATE TABLE public.events (id uuid PRIMARY KEY, body jsonb)");
        Map<String, String> s = settings(db, "outboxshape");
        s.put("outbox.tables", "public.events");
        Check columns = check(doctor(s), "table public.events: outbox columns");
        assertThat(columns.status()).isEqualTo(Status.FAIL);
        assertThat(columns.detail()).contains("has no column(s) aggregatetype, aggregateid, payload");
        assertThat(columns.fix()).contains("sql/outbox/V1__outbox_and_inbox.sql", "outbox.tables");
    }

    private static void assertThatNoFixDropsTheOutbox(DoctorReport report) {
        assertThat(report.checks()).noneMatch(c -> c.fix().contains("DROP TABLE") && c.fix().contains("outbox"));
    }

    @Test
    void aSlotOfAnotherConsumerFails() throws Exception {
        String db = legacyDatabase();
        sql(db, "SELECT pg_create_logical_replication_slot('doc_taken', 'test_decoding')");
        try {
            Map<String, String> s = settings(db, "taken");
            s.put("source.slot", "doc_taken");
            DoctorReport report = doctor(s);
            Check slot = check(report, "slot doc_taken");
            assertThat(slot.status()).isEqualTo(Status.FAIL);
            assertThat(slot.detail()).contains("a logical slot of plugin test_decoding", "another consumer");
            assertThat(slot.fix()).contains("choose another source.slot");
            // seen from another pipeline, the same slot is an inactive slot that retains WAL
            Check other = check(doctor(settings(db, "other")), "slot doc_taken (not the pipeline's)");
            assertThat(other.status()).isEqualTo(Status.WARN);
            assertThat(other.fix()).contains("pg_drop_replication_slot('doc_taken')");
        } finally {
            sql(db, "SELECT pg_drop_replication_slot('doc_taken')");
        }
    }

    @Test
    void aLostSlotIsDetectedByDoctorAndByTheWatch() throws Exception {
        try (SandboxPostgres small = SandboxPostgres.start(Map.of("max_slot_wal_keep_size", "1MB"))) {
            small.createDatabase("legacy");
            try (Connection c = small.connect("legacy"); Statement st = c.createStatement()) {
                for (String script : StranglerSchema.DEMO_SCRIPTS) {
                    st.execute(StranglerSchema.classpathScript(script));
                }
                st.execute("SELECT pg_create_logical_replication_slot('strangler_lost', 'pgoutput')");
                st.execute("SELECT pg_create_logical_replication_slot('lost_decoding', 'test_decoding')");
                st.execute("CREATE TABLE filler (x int)");
                for (int i = 0; i < 20 && !lost(st); i++) {
                    st.execute("INSERT INTO filler SELECT generate_series(1, 20000)");
                    st.execute("SELECT pg_switch_wal()");
                    st.execute("CHECKPOINT");
                }
                assertThat(lost(st)).as("slot invalidated by max_slot_wal_keep_size").isTrue();

                // what PostgreSQL says to a reader of a lost slot is recognised
                try {
                    st.execute("SELECT * FROM pg_logical_slot_peek_changes('lost_decoding', NULL, NULL)");
                } catch (SQLException e) {
                    assertThat(LostSlot.isLostSlotError(new RuntimeException("wrapped", e))).as(e.getMessage())
                            .isTrue();
                }
            }
            Map<String, String> s = new HashMap<>();
            s.put("pipeline.name", "lost");
            s.put("source.url", small.jdbcUrl("legacy"));
            s.put("source.user", small.superuser());
            s.put("source.password", small.superuserPassword());
            s.put("source.tables", CAPTURED);
            s.put("kafka.bootstrap.servers", "127.0.0.1:9");
            PipelineConfig config = new PipelineConfigLoader(Map.of()).fromMap(s);

            Check wal = check(new Doctor(config, false).run(), "slot strangler_lost: WAL");
            assertThat(wal.status()).isEqualTo(Status.FAIL);
            assertThat(wal.detail()).contains("wal_status = lost", "LOST");
            assertThat(wal.fix()).contains("pg_drop_replication_slot('strangler_lost')", "snapshot.mode=when_needed");
            assertThat(check(new Doctor(config, false).run(), "max_slot_wal_keep_size").status()).isEqualTo(Status.PASS);

            try (SlotWatch watch = new SlotWatch(config.source(), "lost", e -> { })) {
                Optional<SourceNotReadyException> found = watch.check();
                assertThat(found).isPresent();
                assertThat(found.get().getMessage()).contains("'strangler_lost' was invalidated", "new slot");
            }
        }
    }

    private static boolean lost(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery(
                "SELECT count(*) FROM pg_replication_slots WHERE wal_status = 'lost'")) {
            rs.next();
            return rs.getInt(1) == 2;
        }
    }

    /** Hands a publication to another role: a DBA's publication, which the pipeline uses as it is. */
    private void dbaOwns(String db, String publication) throws Exception {
        sql(db, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'doc_dba') "
                + "THEN CREATE ROLE doc_dba SUPERUSER; END IF; END $$",
                "ALTER PUBLICATION " + publication + " OWNER TO doc_dba");
    }
}
