package dev.strangler.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/** One sandbox for the whole class; the fault tests stop and restart it, the last test closes it. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SandboxIT {

    private static final String ROUND_TRIP_TOPIC = "sandbox.round-trip";

    private static Sandbox sandbox;

    @BeforeAll
    static void startSandbox() {
        sandbox = Sandbox.start().registerShutdownHook();
    }

    @AfterAll
    static void closeSandbox() {
        if (sandbox != null) {
            sandbox.close();
        }
    }

    @Test
    @Order(1)
    void postgres_listens_on_loopback_with_logical_wal_level_and_replication_limits() throws SQLException {
        SandboxPostgres postgres = sandbox.postgres();
        assertThat(postgres.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:" + postgres.port() + "/postgres");
        assertThat(setting(postgres, "wal_level")).isEqualTo("logical");
        assertThat(setting(postgres, "max_replication_slots")).isEqualTo("20");
        assertThat(setting(postgres, "max_wal_senders")).isEqualTo("20");
        assertThat(setting(postgres, "max_connections")).isEqualTo("100");
        assertThat(setting(postgres, "listen_addresses")).isEqualTo("127.0.0.1");
    }

    @Test
    @Order(2)
    void a_pgoutput_logical_slot_can_be_created_and_dropped_in_a_new_database() throws SQLException {
        SandboxPostgres postgres = sandbox.postgres();
        postgres.createDatabase("inventory");
        try (Connection connection = postgres.connect("inventory"); Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_create_logical_replication_slot('sandbox_it', 'pgoutput')");
            try (ResultSet slots = statement.executeQuery(
                    "SELECT plugin, slot_type, database FROM pg_replication_slots WHERE slot_name = 'sandbox_it'")) {
                assertThat(slots.next()).isTrue();
                assertThat(slots.getString("plugin")).isEqualTo("pgoutput");
                assertThat(slots.getString("slot_type")).isEqualTo("logical");
                assertThat(slots.getString("database")).isEqualTo("inventory");
            }
            statement.execute("SELECT pg_drop_replication_slot('sandbox_it')");
            try (ResultSet count = statement.executeQuery("SELECT count(*) FROM pg_replication_slots")) {
                count.next();
                assertThat(count.getInt(1)).isZero();
            }
        }
    }

    @Test
    @Order(3)
    void a_second_server_with_wal_level_replica_refuses_logical_slots() throws SQLException {
        try (SandboxPostgres replicaOnly = SandboxPostgres.start(Map.of("wal_level", "replica"))) {
            assertThat(replicaOnly.port()).isNotEqualTo(sandbox.postgres().port());
            assertThat(setting(replicaOnly, "wal_level")).isEqualTo("replica");
            assertThatThrownBy(() -> replicaOnly.execute(
                    "SELECT pg_create_logical_replication_slot('never', 'pgoutput')"))
                    .hasMessageContaining("logical decoding requires")
                    .hasMessageContaining("wal_level");
        }
    }

    @Test
    @Order(4)
    void a_record_produced_to_the_broker_is_consumed_by_a_consumer_group() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(ROUND_TRIP_TOPIC, 1, (short) 1))).all().get();
        }
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            producer.send(new ProducerRecord<>(ROUND_TRIP_TOPIC, "order-1", "created")).get(10, TimeUnit.SECONDS);
        }
        try (KafkaConsumer<String, String> consumer = groupConsumer("sandbox-it")) {
            consumer.subscribe(List.of(ROUND_TRIP_TOPIC));
            List<ConsumerRecord<String, String>> received = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                return !received.isEmpty();
            });
            consumer.commitSync();
            assertThat(received).singleElement().satisfies(record -> {
                assertThat(record.key()).isEqualTo("order-1");
                assertThat(record.value()).isEqualTo("created");
            });
        }
    }

    @Test
    @Order(5)
    void topics_are_not_created_automatically() {
        try (KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("nobody.created.this", "k", "v"))
                    .get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(TimeoutException.class);
        }
    }

    @Test
    @Order(6)
    void a_compacted_topic_can_be_created_and_the_log_cleaner_compacts_it() throws Exception {
        String topic = "sandbox.compacted";
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT,
                    TopicConfig.SEGMENT_MS_CONFIG, "100",
                    TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.01")))).all().get();
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            assertThat(admin.describeConfigs(List.of(resource)).all().get().get(resource)
                    .get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact");
        }
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            for (String value : List.of("v1", "v2", "v3")) {
                producer.send(new ProducerRecord<>(topic, "offsets", value)).get();
            }
            Thread.sleep(200); // older than segment.ms, so the next record rolls a new segment
            producer.send(new ProducerRecord<>(topic, "offsets", "v4")).get();
        }
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(values(topic)).containsExactly("v3", "v4"));
    }

    @Test
    @Order(7)
    void a_stopped_broker_refuses_connections_and_serves_its_topics_again_after_restart() throws Exception {
        SandboxKafka kafka = sandbox.kafka();
        String bootstrapServers = kafka.bootstrapServers();

        kafka.stop();

        assertThat(kafka.isRunning()).isFalse();
        assertThat(acceptsConnections(bootstrapServers)).isFalse();
        try (KafkaProducer<String, String> producer = producer(Map.of(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(ROUND_TRIP_TOPIC, "order-2", "lost"))
                    .get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(TimeoutException.class);
        }

        kafka.restart();

        assertThat(kafka.bootstrapServers()).isEqualTo(bootstrapServers);
        assertThat(acceptsConnections(bootstrapServers)).isTrue();
        try (KafkaProducer<String, String> producer = producer(Map.of())) {
            producer.send(new ProducerRecord<>(ROUND_TRIP_TOPIC, "order-2", "paid")).get(10, TimeUnit.SECONDS);
        }
        assertThat(values(ROUND_TRIP_TOPIC)).containsExactly("created", "paid");
    }

    @Test
    @Order(8)
    void a_stopped_database_refuses_connections_and_keeps_its_data_after_restart() throws SQLException {
        SandboxPostgres postgres = sandbox.postgres();
        postgres.execute("CREATE TABLE survivor (id int PRIMARY KEY)");
        postgres.execute("INSERT INTO survivor VALUES (42)");
        int port = postgres.port();

        postgres.stop();

        assertThat(postgres.isRunning()).isFalse();
        assertThatThrownBy(postgres::connect).isInstanceOf(SQLException.class);
        assertThat(acceptsConnections("127.0.0.1:" + port)).isFalse();

        postgres.restart();

        assertThat(postgres.port()).isEqualTo(port);
        assertThat(setting(postgres, "wal_level")).isEqualTo("logical");
        try (Connection connection = postgres.connect(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT id FROM survivor")) {
            assertThat(rows.next()).isTrue();
            assertThat(rows.getInt(1)).isEqualTo(42);
        }
    }

    @Test
    @Order(9)
    void closing_stops_both_servers_deletes_their_directories_and_can_be_repeated() {
        Path dataDirectory = sandbox.postgres().dataDirectory();
        Path postgresRoot = dataDirectory.getParent();
        Path kafkaDirectory = sandbox.kafka().logDirectory();
        assertThat(dataDirectory).isDirectory();
        assertThat(sandbox.postgres().logFile()).isRegularFile();
        assertThat(kafkaDirectory.resolve("meta.properties")).isRegularFile();

        sandbox.close();

        assertThat(Files.exists(postgresRoot)).isFalse();
        assertThat(Files.exists(kafkaDirectory)).isFalse();
        assertThat(sandbox.postgres().isRunning()).isFalse();
        assertThat(sandbox.kafka().isRunning()).isFalse();
        assertThat(acceptsConnections("127.0.0.1:" + sandbox.postgres().port())).isFalse();
        assertThat(acceptsConnections(sandbox.kafka().bootstrapServers())).isFalse();
        assertThatCode(sandbox::close).doesNotThrowAnyException();
        assertThatThrownBy(() -> sandbox.kafka().restart()).isInstanceOf(IllegalStateException.class);
    }

    private static String setting(SandboxPostgres postgres, String name) throws SQLException {
        try (Connection connection = postgres.connect(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT current_setting('" + name + "')")) {
            result.next();
            return result.getString(1);
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers()));
    }

    private static KafkaProducer<String, String> producer(Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.putAll(overrides);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> groupConsumer(String groupId) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        if (groupId != null) {
            config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    /** All values of partition 0 of {@code topic}, from the beginning to the current end. */
    private static List<String> values(String topic) {
        TopicPartition partition = new TopicPartition(topic, 0);
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = groupConsumer(null)) {
            consumer.assign(Set.of(partition));
            consumer.seekToBeginning(Set.of(partition));
            long end = consumer.endOffsets(Set.of(partition)).get(partition);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
            }
        }
        return values;
    }

    private static boolean acceptsConnections(String hostAndPort) {
        int colon = hostAndPort.lastIndexOf(':');
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(hostAndPort.substring(0, colon),
                    Integer.parseInt(hostAndPort.substring(colon + 1))), 1_000);
            return true;
        } catch (ConnectException refused) {
            return false;
        } catch (IOException e) {
            throw new AssertionError("Unexpected failure connecting to " + hostAndPort, e);
        }
    }
}
