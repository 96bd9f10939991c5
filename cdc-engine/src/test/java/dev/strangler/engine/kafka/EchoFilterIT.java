package dev.strangler.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.sandbox.SandboxPostgres;
import dev.strangler.sql.StranglerSchema;
import io.debezium.engine.RecordChangeEvent;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The pipeline that starts in the middle of a sink's transaction has not seen its marker: it looks the transaction up
 * in strangler.sink_marker by the 32-bit source transaction id, widened to the 64-bit one the marker keeps.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EchoFilterIT {

    private SandboxPostgres postgres;

    @BeforeAll
    void start() {
        postgres = SandboxPostgres.start();
    }

    @AfterAll
    void stop() {
        postgres.close();
    }

    private String database(boolean migrated) {
        String db = "echo_" + UUID.randomUUID().toString().substring(0, 8);
        postgres.createDatabase(db);
        if (migrated) {
            StranglerSchema.flyway(postgres.jdbcUrl(db), postgres.superuser(), postgres.superuserPassword())
                    .migrate();
        }
        return db;
    }

    private PipelineConfig config(String db) {
        return new PipelineConfigLoader(Map.of()).fromMap(Map.of("pipeline.name", "echo", "source.url",
                postgres.jdbcUrl(db), "source.user", postgres.superuser(), "source.password",
                postgres.superuserPassword(), "source.tables", "shop.orders", "kafka.bootstrap.servers",
                "127.0.0.1:9"));
    }

    /** A sink transaction: its marker, as the sink writes it; returns its 32-bit xid, as pgoutput reports it. */
    private long sinkTransaction(String db, String sink) throws Exception {
        try (Connection c = postgres.connect(db); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("INSERT INTO strangler.sink_marker (txid, sink) VALUES (txid_current(), '" + sink + "')");
            try (ResultSet rs = st.executeQuery("SELECT txid_current() % 4294967296")) {
                rs.next();
                long xid = rs.getLong(1);
                c.commit();
                return xid;
            }
        }
    }

    private static boolean dropsFirst(EchoFilter filter, long txId) {
        SourceRecord record = new SourceRecord(Map.of("server", "echo"), Map.of("lsn", 1L, "txId", txId),
                "echo.shop.orders", null, "{}");
        List<RecordChangeEvent<SourceRecord>> batch = List.of(() -> record);
        filter.classify(batch);
        return filter.drops(record);
    }

    @Test
    void recognisesTheSinksTransactionItResumesInByItsMarkerRow() throws Exception {
        String db = database(true);
        long sinks = sinkTransaction(db, "orders-sink");
        long legacy;
        try (Connection c = postgres.connect(db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT txid_current() % 4294967296")) {
            rs.next();
            legacy = rs.getLong(1);
        }
        PipelineConfig config = config(db);
        assertThat(dropsFirst(EchoFilter.forPipeline(config), sinks)).isTrue();
        assertThat(dropsFirst(EchoFilter.forPipeline(config), legacy)).isFalse();
    }

    @Test
    void aDatabaseWhereNoSinkEverWroteHasNoMarkerTableAndNothingIsDropped() {
        String db = database(false);
        assertThat(dropsFirst(EchoFilter.forPipeline(config(db)), 1234)).isFalse();
    }
}
