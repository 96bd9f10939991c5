package dev.strangler.sink;

import dev.strangler.sink.config.SinkConfig;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * {@code strangler sink}: keeps legacy tables alive from the new services' events. Consumes the configured topics in
 * a Kafka consumer group and applies each batch to the legacy database in one transaction together with the
 * positions it reaches ({@code strangler.sink_offsets}), so a crash at any moment neither applies an event twice nor
 * skips one; every transaction starts with a marker row ({@code strangler.sink_marker}) by which the pipeline that
 * captures the same tables recognises the sink's own writes (no echo).
 *
 * <p>{@link #start()} checks everything before it consumes anything and fails with the first problem (bad mapping,
 * database or Kafka not ready); then a thread runs attempts ({@link SinkRun}): a transient failure (PostgreSQL or Kafka
 * unreachable) ends the attempt and another follows after a back-off, resuming from the stored positions; a permanent
 * one (a bad event with sink.errors=stop, a privilege, a position Kafka no longer has) ends the sink with its error.
 *
 * <p>Lifecycle: NEW → STARTING → RUNNING ⇄ RECOVERING → STOPPING → STOPPED, or FAILED. {@link #stop()} lets the
 * in-flight batch commit, leaves the group (its partitions move to the other processes at once) and closes everything.
 */
public final class Sink implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sink.class);

    public enum State { NEW, STARTING, RUNNING, RECOVERING, STOPPING, STOPPED, FAILED }

    /** Choices made by the caller, not the config file. */
    public record Options(boolean migrate, Duration kafkaCheckTimeout) {
        public static Options defaults() {
            return new Options(false, Duration.ofSeconds(15));
        }
    }

    private final SinkConfig config;
    private final Options options;
    private final SinkMetrics metrics = new SinkMetrics();
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final AtomicReference<RuntimeException> failure = new AtomicReference<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final Object runLock = new Object();
    private volatile boolean stopping;
    private SinkRun run;
    private Thread worker;

    public Sink(SinkConfig config, Options options) {
        this.config = config;
        this.options = options;
    }

    /**
     * Checks the configuration against the database and Kafka, then starts consuming.
     *
     * @throws TargetNotReadyException a mapping does not fit its table, or the database is not ready
     * @throws SinkKafkaException      Kafka is not reachable
     */
    public void start() {
        if (!state.compareAndSet(State.NEW, State.STARTING)) {
            throw new IllegalStateException("a sink starts once; it is " + state.get());
        }
        MDC.put("pipeline", config.name());
        try {
            List<MappingPlan> plans = SinkPreflight.run(config, options.migrate(), options.kafkaCheckTimeout());
            LOG.info("sink '{}': {} mapping(s) from {} to {} as '{}', group {}, errors {}", config.name(),
                    plans.size(), config.topics(), config.target().where(), config.target().user(),
                    config.kafka().group(), config.errors() == SinkConfig.Errors.STOP ? "stop"
                            : "dead-letter to " + config.kafka().deadLetterTopic());
            worker = new Thread(() -> supervise(plans), "strangler-sink-" + config.name());
            worker.start();
        } catch (RuntimeException e) {
            state.set(State.FAILED);
            failure.set(e);
            finished.countDown();
            throw e;
        } finally {
            MDC.remove("pipeline");
        }
    }

    private void supervise(List<MappingPlan> plans) {
        MDC.put("pipeline", config.name());
        Duration wait = Duration.ofSeconds(1);
        try {
            while (!stopping) {
                try (SinkRun attempt = new SinkRun(config)) {
                    synchronized (runLock) {
                        if (stopping) {
                            break;
                        }
                        run = attempt;
                    }
                    attempt.open(plans, metrics);
                    state.compareAndSet(State.STARTING, State.RUNNING);
                    state.compareAndSet(State.RECOVERING, State.RUNNING);
                    attempt.run(() -> stopping);
                    wait = Duration.ofSeconds(1);
                } catch (Exception e) {
                    SinkFailures.Kind kind = SinkFailures.classify(e);
                    if (stopping && kind.isTransient()) {
                        break;
                    }
                    if (!kind.isTransient()) {
                        throw SinkFailures.reported(kind, e);
                    }
                    state.set(State.RECOVERING);
                    LOG.warn("waiting {} s before the next attempt: {}", wait.toSeconds(),
                            SinkFailures.rootMessage(e));
                    if (stopSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                        break;
                    }
                    wait = wait.multipliedBy(2).compareTo(config.restartBackoffMax()) > 0
                            ? config.restartBackoffMax() : wait.multipliedBy(2);
                } finally {
                    synchronized (runLock) {
                        run = null;
                    }
                }
            }
            state.set(State.STOPPED);
            LOG.info("sink '{}' stopped: {} event(s) applied, {} conflict(s), {} dead-lettered", config.name(),
                    metrics.total().applied(), metrics.total().conflicts(), metrics.total().deadLettered());
        } catch (RuntimeException e) {
            failure.set(e);
            state.set(State.FAILED);
            LOG.error("sink '{}' stopped: {}", config.name(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            state.set(State.STOPPED);
        } finally {
            finished.countDown();
            MDC.remove("pipeline");
        }
    }

    /** Blocks until the sink ends; rethrows what ended it, returns after a requested stop. */
    public void awaitTermination() throws InterruptedException {
        finished.await();
        RuntimeException e = failure.get();
        if (e != null) {
            throw e;
        }
    }

    /** Waits up to {@code timeout}; true when the sink has ended (failed or stopped). */
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Lets the in-flight batch commit, leaves the group and closes everything. Idempotent; blocks until done. */
    public void stop() {
        if (state.get() == State.NEW) {
            state.set(State.STOPPED);
            finished.countDown();
            return;
        }
        stopping = true;
        stopSignal.countDown();
        state.compareAndSet(State.RUNNING, State.STOPPING);
        state.compareAndSet(State.RECOVERING, State.STOPPING);
        synchronized (runLock) {
            if (run != null) {
                run.wakeup();
            }
        }
        try {
            finished.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    public State state() {
        return state.get();
    }

    /** The failure that ended the sink, if one did. */
    public RuntimeException failure() {
        return failure.get();
    }

    public SinkMetrics metrics() {
        return metrics;
    }

    public SinkConfig config() {
        return config;
    }
}
