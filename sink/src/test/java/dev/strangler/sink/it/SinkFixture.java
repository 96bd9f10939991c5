package dev.strangler.sink.it;

import dev.strangler.sandbox.ChildJvm;
import dev.strangler.sandbox.Sandbox;
import dev.strangler.sink.config.SinkConfig;
import dev.strangler.sink.config.SinkConfigLoader;
import dev.strangler.sql.StranglerSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Shared helpers of the sink's integration tests: databases, topics, events, configs and child processes. */
public final class SinkFixture {

    private SinkFixture() {
    }

    /** A fresh database with Strangler's migrations (schema strangler) and the statements given. */
    public static String database(Sandbox sandbox, String... statements) {
        String db = "sink_" + UUID.randomUUID().toString().substring(0, 8);
        sandbox.postgres().createDatabase(db);
        StranglerSchema.flyway(sandbox.postgres().jdbcUrl(db), sandbox.postgres().superuser(),
                sandbox.postgres().superuserPassword()).migrate();
        execute(sandbox, db, statements);
        return db;
    }

    public static Connection connect(Sandbox sandbox, String db) throws SQLException {
        return java.sql.DriverManager.getConnection(sandbox.postgres().jdbcUrl(db), sandbox.postgres().superuser(),
                sandbox.postgres().superuserPassword());
    }

    public static void execute(Sandbox sandbox, String db, String... statements) {
        try (Connection c = connect(sandbox, db); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long queryLong(Sandbox sandbox, String db, String sql) {
        List<List<String>> rows = query(sandbox, db, sql);
        return Long.parseLong(rows.get(0).get(0));
    }

    /** Every row as text, columns in select order. */
    public static List<List<String>> query(Sandbox sandbox, String db, String sql) {
        List<List<String>> rows = new ArrayList<>();
        try (Connection c = connect(sandbox, db); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

    public static void createTopic(Sandbox sandbox, String topic, int partitions) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                sandbox.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    public static Producer<String, String> producer(Sandbox sandbox) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /** A Debezium change event of a row with an id, as the pipeline writes it (key {"id":n}). */
    public static ProducerRecord<String, String> change(String topic, String op, long id, String afterFields) {
        String after = afterFields == null ? "null" : "{\"id\":" + id + (afterFields.isEmpty() ? "" : ","
                + afterFields) + "}";
        String value = "{\"before\":" + (op.equals("d") ? "{\"id\":" + id + "}" : "null") + ",\"after\":" + after
                + ",\"source\":{\"txId\":1,\"lsn\":1},\"op\":\"" + op + "\",\"ts_ms\":0}";
        return new ProducerRecord<>(topic, "{\"id\":" + id + "}", value);
    }

    /** The topic's end offset per partition. */
    public static Map<Integer, Long> endOffsets(Sandbox sandbox, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
            List<TopicPartition> parts = c.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            Map<Integer, Long> end = new HashMap<>();
            c.endOffsets(parts).forEach((tp, o) -> end.put(tp.partition(), o));
            return end;
        }
    }

    /** The group's members (client host and id) and how many partitions each has now. */
    public static Map<String, Integer> groupAssignments(Sandbox sandbox, String group) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                sandbox.kafka().bootstrapServers()))) {
            Map<String, Integer> members = new HashMap<>();
            admin.describeConsumerGroups(List.of(group)).all().get().get(group).members().forEach(m ->
                    members.put(m.consumerId(), m.assignment().topicPartitions().size()));
            return members;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.GroupIdNotFoundException) {
                return Map.of(); // no member has joined yet
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /** The group's stored positions for a topic, by partition. */
    public static Map<Integer, Long> storedPositions(Sandbox sandbox, String db, String group, String topic) {
        Map<Integer, Long> stored = new HashMap<>();
        for (List<String> row : query(sandbox, db, "SELECT \"partition\", next_offset FROM strangler.sink_offsets "
                + "WHERE sink_group = '" + group + "' AND topic = '" + topic + "'")) {
            stored.put(Integer.parseInt(row.get(0)), Long.parseLong(row.get(1)));
        }
        return stored;
    }

    /** Sink settings on a database: superuser, the sandbox's Kafka, the mappings given. */
    public static Map<String, String> settings(Sandbox sandbox, String db, String name) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("sink.name", name);
        m.put("target.url", sandbox.postgres().jdbcUrl(db));
        m.put("target.user", sandbox.postgres().superuser());
        m.put("target.password", sandbox.postgres().superuserPassword());
        m.put("kafka.bootstrap.servers", sandbox.kafka().bootstrapServers());
        return m;
    }

    public static SinkConfig config(Map<String, String> settings) {
        return new SinkConfigLoader(Map.of()).fromMap(settings);
    }

    public static Path write(Map<String, String> settings, Path file) throws IOException {
        StringBuilder text = new StringBuilder();
        settings.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    public static ChildJvm launch(Path config, Path log) throws IOException, InterruptedException {
        return ChildJvm.start(SinkProcessMain.class, List.of(config.toString()), List.of("-Xmx256m"), log,
                List.of("RUNNING"), Duration.ofSeconds(90));
    }
}
