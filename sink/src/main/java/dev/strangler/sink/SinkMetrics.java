package dev.strangler.sink;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the sink has done since it started, counted per mapping when its transaction committed (a rolled-back batch
 * counts nothing). Thread-safe: the sink's thread counts, anyone reads.
 */
public final class SinkMetrics {

    /** One mapping's counts. */
    public record Counts(long written, long deleted, long conflicts, long ignored, long deadLettered) {
        public static final Counts NONE = new Counts(0, 0, 0, 0, 0);

        /** Events that changed (or deliberately kept) a row. */
        public long applied() {
            return written + deleted + conflicts;
        }

        Counts plus(Counts o) {
            return new Counts(written + o.written, deleted + o.deleted, conflicts + o.conflicts, ignored + o.ignored,
                    deadLettered + o.deadLettered);
        }
    }

    private final Map<String, Counts> byMapping = new ConcurrentHashMap<>();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong unmapped = new AtomicLong();

    void add(String mapping, Counts counts) {
        byMapping.merge(mapping, counts, Counts::plus);
    }

    void batchCommitted() {
        batches.incrementAndGet();
    }

    /** A dead-lettered event no mapping took (an unknown event type): counted apart from the mappings. */
    void unmappedDeadLettered() {
        unmapped.incrementAndGet();
    }

    public Map<String, Counts> byMapping() {
        return new TreeMap<>(byMapping);
    }

    public Counts total() {
        Counts total = byMapping.values().stream().reduce(Counts.NONE, Counts::plus);
        return total.plus(new Counts(0, 0, 0, 0, unmapped.get()));
    }

    public long batches() {
        return batches.get();
    }
}
