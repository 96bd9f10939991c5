package dev.strangler.engine;

import dev.strangler.contract.Lsn;
import dev.strangler.engine.admin.StartPreview;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.kafka.KafkaPreflight;
import dev.strangler.engine.kafka.PipelineMetrics;
import dev.strangler.engine.metrics.PipelineStatus;
import dev.strangler.engine.metrics.SourceMonitor;
import dev.strangler.engine.metrics.Telemetry;
import dev.strangler.engine.resume.StartPlanner;
import dev.strangler.engine.resume.StoredOffset;
import dev.strangler.engine.source.PipelineLock;
import dev.strangler.engine.source.SourcePreflight;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One pipeline: legacy PostgreSQL changes, read through a pgoutput slot by Debezium's embedded engine, published to
 * Kafka, for as long as the process runs.
 *
 * <p>{@link #start()} checks everything it can before it creates anything (config, PostgreSQL, Kafka) and fails with
 * the first problem; then it either holds the pipeline's lock and starts the engine, or another instance holds it and
 * this one stands by. From then on a supervisor thread keeps the pipeline going: an attempt that fails for a
 * transient reason (PostgreSQL or Kafka unreachable, a connection ended) is followed by another after a back-off,
 * every one through the same start decision ({@link EngineRun}); a permanent one (refused, fenced, a record too large)
 * ends the pipeline with its error. Debezium never retries on its own: its retry would snapshot again without
 * streaming what happened since the slot's position.
 *
 * <p>Lifecycle: NEW → STARTING → RUNNING or STANDBY; RUNNING ⇄ RECOVERING (waiting to restart); STANDBY → RUNNING
 * (takeover); STOPPING → STOPPED, or FAILED. {@link #stop()} lets the in-flight batch finish, commits its position
 * and closes everything; it is safe from a shutdown hook.
 */
public final class Pipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);
    /** How often a standby looks whether the lock is free or its holder silent. */
    static final Duration STANDBY_POLL = Duration.ofSeconds(1);
    /** How long a new active instance waits for a previous instance's walsender to let go of the slot. */
    static final Duration SLOT_RELEASE_TIMEOUT = Duration.ofSeconds(30);

    public enum State { NEW, STARTING, STANDBY, RUNNING, RECOVERING, STOPPING, STOPPED, FAILED }

    /**
     * Choices made by the caller, not the config file.
     *
     * @param meterRegistry where the pipeline's meters go (the CLI's Prometheus registry); null records none
     */
    public record Options(boolean migrate, Duration kafkaCheckTimeout, Duration startTimeout,
                          io.micrometer.core.instrument.MeterRegistry meterRegistry) {
        public Options(boolean migrate, Duration kafkaCheckTimeout, Duration startTimeout) {
            this(migrate, kafkaCheckTimeout, startTimeout, null);
        }

        public static Options defaults() {
            return new Options(true, Duration.ofSeconds(15), Duration.ofMinutes(2));
        }

        public Options withMeterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
            return new Options(migrate, kafkaCheckTimeout, startTimeout, registry);
        }
    }

    private final PipelineConfig config;
    private final Options options;
    private final Telemetry telemetry;
    private final PipelineMetrics metrics;
    private final Clock clock = Clock.systemUTC();
    private final AtomicReference<PipelineStatus.LastError> lastError = new AtomicReference<>();
    private final AtomicReference<PipelineLock.Holder> activeHolder = new AtomicReference<>();
    private volatile Instant startedAt;
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicReference<FailureKind> waitingFor = new AtomicReference<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final CountDownLatch stopSignal = new CountDownLatch(1);
    private final Object runLock = new Object();
    private final Object stopLock = new Object();
    private final PipelineLock lock;
    private ScheduledExecutorService lockKeeper;
    private Thread supervisor;
    private EngineRun run;
    private volatile boolean stopping;
    private boolean migrated;
    private boolean publicationExists;

    public Pipeline(PipelineConfig config, Options options) {
        this.config = config;
        this.options = options;
        this.lock = new PipelineLock(config.source(), config.pipelineName(), config.supervision().takeoverAfter(),
                Clock.systemUTC());
        this.telemetry = new Telemetry(config, options.meterRegistry(), clock::millis);
        this.metrics = new PipelineMetrics(telemetry.stream());
        telemetry.bindState(this::phase, () -> status().readiness());
    }

    /**
     * What a start of this pipeline would do now, without starting it or writing anything: its stored position, its
     * slot's, and how it would resume or why it would be refused. Reads PostgreSQL and the offset store.
     */
    public static StartPreview previewStart(PipelineConfig config) {
        StartPlanner.Preview p = StartPlanner.preview(config, DebeziumSettings.offsetStore(config));
        return new StartPreview(p.where(), p.stored().flatMap(StoredOffset::lsn).map(Lsn::format),
                p.stored().map(StoredOffset::snapshotInProgress).orElse(false),
                p.slotPosition().isPresent() ? Optional.of(Lsn.format(p.slotPosition().getAsLong())) : Optional.empty(),
                p.plan().map(plan -> plan.kind().name()).orElse(StartPreview.REFUSED),
                p.refusal().orElseGet(() -> p.plan().orElseThrow().explanation()));
    }

    public PipelineConfig config() {
        return config;
    }

    public PipelineMetrics metrics() {
        return metrics;
    }

    public State state() {
        return state.get();
    }

    /** The metrics and health model: meters, the slot as PostgreSQL last reported it, the snapshot's progress. */
    public Telemetry telemetry() {
        return telemetry;
    }

    /** The phase a person asks about: the state, with RUNNING split into snapshotting and streaming. */
    public PipelineStatus.Phase phase() {
        return switch (state.get()) {
            case NEW, STARTING -> PipelineStatus.Phase.STARTING;
            case STANDBY -> PipelineStatus.Phase.STANDBY;
            case RUNNING -> telemetry.snapshot().running() ? PipelineStatus.Phase.SNAPSHOTTING
                    : PipelineStatus.Phase.STREAMING;
            case RECOVERING -> switch (waitingFor.get() == null ? FailureKind.SOURCE_UNAVAILABLE : waitingFor.get()) {
                case KAFKA_UNAVAILABLE -> PipelineStatus.Phase.WAITING_FOR_KAFKA;
                case SLOT_BUSY -> PipelineStatus.Phase.WAITING_FOR_SLOT;
                default -> PipelineStatus.Phase.WAITING_FOR_POSTGRESQL;
            };
            case STOPPING -> PipelineStatus.Phase.STOPPING;
            case STOPPED -> PipelineStatus.Phase.STOPPED;
            case FAILED -> PipelineStatus.Phase.FAILED;
        };
    }

    /** The pipeline's status now, for /status, /health and strangler status; reads no database, never blocks. */
    public PipelineStatus status() {
        PipelineStatus.Phase phase = phase();
        OptionalDouble lag = telemetry.lagSeconds();
        Instant started = startedAt;
        Instant now = clock.instant();
        SourceMonitor monitor = telemetry.monitor();
        Optional<SourceMonitor.Observation> observed = monitor.last();
        long newestCommit = telemetry.stream().newestCommitMicros();
        var snapshot = telemetry.snapshot();
        return new PipelineStatus(config.pipelineName(), lock.instance(), phase, state.get().name(),
                started == null ? now : started, started == null ? Duration.ZERO : Duration.between(started, now),
                config.source().endpoint().toString(), config.source().slot(),
                config.delivery().name().toLowerCase(java.util.Locale.ROOT),
                phase == PipelineStatus.Phase.STANDBY ? Optional.ofNullable(activeHolder.get())
                        .map(h -> new PipelineStatus.ActiveInstance(h.instance(), h.connectedAt())) : Optional.empty(),
                observed.flatMap(SourceMonitor.Observation::slot),
                observed.map(SourceMonitor.Observation::maxSlotWalKeepSizeBytes).orElse(-1L),
                observed.map(o -> Instant.ofEpochMilli(o.atMillis())), monitor.reachable(), monitor.problem(),
                observed.map(SourceMonitor.Observation::serverVersion),
                Math.max(metrics.lastPublishedLsn(), telemetry.stream().newestLsn()),
                newestCommit < 0 ? Optional.empty() : Optional.of(Instant.ofEpochSecond(0, newestCommit * 1000)),
                lag,
                new PipelineStatus.Events(metrics.published(), metrics.batches(), metrics.skipped(),
                        telemetry.stream().publishedPerTable()),
                new PipelineStatus.Snapshot(snapshot.running(),
                        snapshot.startedAtMillis() < 0 ? Optional.empty()
                                : Optional.of(Instant.ofEpochMilli(snapshot.startedAtMillis())),
                        snapshot.finishedAtMillis() < 0 ? Optional.empty()
                                : Optional.of(Instant.ofEpochMilli(snapshot.finishedAtMillis())),
                        snapshot.fraction(telemetry.streamedTables()), snapshot.tables(telemetry.streamedTables())),
                Optional.ofNullable(lastError.get()),
                PipelineStatus.readiness(phase, lag, config.operations().readyMaxLag(), config.heartbeat().isPresent()));
    }

    /** While {@link State#RECOVERING}: what the pipeline waits for. */
    public Optional<FailureKind> waitingFor() {
        return state.get() == State.RECOVERING ? Optional.ofNullable(waitingFor.get()) : Optional.empty();
    }

    /**
     * Runs the preflight checks, then starts streaming (returning once the connector runs) or stands by when another
     * instance of the pipeline is active (returning at once).
     *
     * @throws SourceNotReadyException  PostgreSQL cannot serve the pipeline (nothing was created)
     * @throws SinkUnavailableException Kafka cannot be reached or topics cannot be created (nothing was created in
     *                                  PostgreSQL)
     * @throws PipelineFailedException  the engine failed while starting
     */
    public void start() {
        transition(State.NEW, State.STARTING);
        MDC.put("pipeline", config.pipelineName());
        startedAt = clock.instant();
        try {
            telemetry.start();
            boolean active = lock.tryAcquire();
            if (active) {
                lock.freeSlot(SLOT_RELEASE_TIMEOUT);
            }
            publicationExists = new SourcePreflight(config, active).run().publicationExists();
            KafkaPreflight.check(config.kafka(), config.pipelineName(), options.kafkaCheckTimeout());
            if (active) {
                startRun();
                keepLock();
            } else {
                standingBy();
            }
            supervisor = new Thread(this::supervise, "strangler-supervisor-" + config.pipelineName());
            supervisor.setDaemon(false);
            supervisor.start();
        } catch (RuntimeException e) {
            failure.compareAndSet(null, e);
            noteError(FailureKind.UNEXPECTED, e);
            state.set(State.FAILED);
            release();
            finished.countDown();
            throw e;
        } finally {
            MDC.remove("pipeline");
        }
    }

    /** The supervisor: restarts after transient failures, takes over as a standby, stops on permanent ones. */
    private void supervise() {
        MDC.put("pipeline", config.pipelineName());
        Backoff backoff = new Backoff(Duration.ofSeconds(1), config.supervision().restartBackoffMax());
        try {
            while (!stopping) {
                EngineRun current;
                synchronized (runLock) {
                    current = run;
                }
                if (current == null) {
                    becomeActive(backoff);
                    continue;
                }
                Optional<Throwable> ended = current.awaitEnd();
                synchronized (runLock) {
                    run = null;
                }
                current.close();
                if (stopping) {
                    break;
                }
                Throwable cause = ended.orElseGet(() -> new PipelineFailedException("the Debezium engine stopped "
                        + "on its own", null));
                handleFailure(cause, backoff);
            }
        } catch (StopSupervising e) {
            // failed for good: state, failure and log are set
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            release();
            finished.countDown();
            MDC.remove("pipeline");
        }
    }

    /**
     * Takes the lock (standing by while another instance holds it) and starts an attempt; a failure to start is
     * handled like a failed attempt (back-off, or the end).
     */
    private void becomeActive(Backoff backoff) throws InterruptedException {
        try {
            if (lock.isHeld()) {
                try {
                    lock.renew(); // the failure that ended the last attempt may have ended the lock session too
                } catch (SourceNotReadyException lost) {
                    LOG.info("pipeline '{}': {}", config.pipelineName(), lost.getMessage());
                }
            }
            if (!lock.isHeld()) {
                if (!acquireOrStandBy()) {
                    if (!stopping) {
                        throw new PipelineFencedException("another instance of pipeline '" + config.pipelineName()
                                + "' took over while this one was cut off from PostgreSQL: this instance stops "
                                + "without publishing again", null);
                    }
                    return;
                }
                lock.freeSlot(SLOT_RELEASE_TIMEOUT);
                publicationExists = new SourcePreflight(config, true).run().publicationExists();
                keepLock();
            }
            if (!stopping) {
                startRun();
                backoff.reset();
            }
        } catch (RuntimeException e) {
            handleFailure(e, backoff);
        }
    }

    /**
     * Waits as a standby until the lock is free (or its holder silent for standby.takeover.after) and takes it.
     * Returns true holding the lock; false when stopping, or at once when this instance was active before and
     * another one holds the lock now (it took over).
     */
    private boolean acquireOrStandBy() throws InterruptedException {
        boolean wasActive = migrated;
        String lastHolder = null;
        while (!stopping) {
            if (lock.tryAcquire()) {
                if (lastHolder != null) {
                    LOG.info("pipeline '{}': the lock is free, this instance ({}) takes over", config.pipelineName(),
                            lock.instance());
                }
                return true;
            }
            if (wasActive) {
                return false;
            }
            Optional<PipelineLock.Holder> holder = lock.holder();
            if (holder.isPresent()) {
                if (!holder.get().instance().equals(lastHolder)) {
                    lastHolder = holder.get().instance();
                    standingBy(holder.get());
                }
                if (lock.isSilent(holder.get())) {
                    lock.endSilentHolder(holder.get());
                    continue;
                }
            }
            if (stopSignal.await(STANDBY_POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
        }
        return false;
    }

    private void standingBy() {
        state.set(State.STANDBY);
        standingBy(lock.holder().orElse(null));
    }

    private void standingBy(PipelineLock.Holder holder) {
        activeHolder.set(holder);
        state.set(State.STANDBY);
        LOG.info("pipeline '{}' stands by as {}: {} is active{}; this instance takes over when it stops or shows "
                        + "no sign of life for {}s", config.pipelineName(), lock.instance(),
                holder == null ? "another instance" : holder.instance(),
                holder == null ? "" : " (connected since " + holder.connectedAt() + ")",
                config.supervision().takeoverAfter().toSeconds());
    }

    private void startRun() {
        EngineRun started = EngineRun.start(config, metrics, telemetry, options.migrate() && !migrated,
                publicationExists,
                options.kafkaCheckTimeout(), options.startTimeout(), this::attemptFailing);
        migrated = true;
        synchronized (runLock) {
            if (stopping) {
                started.close();
                return;
            }
            run = started;
            state.set(State.RUNNING);
            waitingFor.set(null);
        }
    }

    /** Shows the lock's holder alive; a lost lock session stops the running attempt at once. */
    private synchronized void keepLock() {
        if (lockKeeper != null) {
            return;
        }
        lockKeeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strangler-lock-" + config.pipelineName());
            t.setDaemon(true);
            return t;
        });
        long every = lock.renewInterval().toMillis();
        lockKeeper.scheduleWithFixedDelay(() -> {
            if (!lock.isHeld()) {
                return;
            }
            try {
                lock.renew();
            } catch (RuntimeException lost) {
                LOG.warn("pipeline '{}': {}; stopping the engine until the lock is held again",
                        config.pipelineName(), lost.getMessage());
                EngineRun current;
                synchronized (runLock) {
                    current = run;
                }
                if (current != null) {
                    current.abort(lost);
                }
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * The running attempt started to fail: say so at once (Debezium's stop can take a while, e.g. while Kafka is
     * down); the supervisor decides what follows once the attempt has ended.
     */
    private void attemptFailing(Throwable cause) {
        FailureKind kind = Failures.classify(cause);
        noteError(kind, cause);
        if (kind.isTransient() && !stopping) {
            waitingFor.set(kind);
            state.compareAndSet(State.RUNNING, State.RECOVERING);
        }
    }

    private void handleFailure(Throwable cause, Backoff backoff) throws InterruptedException {
        if (stopping) {
            return;
        }
        FailureKind kind = Failures.classify(cause);
        noteError(kind, cause);
        if (!kind.isTransient()) {
            failure.compareAndSet(null, Failures.reported(kind, cause));
            state.set(State.FAILED);
            LOG.error("pipeline '{}' stopped: {}", config.pipelineName(), EngineRun.rootMessage(cause));
            throw new StopSupervising();
        }
        waitingFor.set(kind);
        state.set(State.RECOVERING);
        Duration wait = backoff.next();
        LOG.warn("pipeline '{}' is waiting for {}: {}; restarting in {}s (every restart resumes from the last "
                + "committed position)", config.pipelineName(), kind.waitsFor(), EngineRun.rootMessage(cause),
                wait.toSeconds());
        stopSignal.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void noteError(FailureKind kind, Throwable cause) {
        lastError.set(new PipelineStatus.LastError(kind.name().toLowerCase(java.util.Locale.ROOT),
                EngineRun.rootMessage(cause), clock.instant()));
    }

    /** The error that stopped the pipeline, if it failed; never blocks. */
    public Optional<Throwable> failure() {
        return state.get() == State.FAILED ? Optional.ofNullable(failure.get()) : Optional.empty();
    }

    /** Blocks until the pipeline stops; throws if it stopped because of an error. */
    public void awaitTermination() throws InterruptedException {
        finished.await();
        if (state.get() == State.FAILED) {
            Throwable cause = failure.get();
            throw cause instanceof RuntimeException r ? r : new PipelineFailedException("the pipeline failed", cause);
        }
    }

    /**
     * Finishes the in-flight batch, commits its position, closes the engine and the producer and releases the lock.
     * Idempotent, and a caller that arrives while another thread is stopping waits until the stop is complete, so a
     * process never exits half-way through it.
     */
    public void stop() {
        synchronized (stopLock) {
            State current = state.get();
            if (current == State.STOPPED || current == State.NEW) {
                return;
            }
            boolean failed = current == State.FAILED;
            if (!failed) {
                state.set(State.STOPPING);
                LOG.info("stopping pipeline '{}'", config.pipelineName());
            }
            EngineRun running;
            synchronized (runLock) {
                stopping = true;
                running = run;
            }
            stopSignal.countDown();
            if (running != null) {
                running.close();
            }
            Thread s = supervisor;
            if (s != null && s != Thread.currentThread()) {
                try {
                    s.join(TimeUnit.MINUTES.toMillis(2));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            release();
            if (!failed) {
                state.set(State.STOPPED);
                LOG.info("pipeline '{}' stopped after publishing {} events", config.pipelineName(),
                        metrics.published());
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    private synchronized void release() {
        if (lockKeeper != null) {
            lockKeeper.shutdownNow();
            lockKeeper = null;
        }
        lock.release();
        telemetry.close();
    }

    private void transition(State expected, State next) {
        if (!state.compareAndSet(expected, next)) {
            throw new IllegalStateException("pipeline is " + state.get() + ", expected " + expected);
        }
    }

    /** Ends the supervisor's loop after a permanent failure. */
    private static final class StopSupervising extends RuntimeException {
        StopSupervising() {
            super(null, null, false, false);
        }
    }
}
