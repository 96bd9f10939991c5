package dev.strangler.parity.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strangler.contract.EventEncoding;
import dev.strangler.parity.ParityChecker;
import dev.strangler.parity.ParityConfig;
import dev.strangler.parity.Progress;
import dev.strangler.parity.compare.CanonicalRowCodecs;
import dev.strangler.parity.model.ColumnGap;
import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.Verdict;
import dev.strangler.sandbox.Sandbox;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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

/**
 * Topics written the way a team running Debezium on Kafka Connect writes them: Debezium's own defaults
 * (decimal.handling.mode=precise, time.precision.mode=adaptive, binary.handling.mode=bytes) through Connect's
 * JsonConverter with schemas on. Not Strangler's engine: Debezium's embedded engine with its Json format and a plain
 * producer. Given the writer's settings, the check reads them exactly; with Strangler's it cannot.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaConnectEncodingsIT {

    private static final String DB = "connectdefaults";
    private static final String SLOT = "connect_defaults";
    private static final EventEncoding CONNECT_DEFAULTS = EventEncoding.of("precise", "adaptive", "bytes", "string");

    private Sandbox sandbox;
    private DebeziumEngine<ChangeEvent<String, String>> engine;
    private KafkaProducer<String, String> producer;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();

    @BeforeAll
    void startDebeziumWithItsDefaults() throws Exception {
        sandbox = Sandbox.start();
        sandbox.postgres().createDatabase(DB);
        execute("CREATE SCHEMA shop",
                "CREATE TABLE shop.kinds (id bigint PRIMARY KEY, price numeric(10,2), amount numeric, "
                        + "at timestamp, at3 timestamp(3), t time, t3 time(3), d date, tz timestamptz, b bytea, "
                        + "note text)",
                "CREATE TABLE shop.beat (id int PRIMARY KEY, at timestamptz)",
                "INSERT INTO shop.beat VALUES (1, now())",
                "INSERT INTO shop.kinds VALUES "
                        + "(1, 12.68, 1.500, '2024-03-01 12:34:56.789012', '2024-03-01 12:34:56.789', "
                        + "'12:34:56.789012', '12:34:56.789', '2024-02-29', '2024-03-01 12:34:56.789012+02', "
                        + "'\\xdeadbeef', 'first'), "
                        + "(2, -0.05, -12345678901234567890.123456789, '1969-12-31 23:59:59.999999', "
                        + "'1900-01-01 00:00:00', '00:00:00', '23:59:59.999', '0001-01-01', now(), '\\x', NULL), "
                        + "(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'nulls')");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                sandbox.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("connect.shop.kinds", 1, (short) 1),
                    new NewTopic("connect.shop.beat", 1, (short) 1))).all().get();
        }
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                sandbox.kafka().bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer());
        Properties p = new Properties();
        p.setProperty("name", "connect-defaults");
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("database.hostname", "127.0.0.1");
        p.setProperty("database.port", Integer.toString(sandbox.postgres().port()));
        p.setProperty("database.dbname", DB);
        p.setProperty("database.user", sandbox.postgres().superuser());
        p.setProperty("database.password", sandbox.postgres().superuserPassword());
        p.setProperty("topic.prefix", "connect");
        p.setProperty("table.include.list", "shop.kinds,shop.beat");
        p.setProperty("slot.name", SLOT);
        p.setProperty("publication.name", "connect_defaults");
        p.setProperty("publication.autocreate.mode", "filtered");
        p.setProperty("heartbeat.interval.ms", "500");
        p.setProperty("heartbeat.action.query", "UPDATE shop.beat SET at = now() WHERE id = 1");
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", "200");
        engine = DebeziumEngine.create(Json.class).using(p).notifying(record -> {
            if (record.destination().startsWith("connect.shop.")) {
                try {
                    producer.send(new ProducerRecord<>(record.destination(), record.key(), record.value())).get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }).build();
        executor.execute(engine);
        await().atMost(Duration.ofSeconds(60)).until(() -> slotExists());
    }

    private boolean slotExists() throws Exception {
        try (Connection c = DriverManager.getConnection(sandbox.postgres().jdbcUrl(DB),
                sandbox.postgres().superuser(), sandbox.postgres().superuserPassword());
             Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE slot_name = '" + SLOT + "'")) {
            return rs.next() && rs.getLong(1) == 1;
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (engine != null) {
            engine.close();
        }
        executor.shutdown();
        executor.awaitTermination(60, TimeUnit.SECONDS);
        if (producer != null) {
            producer.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    void shouldCheckTopicsWrittenWithDebeziumsDefaultsGivenTheWritersSettings() throws Exception {
        ParityReport snapshot = check(CONNECT_DEFAULTS);
        assertThat(snapshot.eventEncoding()).as("the report says how events were read")
                .isEqualTo("decimal.handling.mode=precise, time.precision.mode=adaptive, binary.handling.mode=bytes, "
                        + "interval.handling.mode=string");
        assertThat(snapshot.verdict()).as(ParityReports.describe(snapshot)).isEqualTo(Verdict.GO);
        assertThat(snapshot.tables().get(0).rowsInTable()).isEqualTo(3);

        execute("UPDATE shop.kinds SET price = 99999999.99, t3 = '00:00:00.001', at = '2038-01-19 03:14:08.000001' "
                        + "WHERE id = 1",
                "INSERT INTO shop.kinds VALUES (4, 0.10, 0, '2000-02-29 00:00:00', '2000-02-29 00:00:00.5', "
                        + "'24:00:00', '00:00:00', '9999-12-31', '2000-01-01 00:00:00+00', '\\x00ff', 'live')",
                "DELETE FROM shop.kinds WHERE id = 3");
        ParityReport live = check(CONNECT_DEFAULTS);
        assertThat(live.verdict()).as(ParityReports.describe(live)).isEqualTo(Verdict.GO);
        assertThat(live.tables().get(0).rowsInTable()).isEqualTo(3);

        ParityReport wrongSettings = check(EventEncoding.strangler());
        assertThat(wrongSettings.verdict()).as("read with Strangler's settings: " + ParityReports.describe(
                wrongSettings)).isEqualTo(Verdict.NO_GO);
        assertThat(wrongSettings.tables().get(0).sample()).anySatisfy(f -> {
            assertThat(f.kind()).isEqualTo(FindingKind.CONTENT_DIFFERS);
            assertThat(f.column()).isEqualTo("price");
            assertThat(f.gap()).isEqualTo(ColumnGap.UNREADABLE);
            assertThat(f.streamValue()).isNull();
            assertThat(f.note()).startsWith("cannot canonicalise price numeric event value")
                    .contains("decimal.handling.mode=string");
        });
    }

    private ParityReport check(EventEncoding encoding) {
        ParityConfig config = new ParityConfig(sandbox.postgres().jdbcUrl(DB), sandbox.postgres().superuser(),
                sandbox.postgres().superuserPassword(), SLOT, sandbox.kafka().bootstrapServers(), Map.of(), "connect",
                List.of("shop.kinds"), 0, Map.of(), Duration.ofSeconds(90), 20, null,
                ParityConfig.DEBEZIUM_UNAVAILABLE_VALUE).withEventEncoding(encoding);
        return new ParityChecker(config, CanonicalRowCodecs.factory(config.unavailableValuePlaceholder(),
                config.eventEncoding()), Progress.NONE).run();
    }

    private void execute(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection(sandbox.postgres().jdbcUrl(DB),
                sandbox.postgres().superuser(), sandbox.postgres().superuserPassword());
             Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }
}
