package dev.strangler.engine.it;

import static dev.strangler.engine.it.EngineFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.engine.Pipeline;
import dev.strangler.engine.SinkUnavailableException;
import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.sandbox.Sandbox;
import dev.strangler.sandbox.SandboxPostgres;
import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every way the environment can be wrong at start: each refusal names the cause and the fix, and leaves no slot,
 * publication or schema behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelinePreflightIT {

    private static final Pipeline.Options QUICK = new Pipeline.Options(true, Duration.ofSeconds(3),
            Duration.ofSeconds(60));

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

    private Map<String, String> settings(String name) {
        return EngineFixture.settings(sandbox, db, name);
    }

    private void assertNothingCreated(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url, sandbox.postgres().superuser(),
                sandbox.postgres().superuserPassword()); Statement st = c.createStatement()) {
            for (String sql : new String[] {"SELECT count(*) FROM pg_replication_slots",
                "SELECT count(*) FROM pg_publication",
                "SELECT count(*) FROM pg_namespace WHERE nspname = 'strangler'"}) {
                try (ResultSet rs = st.executeQuery(sql)) {
                    rs.next();
                    assertThat(rs.getLong(1)).as(sql).isZero();
                }
            }
        }
    }

    @Test
    void shouldRefuseAnUnreachableDatabaseNamingHostAndFix() throws Exception {
        Map<String, String> s = settings("unreachable");
        s.put("source.url", "jdbc:postgresql://127.0.0.1:" + closedPort() + "/legacy");
        assertThatThrownBy(() -> new Pipeline(config(s), QUICK).start()).isInstanceOf(SourceNotReadyException.class)
                .hasMessageContaining("cannot reach PostgreSQL at 127.0.0.1:")
                .hasMessageContaining("check source.url");
    }

    @Test
    void shouldRefuseADatabaseWhoseWalLevelIsNotLogical() throws Exception {
        try (SandboxPostgres replicaLevel = SandboxPostgres.start(Map.of("wal_level", "replica"))) {
            replicaLevel.createDatabase("legacy");
            replicaLevel.execute("SELECT 1");
            try (Connection c = replicaLevel.connect("legacy"); Statement st = c.createStatement()) {
                st.execute(classpathSql("strangler/sql/demo/01_legacy_schema.sql"));
            }
            Map<String, String> s = settings("walreplica");
            s.put("source.url", replicaLevel.jdbcUrl("legacy"));
            assertThatThrownBy(() -> new Pipeline(config(s), QUICK).start())
                    .isInstanceOf(SourceNotReadyException.class)
                    .hasMessageContaining("wal_level is 'replica'")
                    .hasMessageContaining("ALTER SYSTEM SET wal_level = logical");
            try (Connection c = replicaLevel.connect("legacy"); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_namespace WHERE nspname = 'strangler'")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
        }
    }

    @Test
    void shouldRefuseARoleWithoutReplicationAndGiveTheGrant() throws Exception {
        execute(sandbox, db, "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'plain_reader') "
                + "THEN CREATE ROLE plain_reader LOGIN PASSWORD 'reader'; END IF; END $$",
                "GRANT USAGE ON SCHEMA shop TO plain_reader", "GRANT SELECT ON ALL TABLES IN SCHEMA shop TO plain_reader");
        Map<String, String> s = settings("noreplication");
        s.put("source.user", "plain_reader");
        s.put("source.password", "reader");
        assertThatThrownBy(() -> new Pipeline(config(s), QUICK).start()).isInstanceOf(SourceNotReadyException.class)
                .hasMessageContaining("role 'plain_reader' lacks the REPLICATION attribute")
                .hasMessageContaining("ALTER ROLE \"plain_reader\" WITH REPLICATION");
        assertNothingCreated(sandbox.postgres().jdbcUrl(db));
    }

    @Test
    void shouldRefuseATableThatDoesNotExist() throws Exception {
        Map<String, String> s = settings("missingtable");
        s.put("source.tables", "shop.customers,shop.custmers");
        assertThatThrownBy(() -> new Pipeline(config(s), QUICK).start()).isInstanceOf(SourceNotReadyException.class)
                .hasMessageContaining("table shop.custmers does not exist")
                .hasMessageContaining("fix source.tables");
        assertNothingCreated(sandbox.postgres().jdbcUrl(db));
    }

    @Test
    void shouldRefuseAnUnreachableKafkaBeforeCreatingAnythingInPostgres() throws Exception {
        Map<String, String> s = settings("nokafka");
        s.put("kafka.bootstrap.servers", "127.0.0.1:" + closedPort());
        assertThatThrownBy(() -> new Pipeline(config(s), QUICK).start()).isInstanceOf(SinkUnavailableException.class)
                .hasMessageContaining("cannot reach Kafka at 127.0.0.1:")
                .hasMessageContaining("check kafka.bootstrap.servers");
        assertNothingCreated(sandbox.postgres().jdbcUrl(db));
    }

    @Test
    void shouldRefuseASlotThatAnotherConsumerIsReading() throws Exception {
        String other = createLegacyDatabase(sandbox, false);
        Map<String, String> s = EngineFixture.settings(sandbox, other, "busyslot");
        s.put("source.slot", "taken_slot");
        execute(sandbox, other, "SELECT pg_create_logical_replication_slot('taken_slot', 'test_decoding')");
        try {
            assertThatThrownBy(() -> new Pipeline(config(s), QUICK).start())
                    .isInstanceOf(SourceNotReadyException.class)
                    .hasMessageContaining("slot 'taken_slot' exists but is a logical slot of plugin test_decoding");
        } finally {
            execute(sandbox, other, "SELECT pg_drop_replication_slot('taken_slot')");
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
