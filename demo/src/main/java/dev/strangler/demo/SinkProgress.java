package dev.strangler.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Where the demo's sink stands: its positions, stored in the legacy database with its writes, against the end of its
 * topic; and the queries the summary's sink section counts with.
 */
final class SinkProgress {

    /**
     * New-service orders whose web order is missing or differs, and web orders no new-service order has. A confirmed
     * or paid order is 'confirmed' in the legacy table (payments are not mapped).
     */
    static final String DIFFERING_ORDERS = """
            SELECT count(*) FROM orders_svc.orders o
              FULL JOIN (SELECT * FROM shop.web_orders WHERE channel = 'web') w ON w.order_ref = o.id
             WHERE o.id IS NULL OR w.order_ref IS NULL OR o.total <> w.total OR o.customer_ref <> w.customer_ref
                OR w.status <> CASE WHEN o.status = 'placed' THEN 'placed' ELSE 'confirmed' END""";

    private SinkProgress() {
    }

    /** Waits until the group's stored positions reach the topic's end offsets; false after the timeout or a give-up. */
    static boolean awaitApplied(String bootstrap, Connection db, String group, String topic, Duration timeout,
                                BooleanSupplier giveUp) throws SQLException, InterruptedException {
        Map<Integer, Long> end = endOffsets(bootstrap, topic);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !giveUp.getAsBoolean()) {
            if (stored(db, group, topic).equals(end)) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    static long count(Connection db, String sql) throws SQLException {
        try (Statement st = db.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Map<Integer, Long> stored(Connection db, String group, String topic) throws SQLException {
        Map<Integer, Long> stored = new HashMap<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT \"partition\", next_offset FROM "
                + "strangler.sink_offsets WHERE sink_group = ? AND topic = ?")) {
            ps.setString(1, group);
            ps.setString(2, topic);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored.put(rs.getInt(1), rs.getLong(2));
                }
            }
        }
        return stored;
    }

    private static Map<Integer, Long> endOffsets(String bootstrap, String topic) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "strangler-demo-sink-progress");
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Map<Integer, Long> end = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings)) {
            var infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos == null || infos.isEmpty()) {
                return end;
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            consumer.endOffsets(partitions, Duration.ofSeconds(10)).forEach((tp, o) -> end.put(tp.partition(), o));
        }
        return end;
    }
}
