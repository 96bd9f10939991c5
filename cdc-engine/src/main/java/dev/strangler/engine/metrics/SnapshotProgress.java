package dev.strangler.engine.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * How far the current snapshot is, per table: rows published (snapshot reads acknowledged by Kafka) against the
 * table's estimated row count ({@code pg_class.reltuples}, read by the {@link SourceMonitor}). Rows are counted when
 * Kafka has them, not when Debezium read them, so 100% means "in Kafka".
 *
 * <p>A snapshot starts with its first row (or when Debezium reports one running) and ends with the record Debezium
 * marks as the snapshot's last; an attempt that ends in the middle starts over from zero with the next snapshot, as
 * Debezium does.
 */
public final class SnapshotProgress {

    /** One table's progress. {@code estimatedRows} is negative while unknown (a table never analysed). */
    public record Table(String table, long rows, long estimatedRows, long startedAtMillis, long lastRowAtMillis) {

        /** Share of the estimate published, 0 to 1 (capped: the estimate is only an estimate). */
        public OptionalDouble fraction() {
            if (estimatedRows < 0) {
                return OptionalDouble.empty();
            }
            return OptionalDouble.of(estimatedRows == 0 ? 1.0 : Math.min(1.0, rows / (double) estimatedRows));
        }

        /** Rows per second since the table's first row. */
        public double ratePerSecond(long nowMillis) {
            long elapsed = Math.max(1, Math.max(lastRowAtMillis, nowMillis) - startedAtMillis);
            return rows * 1000.0 / elapsed;
        }

        /** Seconds left at the current rate, when the estimate is known and rows arrive. */
        public OptionalDouble etaSeconds(long nowMillis) {
            double rate = ratePerSecond(nowMillis);
            if (estimatedRows < 0 || rate <= 0) {
                return OptionalDouble.empty();
            }
            return OptionalDouble.of(Math.max(0, estimatedRows - rows) / rate);
        }
    }

    private final Map<String, LongAdder> rows = new ConcurrentHashMap<>();
    private final Map<String, long[]> times = new ConcurrentHashMap<>(); // {first row, last row}
    private final Map<String, Long> estimates = new ConcurrentHashMap<>();
    private final AtomicLong startedAtMillis = new AtomicLong(-1);
    private final AtomicLong finishedAtMillis = new AtomicLong(-1);
    private volatile boolean running;

    /** A snapshot began (Debezium said so, or its first row arrived): counts start from zero. */
    public synchronized void started(long nowMillis) {
        if (running) {
            return;
        }
        rows.clear();
        times.clear();
        running = true;
        startedAtMillis.set(nowMillis);
        finishedAtMillis.set(-1);
    }

    void rowPublished(String table, long ackedAtMillis) {
        if (!running) {
            started(ackedAtMillis);
        }
        rows.computeIfAbsent(table, t -> new LongAdder()).increment();
        long[] t = times.computeIfAbsent(table, k -> new long[] {ackedAtMillis, ackedAtMillis});
        t[1] = ackedAtMillis;
    }

    /** The snapshot's last record was published. */
    public synchronized void finished(long nowMillis) {
        if (running) {
            running = false;
            finishedAtMillis.set(nowMillis);
        }
    }

    /** The attempt ended (a failure, a stop): a snapshot in progress is not running any more; the next starts over. */
    public synchronized void interrupted() {
        running = false;
    }

    /** Row estimates per table, from {@code pg_class.reltuples} (negative: unknown). */
    public void estimates(Map<String, Long> estimatedRows) {
        estimates.putAll(estimatedRows);
    }

    public boolean running() {
        return running;
    }

    public long startedAtMillis() {
        return startedAtMillis.get();
    }

    public long finishedAtMillis() {
        return finishedAtMillis.get();
    }

    /** Progress of every table that has a row or an estimate, in the order given. */
    public List<Table> tables(List<String> streamedTables) {
        List<Table> result = new ArrayList<>();
        for (String table : streamedTables) {
            LongAdder done = rows.get(table);
            long[] t = times.get(table);
            result.add(new Table(table, done == null ? 0 : done.sum(), estimates.getOrDefault(table, -1L),
                    t == null ? -1 : t[0], t == null ? -1 : t[1]));
        }
        return result;
    }

    /** The whole snapshot's share done: rows over the sum of the estimates, when every estimate is known. */
    public OptionalDouble fraction(List<String> streamedTables) {
        long done = 0;
        long total = 0;
        for (Table t : tables(streamedTables)) {
            if (t.estimatedRows() < 0) {
                return OptionalDouble.empty();
            }
            done += Math.min(t.rows(), t.estimatedRows());
            total += t.estimatedRows();
        }
        return OptionalDouble.of(total == 0 ? 1.0 : done / (double) total);
    }
}
