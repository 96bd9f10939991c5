package dev.strangler.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts what is really in the table topics, with a consumer of its own: from the earliest offset of every partition
 * to the end offsets taken at the start of the count. The pipeline's own metrics say what it believes it sent; this
 * says what a downstream service would read, which is the number the demo's end-to-end check must rest on.
 */
public final class TopicCensus {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Counts per topic; {@code complete} is false if the end offsets were not reached in time. */
    public record Result(Map<String, OpCounts> byTopic, boolean complete) {
    }

    private TopicCensus() {
    }

    public static Result count(String bootstrapServers, Collection<String> topics, Duration timeout) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "strangler-demo-census");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Map<String, OpCounts> counts = new TreeMap<>();
        topics.forEach(t -> counts.put(t, OpCounts.NONE));
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics) {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
                if (infos != null) {
                    infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
                }
            }
            // no group: assign() and seeking leave no trace on the broker and cannot disturb anyone else
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    return new Result(counts, false);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() < end.getOrDefault(tp, 0L)) {
                        counts.merge(record.topic(), OpCounts.NONE.plus(opOf(record.value())), TopicCensus::sum);
                    }
                }
            }
            return new Result(counts, true);
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static OpCounts sum(OpCounts a, OpCounts b) {
        return new OpCounts(a.c() + b.c(), a.u() + b.u(), a.d() + b.d(), a.r() + b.r(),
                a.tombstones() + b.tombstones(), a.other() + b.other());
    }

    /**
     * The Debezium op of a record value: null for a tombstone, "?" when the value is not an envelope. Reads the
     * schemaless envelope the pipeline writes, and the {@code payload} wrapper of a converter with schemas on.
     */
    static String opOf(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(value);
            if (node != null && node.has("payload") && node.get("payload").isObject() && !node.has("op")) {
                node = node.get("payload");
            }
            JsonNode op = node == null ? null : node.get("op");
            return op != null && op.isTextual() ? op.asText() : "?";
        } catch (IOException e) {
            return "?";
        }
    }
}
