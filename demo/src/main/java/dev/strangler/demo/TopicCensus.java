package dev.strangler.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.outbox.OutboxHeaders;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts what is really in the topics, with a consumer of its own: from the earliest offset of every partition to the
 * end offsets taken at the start of the count. The pipeline's own metrics say what it believes it sent; this says
 * what a downstream service would read, which is the number the demo's end-to-end check must rest on.
 *
 * <p>Table topics hold Debezium envelopes, counted by operation. Outbox topics hold the new service's payloads, which
 * say nothing about operations: there each record is counted, with its event id (the {@code id} header), since
 * delivery is at least once and only distinct ids can be compared with what the service committed.
 */
public final class TopicCensus {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What one outbox topic holds.
     *
     * @param partitions 0 when the topic does not exist
     * @param records    every record read
     * @param withoutId  records without a readable {@code id} header: not routed outbox events
     * @param eventIds   the distinct event ids read
     */
    public record OutboxCount(int partitions, long records, long withoutId, Set<UUID> eventIds) {

        public static final OutboxCount NONE = new OutboxCount(0, 0, 0, Set.of());

        public OutboxCount {
            eventIds = Set.copyOf(eventIds);
        }

        /** Records that repeat an event id already read: re-sends, harmless with at-least-once delivery. */
        public long duplicates() {
            return records - withoutId - eventIds.size();
        }
    }

    /**
     * Counts per table topic and per outbox topic; {@code complete} is false if the end offsets were not reached in
     * time.
     */
    public record Result(Map<String, OpCounts> byTopic, Map<String, OutboxCount> outbox, boolean complete,
                         Map<String, Long> markedBySink) {

        /** Table-topic records a strangler sink wrote (header {@value #ORIGIN}), by topic. */
        public long marked(String topic) {
            return markedBySink.getOrDefault(topic, 0L);
        }
    }

    /** The header the pipeline puts on a change a strangler sink wrote (sink.echo=mark). */
    static final String ORIGIN = "strangler.origin";

    private TopicCensus() {
    }

    public static Result count(String bootstrapServers, Collection<String> tableTopics,
                               Collection<String> outboxTopics, Duration timeout) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "strangler-demo-census");
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // an outbox topic exists only once an event of its aggregate type was routed; looking must not create it
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        settings.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        // as every consumer of an exactly-once pipeline should: records of aborted transactions are not events
        settings.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Map<String, OpCounts> counts = new TreeMap<>();
        tableTopics.forEach(t -> counts.put(t, OpCounts.NONE));
        Map<String, OutboxTally> tallies = new TreeMap<>();
        Map<String, Long> marked = new TreeMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(settings)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : tableTopics) {
                partitions.addAll(partitionsOf(consumer, topic, timeout));
            }
            for (String topic : outboxTopics) {
                List<TopicPartition> found = partitionsOf(consumer, topic, timeout);
                tallies.put(topic, new OutboxTally(found.size()));
                partitions.addAll(found);
            }
            // no group: assign() and seeking leave no trace on the broker and cannot disturb anyone else
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    return new Result(counts, freeze(tallies), false, marked);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= end.getOrDefault(tp, 0L)) {
                        continue;
                    }
                    OutboxTally tally = tallies.get(record.topic());
                    if (tally != null) {
                        tally.add(record.headers());
                    } else {
                        counts.merge(record.topic(), OpCounts.NONE.plus(opOf(record.value())), TopicCensus::sum);
                        if (record.headers().lastHeader(ORIGIN) != null) {
                            marked.merge(record.topic(), 1L, Long::sum);
                        }
                    }
                }
            }
            return new Result(counts, freeze(tallies), true, marked);
        }
    }

    private static List<TopicPartition> partitionsOf(KafkaConsumer<byte[], byte[]> consumer, String topic,
                                                     Duration timeout) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
        List<TopicPartition> partitions = new ArrayList<>();
        if (infos != null) {
            infos.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        return partitions;
    }

    private static Map<String, OutboxCount> freeze(Map<String, OutboxTally> tallies) {
        Map<String, OutboxCount> frozen = new TreeMap<>();
        tallies.forEach((topic, tally) -> frozen.put(topic, tally.count()));
        return frozen;
    }

    /** The running count of one outbox topic. */
    static final class OutboxTally {
        private final int partitions;
        private final Set<UUID> ids = new HashSet<>();
        private long records;
        private long withoutId;

        OutboxTally(int partitions) {
            this.partitions = partitions;
        }

        void add(Headers headers) {
            records++;
            UUID id = eventId(headers);
            if (id == null) {
                withoutId++;
            } else {
                ids.add(id);
            }
        }

        OutboxCount count() {
            return new OutboxCount(partitions, records, withoutId, ids);
        }
    }

    /** The event id of an outbox record, or null when it has no readable {@code id} header. */
    static UUID eventId(Headers headers) {
        try {
            return OutboxHeaders.eventId(headers);
        } catch (IllegalArgumentException e) {
            return null;
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
