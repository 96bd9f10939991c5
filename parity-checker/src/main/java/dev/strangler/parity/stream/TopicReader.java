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

    /**
     * Delivers every record between the extent's earliest and end offsets, partition by partition, in offset order,
     * on the calling thread. The consumer polls on a thread of its own meanwhile, a few batches ahead: fetching and
     * decoding records (a quarter of a topic read's CPU) overlaps with what {@code sink} does with them.
     */
    public void read(String topic, TopicExtent extent, Consumer<ConsumerRecord<byte[], byte[]>> sink,
                     Progress progress) {
        long total = extent.records();
        long consumed = 0;
        long lastReport = System.nanoTime();
        try (Fetcher fetcher = new Fetcher(topic, extent)) {
            for (List<ConsumerRecord<byte[], byte[]>> batch = fetcher.next(); !batch.isEmpty();
                 batch = fetcher.next()) {
                for (ConsumerRecord<byte[], byte[]> record : batch) {
                    sink.accept(record);
                }
                consumed += batch.size();
                if (System.nanoTime() - lastReport > 1_000_000_000L) {
                    progress.consuming(topic, consumed, total);
                    lastReport = System.nanoTime();
                }
            }
        }
        progress.consuming(topic, consumed, total);
    }

    /**
     * Polls the extent's records on its own thread into a short queue; {@link #next} hands them over in order. Only
     * this thread touches the consumer while it runs; {@link #close} stops it and waits for it, so the consumer is
     * free again for the next read, also when the sink failed halfway.
     */
    private final class Fetcher implements AutoCloseable {
        /** Batches of at most max.poll.records each: enough to keep the sink busy while the next one is fetched. */
        private static final int BATCHES_AHEAD = 2;
        private static final List<ConsumerRecord<byte[], byte[]>> END = List.of();

        private final java.util.concurrent.BlockingQueue<List<ConsumerRecord<byte[], byte[]>>> batches =
                new java.util.concurrent.ArrayBlockingQueue<>(BATCHES_AHEAD);
        private final Thread thread;
        private volatile boolean stopped;
        private volatile RuntimeException failure;

        Fetcher(String topic, TopicExtent extent) {
            thread = new Thread(() -> fetch(topic, extent), "strangler-parity-fetch-" + topic);
            thread.setDaemon(true);
            thread.start();
        }

        private void fetch(String topic, TopicExtent extent) {
            try {
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
                    while (position < to && !stopped) {
                        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                            if (record.offset() >= to) {
                                position = to;
                                break;
                            }
                            batch.add(record);
                            position = record.offset() + 1;
                        }
                        position = Math.max(position, Math.min(consumer.position(tp), to));
                        if (!batch.isEmpty()) {
                            hand(batch);
                        }
                    }
                }
            } catch (RuntimeException e) {
                failure = e;
            } finally {
                hand(END);
            }
        }

        /** Queues a batch, waiting for room unless the reader stopped (then nothing is wanted any more). */
        private void hand(List<ConsumerRecord<byte[], byte[]>> batch) {
            try {
                while (!stopped && !batches.offer(batch, 100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    // the sink is behind: wait for it
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stopped = true;
            }
        }

        /** The next batch in offset order; empty at the end. Rethrows what the consumer threw. */
        List<ConsumerRecord<byte[], byte[]>> next() {
            List<ConsumerRecord<byte[], byte[]>> batch;
            try {
                batch = batches.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while reading a topic", e);
            }
            if (batch == END && failure != null) {
                throw failure;
            }
            return batch;
        }

        @Override
        public void close() {
            stopped = true;
            batches.clear();
            boolean interrupted = false;
            while (thread.isAlive()) {
                try {
                    thread.join();
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
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
