package dev.strangler.parity.stream;

import dev.strangler.parity.Progress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one topic from its earliest offsets to end offsets fixed before reading starts, partition by partition in
 * offset order (per-key order holds within a partition). No consumer group: nothing is committed, the pipeline's
 * consumers are not disturbed.
 */
public final class TopicReader implements AutoCloseable {

    /** What the topic looks like before reading. */
    public record TopicExtent(boolean exists, Map<Integer, Long> earliest, Map<Integer, Long> end) {
        public long records() {
            long n = 0;
            for (var e : end.entrySet()) {
                n += e.getValue() - earliest.getOrDefault(e.getKey(), 0L);
            }
            return n;
        }

        /** Partitions whose first records were deleted (retention, compaction or deleteRecords). */
        public Map<Integer, Long> truncatedPartitions() {
            Map<Integer, Long> cut = new HashMap<>();
            earliest.forEach((p, offset) -> {
                if (offset > 0) {
                    cut.put(p, offset);
                }
            });
            return cut;
        }
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TopicReader.class);
    private static final java.lang.management.ThreadMXBean CPU = java.lang.management.ManagementFactory.getThreadMXBean();

    private final KafkaConsumer<byte[], byte[]> consumer;

    public TopicReader(String bootstrapServers, Map<String, String> clientProperties) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "strangler-parity");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(32 * 1024 * 1024));
        this.consumer = new KafkaConsumer<>(p);
    }

    public TopicExtent extent(String topic, Duration timeout) {
        List<PartitionInfo> infos = consumer.listTopics(timeout).get(topic);
        if (infos == null || infos.isEmpty()) {
            return new TopicExtent(false, Map.of(), Map.of());
        }
        List<TopicPartition> partitions = partitions(topic, infos);
        Map<Integer, Long> earliest = new HashMap<>();
        Map<Integer, Long> end = new HashMap<>();
        consumer.beginningOffsets(partitions, timeout).forEach((tp, o) -> earliest.put(tp.partition(), o));
        consumer.endOffsets(partitions, timeout).forEach((tp, o) -> end.put(tp.partition(), o));
        return new TopicExtent(true, earliest, end);
    }

    /** Delivers every record between the extent's earliest and end offsets, partition by partition. */
    public void read(String topic, TopicExtent extent, Consumer<ConsumerRecord<byte[], byte[]>> sink,
                     Progress progress) {
        long pollNanos = 0;
        long pollCpuNanos = 0;
        long total = extent.records();
        long consumed = 0;
        long lastReport = System.nanoTime();
        for (var entry : extent.end().entrySet()) {
            TopicPartition tp = new TopicPartition(topic, entry.getKey());
            long from = extent.earliest().getOrDefault(entry.getKey(), 0L);
            long to = entry.getValue();
            if (from >= to) {
                continue;
            }
            consumer.assign(List.of(tp));
            consumer.seek(tp, from);
            long position = from;
            while (position < to) {
                long pollStart = System.nanoTime();
                long pollCpuStart = CPU.getCurrentThreadCpuTime();
                var records = consumer.poll(Duration.ofMillis(500));
                pollNanos += System.nanoTime() - pollStart;
                pollCpuNanos += CPU.getCurrentThreadCpuTime() - pollCpuStart;
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    if (record.offset() >= to) {
                        position = to;
                        break;
                    }
                    sink.accept(record);
                    consumed++;
                    position = record.offset() + 1;
                }
                position = Math.max(position, Math.min(consumer.position(tp), to));
                if (System.nanoTime() - lastReport > 1_000_000_000L) {
                    progress.consuming(topic, consumed, total);
                    lastReport = System.nanoTime();
                }
            }
        }
        progress.consuming(topic, consumed, total);
        // whether the read waited for the broker (poll's wall time well over its CPU time), for whoever profiles it
        LOG.debug("{}: {} records; {} ms in poll, {} ms of it on CPU", topic, consumed, pollNanos / 1_000_000,
                pollCpuNanos / 1_000_000);
    }

    private static List<TopicPartition> partitions(String topic, List<PartitionInfo> infos) {
        List<TopicPartition> partitions = new ArrayList<>();
        infos.forEach(i -> partitions.add(new TopicPartition(topic, i.partition())));
        return partitions;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
