package dev.strangler.demo;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The run loop both demo workloads share: operation {@code n} is due at {@code n / rate} seconds ({@link Pacer}); each
 * picks its kind from the workload's {@link OperationMix} with one seeded {@link Random}, so the same seed issues the
 * same operations. The loop counts what completed and failed per kind, stops early on {@link #stop()}, and gives up
 * after {@value #MAX_CONSECUTIVE_FAILURES} failures in a row (the connection or the database is gone, not one
 * statement). The phase lasts the full duration even when the last operation is due shortly before its end. A
 * subclass says only what differs: what it reads first ({@link #prepare}), which kind can run now ({@link #feasible})
 * and how to perform it ({@link #perform}).
 *
 * @param <K> the workload's kinds of operation
 */
abstract class PacedWorkload<K extends Enum<K>> implements Runnable {

    static final int MAX_CONSECUTIVE_FAILURES = 20;

    private final Logger log = LoggerFactory.getLogger(getClass());
    private final String name;
    private final String unit;
    private final OperationMix<K> mix;
    /** The workload's own connection: it runs on its own thread. */
    protected final Connection connection;
    /** Every choice of the workload comes from it. */
    protected final Random random;
    private final double ratePerSecond;
    private final Pacer pacer;
    private final Duration duration;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final Map<K, AtomicLong> completed;
    private final Map<K, AtomicLong> failed;
    private volatile long elapsedNanos;
    private volatile String abortReason;
    private int consecutiveFailures;

    /**
     * @param name how log lines name the workload, e.g. "new service"
     * @param unit what one operation is called in an abort reason, plural: "operations", "transactions"
     */
    PacedWorkload(OperationMix<K> mix, String name, String unit, Connection connection, long seed,
                  double ratePerSecond, Duration duration) {
        this.name = name;
        this.unit = unit;
        this.connection = connection;
        this.mix = mix;
        this.random = new Random(seed);
        this.ratePerSecond = ratePerSecond;
        this.pacer = new Pacer(ratePerSecond);
        this.duration = duration;
        this.completed = counters(mix);
        this.failed = counters(mix);
    }

    /** Runs before the first operation; a failure ends the workload with {@link #abort}. */
    protected void prepare() {
    }

    /** The kind that can run now instead of {@code wanted}, e.g. when it needs a row an earlier kind creates. */
    protected abstract K feasible(K wanted);

    /** Performs one operation; an exception counts it as failed. */
    protected abstract void perform(K kind) throws SQLException;

    /** Makes {@link #run()} return after the operation in progress; safe from any thread. */
    public final void stop() {
        stop.countDown();
    }

    @Override
    public final void run() {
        long start = System.nanoTime();
        try {
            prepare();
            long total = duration.toNanos();
            for (long n = 0; pacer.dueOffsetNanos(n) < total && abortReason == null; n++) {
                long wait = pacer.nanosUntilDue(n, System.nanoTime() - start);
                if (stop.await(wait, TimeUnit.NANOSECONDS)) {
                    break;
                }
                attempt(feasible(mix.pick(random)));
            }
            long rest = total - (System.nanoTime() - start);
            if (rest > 0 && abortReason == null) {
                stop.await(rest, TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            elapsedNanos = System.nanoTime() - start;
        }
    }

    private void attempt(K kind) {
        try {
            perform(kind);
            completed.get(kind).incrementAndGet();
            consecutiveFailures = 0;
        } catch (SQLException | RuntimeException e) {
            // RuntimeException too: the outbox refuses or fails with unchecked exceptions (OutboxException, ...),
            // and one operation's bug is counted and logged rather than silently ending the workload's thread
            if (failed.get(kind).incrementAndGet() == 1) {
                log.warn("{}: {} failed: {}", name, mix.key(kind), e.getMessage());
            }
            if (++consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
                abort(MAX_CONSECUTIVE_FAILURES + " " + unit + " in a row failed, last: " + e.getMessage());
            }
        }
    }

    /** Ends the workload after the operation in progress, with the reason {@link #abortReason()} reports. */
    protected final void abort(String reason) {
        abortReason = reason;
        log.error("{} stopped: {}", name, reason);
    }

    /** Rolls back; true when the rollback is known to have happened. */
    protected final boolean rollbackQuietly() {
        try {
            connection.rollback();
            return true;
        } catch (SQLException e) {
            log.debug("rollback failed: {}", e.getMessage());
            return false;
        }
    }

    public final double ratePerSecond() {
        return ratePerSecond;
    }

    public final Map<K, Long> completed() {
        return snapshot(completed);
    }

    public final Map<K, Long> failed() {
        return snapshot(failed);
    }

    public final Duration elapsed() {
        return Duration.ofNanos(elapsedNanos);
    }

    /** Why the workload gave up early, or null. */
    public final String abortReason() {
        return abortReason;
    }

    private static <K extends Enum<K>> Map<K, AtomicLong> counters(OperationMix<K> mix) {
        Map<K, AtomicLong> counters = new EnumMap<>(mix.type());
        for (K kind : mix.kinds()) {
            counters.put(kind, new AtomicLong());
        }
        return counters;
    }

    private Map<K, Long> snapshot(Map<K, AtomicLong> counters) {
        Map<K, Long> copy = new EnumMap<>(mix.type());
        counters.forEach((k, v) -> copy.put(k, v.get()));
        return Collections.unmodifiableMap(copy);
    }
}
