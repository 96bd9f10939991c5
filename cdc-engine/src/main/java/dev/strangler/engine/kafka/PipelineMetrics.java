package dev.strangler.engine.kafka;

import dev.strangler.engine.metrics.StreamMeters;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters the running pipeline keeps for progress lines and summaries; written by one thread, read by any. */
public final class PipelineMetrics {
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong lastLsn = new AtomicLong(-1);
    private final AtomicLong firstEventAtMillis = new AtomicLong(-1);
    private final AtomicLong lastEventAtMillis = new AtomicLong(-1);
    private final Map<String, LongAdder> perTopic = new ConcurrentHashMap<>();
    private final StreamMeters stream;

    public PipelineMetrics() {
        this(null);
    }

    /** @param stream also told about every committed batch (the metrics model); null for none */
    public PipelineMetrics(StreamMeters stream) {
        this.stream = stream;
    }

    /**
     * A batch committed to Kafka: the counters above, and the metrics model.
     *
     * @param sent        the records published, in order
     * @param lastHandled the batch's last record, published or not (its offset holds the newest source commit)
     */
    void recordBatch(List<org.apache.kafka.connect.source.SourceRecord> sent,
                     org.apache.kafka.connect.source.SourceRecord lastHandled, int skippedCount, long maxLsn,
                     long receivedAtMillis, long ackedAtMillis) {
        for (int i = 0, n = sent.size(); i < n; i++) {
            recordPublished(sent.get(i).topic());
        }
        recordBatch(sent.size(), skippedCount, maxLsn, receivedAtMillis, ackedAtMillis);
        if (stream != null) {
            stream.batchCommitted(sent, lastHandled, skippedCount, ackedAtMillis);
        }
    }

    void recordPublished(String topic) {
        perTopic.computeIfAbsent(topic, t -> new LongAdder()).increment();
    }

    /**
     * @param receivedAtMillis when the engine handed the batch over (the first event's time is its batch's)
     * @param ackedAtMillis    when Kafka had acknowledged the whole batch
     */
    void recordBatch(int publishedCount, int skippedCount, long maxLsn, long receivedAtMillis, long ackedAtMillis) {
        published.addAndGet(publishedCount);
        skipped.addAndGet(skippedCount);
        batches.incrementAndGet();
        if (maxLsn >= 0) {
            lastLsn.accumulateAndGet(maxLsn, Math::max);
        }
        if (publishedCount > 0) {
            firstEventAtMillis.compareAndSet(-1, receivedAtMillis);
            lastEventAtMillis.set(ackedAtMillis);
        }
    }

    /** Records acknowledged by Kafka (tombstones included). */
    public long published() {
        return published.get();
    }

    /** Records the engine handled without publishing (heartbeats). */
    public long skipped() {
        return skipped.get();
    }

    public long batches() {
        return batches.get();
    }

    /** Highest source LSN acknowledged by Kafka so far, or -1. */
    public long lastPublishedLsn() {
        return lastLsn.get();
    }

    /** When the first published event reached the publisher, or -1. */
    public long firstEventAtMillis() {
        return firstEventAtMillis.get();
    }

    /** When Kafka acknowledged the latest published batch, or -1. */
    public long lastEventAtMillis() {
        return lastEventAtMillis.get();
    }

    public Map<String, Long> publishedPerTopic() {
        Map<String, Long> copy = new TreeMap<>();
        perTopic.forEach((k, v) -> copy.put(k, v.sum()));
        return copy;
    }
}
