package dev.strangler.engine.metrics;

import dev.strangler.contract.Lsn;
import dev.strangler.engine.kafka.IntakeHeaders;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongFunction;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * What the publisher reports after each committed batch: events per table and operation, batches, the commit →
 * Kafka-ack latency per source transaction, the newest source commit handled (for the lag) and the snapshot's rows.
 *
 * <p>Called once per batch on the engine's thread, after Kafka acknowledged it; everything per event is a map lookup
 * and a {@link LongAdder} increment. The Micrometer meters read these counts when scraped ({@link FunctionCounter}),
 * so a registry costs the hot path nothing per event; the latency timer is recorded once per source transaction.
 * Without a registry the counts are kept all the same, for {@code /status} and the demo.
 */
public final class StreamMeters {

    /** Label values of {@code op}: Debezium's operation codes spelled out, plus what the envelope cannot say. */
    static final String TOMBSTONE = "tombstone";
    static final String OUTBOX = "outbox";
    /** The {@code op} label values by index: what {@link #op} returns. */
    static final String[] OP_LABELS = {"create", "update", "delete", "read", "truncate", "message", TOMBSTONE,
        OUTBOX, "other"};
    private static final int READ = 3;

    /** Service-level buckets of the commit → ack histogram: from 5 ms to 10 minutes. */
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(5),
        Duration.ofMinutes(10)};

    private static final Logger LOG = LoggerFactory.getLogger(StreamMeters.class);

    private final MeterRegistry registry;
    private final Function<String, String> tableOfTopic;
    private final LongFunction<String> traceIdOf;
    private final SnapshotProgress snapshot;
    /** Per topic, one adder per operation (index into {@link #OP_LABELS}), created on first use. */
    private final Map<String, AtomicReferenceArray<LongAdder>> perTopic = new ConcurrentHashMap<>();
    /** Scratch counts of the batch being recorded, per operation; the publisher's thread only. */
    private final long[] runCounts = new long[OP_LABELS.length];
    private final AtomicLong newestCommitMicros = new AtomicLong(-1);
    private final AtomicLong newestLsn = new AtomicLong(-1);
    private final Counter batches;
    private final Counter skipped;
    private final DistributionSummary batchSize;
    private final Timer commitToAck;

    /**
     * @param registry     where the meters go; null keeps only the counts
     * @param tableOfTopic the table a topic carries ("schema.table"), for the {@code table} label
     */
    public StreamMeters(MeterRegistry registry, Function<String, String> tableOfTopic, LongFunction<String> traceIdOf,
                        SnapshotProgress snapshot) {
        this.registry = registry;
        this.tableOfTopic = tableOfTopic;
        this.traceIdOf = traceIdOf;
        this.snapshot = snapshot;
        if (registry == null) {
            batches = null;
            skipped = null;
            batchSize = null;
            commitToAck = null;
            return;
        }
        batches = Counter.builder("strangler.batches").description("Batches committed to Kafka")
                .register(registry);
        skipped = Counter.builder("strangler.events.skipped")
                .description("Changes handled without publishing them (the pipeline's own heartbeats)")
                .register(registry);
        batchSize = DistributionSummary.builder("strangler.batch.size").baseUnit("events")
                .description("Events per committed batch").register(registry);
        commitToAck = Timer.builder("strangler.commit.to.ack")
                .description("From a source transaction's commit in PostgreSQL (source.ts_ms) to Kafka's "
                        + "acknowledgement of the batch that holds its last event; one observation per transaction")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry);
    }

    /**
     * One batch committed to Kafka.
     *
     * @param published    the records sent (heartbeats not included), in order
     * @param lastHandled  the batch's last record, published or not: its offset holds the newest source commit
     * @param skippedCount records handled without publishing them
     * @param ackedAtMillis when Kafka acknowledged (and, exactly once, committed) the batch
     */
    public void batchCommitted(List<SourceRecord> published, SourceRecord lastHandled, int skippedCount,
                               long ackedAtMillis) {
        long txCommitMicros = Long.MIN_VALUE;
        boolean snapshotEnded = false;
        boolean snapshotRunning = snapshot.running();
        String runTopic = null;
        for (int i = 0, n = published.size(); i < n; i++) {
            SourceRecord record = published.get(i);
            int op = op(record);
            // counted per run of one topic, added to the shared adders once per run: no allocation per event
            if (runTopic != null && !runTopic.equals(record.topic())) {
                flush(runTopic);
            }
            runTopic = record.topic();
            runCounts[op]++;
            if (op == READ) {
                if (isInitialSnapshotRow(record)) { // not an incremental snapshot's row: those stream alongside
                    snapshot.rowPublished(tableOfTopic.apply(record.topic()), ackedAtMillis);
                    snapshotEnded |= isLastSnapshotRecord(record);
                }
            } else {
                // a change streamed after the snapshot's rows (never a heartbeat: those are not published)
                snapshotEnded |= snapshotRunning && isStreamed(record);
            }
            if (op != READ && commitToAck != null) {
                long commit = commitMicros(record);
                if (commit > 0 && commit != txCommitMicros) { // one observation per source transaction
                    txCommitMicros = commit;
                    commitToAck.record(Math.max(0, ackedAtMillis * 1000 - commit), TimeUnit.MICROSECONDS);
                }
            }
        }
        if (lastHandled != null && !isSnapshot(lastHandled)) {
            long commit = commitMicros(lastHandled);
            if (commit > 0) {
                newestCommitMicros.accumulateAndGet(commit, Math::max);
            }
            Object lsn = lastHandled.sourceOffset() == null ? null : lastHandled.sourceOffset().get("lsn");
            if (lsn instanceof Number number) {
                newestLsn.accumulateAndGet(number.longValue(), Math::max);
            }
        }
        // the snapshot's last record, or a change streamed after its rows: the snapshot is over
        if (snapshotEnded) {
            snapshot.finished(ackedAtMillis);
        }
        if (runTopic != null) {
            flush(runTopic);
        }
        if (LOG.isTraceEnabled()) {
            traceTransactions(published);
        }
        if (batches != null) {
            batches.increment();
            skipped.increment(skippedCount);
            batchSize.record(published.size());
        }
    }


    /** TRACE: one line per source transaction of the batch, with its table, LSN and trace id as MDC fields. */
    private void traceTransactions(List<SourceRecord> published) {
        Object lastTx = null;
        for (SourceRecord record : published) {
            Map<String, ?> offset = record.sourceOffset();
            Object tx = offset == null ? null : offset.get("txId");
            if (tx == null || tx.equals(lastTx)) {
                continue;
            }
            lastTx = tx;
            MDC.put("table", tableOfTopic.apply(record.topic()));
            MDC.put("lsn", offset.get("lsn") instanceof Number n ? Lsn.format(n.longValue()) : "");
            MDC.put("trace_id", tx instanceof Number n ? traceIdOf.apply(n.longValue()) : "");
            try {
                LOG.trace("published transaction {} (first event on {})", tx, record.topic());
            } finally {
                MDC.remove("table");
                MDC.remove("lsn");
                MDC.remove("trace_id");
            }
        }
    }

    /** The operation's index in {@link #OP_LABELS}. */
    private static int op(SourceRecord record) {
        Object value = record.value();
        if (value == null) {
            return 6; // tombstone
        }
        if (value instanceof Struct struct && struct.schema().field("op") != null) {
            String code = struct.getString("op");
            if (code == null || code.length() != 1) {
                return 8;
            }
            return switch (code.charAt(0)) {
                case 'c' -> 0;
                case 'u' -> 1;
                case 'd' -> 2;
                case 'r' -> READ;
                case 't' -> 4;
                case 'm' -> 5;
                default -> 8;
            };
        }
        return 7; // a routed outbox event: the value is the payload, not an envelope
    }

    /** Adds the run's counts of {@code topic} to its adders, registering a meter for each new (topic, op). */
    private void flush(String topic) {
        AtomicReferenceArray<LongAdder> adders = perTopic.computeIfAbsent(topic,
                t -> new AtomicReferenceArray<>(OP_LABELS.length));
        for (int op = 0; op < runCounts.length; op++) {
            if (runCounts[op] == 0) {
                continue;
            }
            LongAdder adder = adders.get(op);
            if (adder == null) {
                adder = register(topic, op);
                adders.set(op, adder);
            }
            adder.add(runCounts[op]);
            runCounts[op] = 0;
        }
    }

    private LongAdder register(String topic, int op) {
        LongAdder created = new LongAdder();
        if (registry != null) {
            FunctionCounter.builder("strangler.events.published", created, LongAdder::doubleValue)
                    .description("Events acknowledged by Kafka, per table, topic and operation (tombstones "
                            + "included)")
                    .tags(Tags.of("table", tableOfTopic.apply(topic), "topic", topic, "op", OP_LABELS[op]))
                    .register(registry);
        }
        return created;
    }

    private static long commitMicros(SourceRecord record) {
        Map<String, ?> offset = record.sourceOffset();
        Object ts = offset == null ? null : offset.get("ts_usec");
        return ts instanceof Number n ? n.longValue() : -1;
    }

    private static boolean isSnapshot(SourceRecord record) {
        Map<String, ?> offset = record.sourceOffset();
        if (offset == null) {
            return false;
        }
        Object snapshot = offset.get("snapshot");
        return snapshot != null && !"false".equalsIgnoreCase(snapshot.toString())
                && !isLastSnapshotRecord(record);
    }

    /** A row of the initial snapshot (Debezium's offset says INITIAL, or true before 3.x). */
    private static boolean isInitialSnapshotRow(SourceRecord record) {
        Map<String, ?> offset = record.sourceOffset();
        Object snapshot = offset == null ? null : offset.get("snapshot");
        return snapshot != null && ("INITIAL".equalsIgnoreCase(snapshot.toString())
                || "true".equalsIgnoreCase(snapshot.toString()));
    }

    /** A change streamed from the WAL (not a snapshot read): its offset has no snapshot marker. */
    private static boolean isStreamed(SourceRecord record) {
        Map<String, ?> offset = record.sourceOffset();
        if (offset == null || offset.get("lsn") == null) {
            return false;
        }
        Object snapshot = offset.get("snapshot");
        return snapshot == null || "false".equalsIgnoreCase(snapshot.toString())
                || "incremental".equalsIgnoreCase(snapshot.toString());
    }

    private static boolean isLastSnapshotRecord(SourceRecord record) {
        Map<String, ?> offset = record.sourceOffset();
        return offset != null && "true".equalsIgnoreCase(String.valueOf(offset.get("last_snapshot_record")));
    }

    /** Source commit time (epoch microseconds, PostgreSQL's clock) of the newest change handled, or -1. */
    public long newestCommitMicros() {
        return newestCommitMicros.get();
    }

    /** WAL position of the newest change handled (published or a heartbeat), or -1. */
    public long newestLsn() {
        return newestLsn.get();
    }

    /** Events published per table and operation, e.g. {@code shop.orders → {create=3, update=1}}. */
    public Map<String, Map<String, Long>> publishedPerTable() {
        Map<String, Map<String, Long>> result = new TreeMap<>();
        perTopic.forEach((topic, adders) -> {
            for (int op = 0; op < adders.length(); op++) {
                LongAdder adder = adders.get(op);
                if (adder != null) {
                    result.computeIfAbsent(tableOfTopic.apply(topic), t -> new TreeMap<>())
                            .merge(OP_LABELS[op], adder.sum(), Long::sum);
                }
            }
        });
        return result;
    }
}
