package dev.strangler.engine;

import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.doctor.LostSlot;
import dev.strangler.engine.doctor.SlotWatch;
import dev.strangler.engine.kafka.IntakeHeaders;
import dev.strangler.engine.kafka.KafkaBatchPublisher;
import dev.strangler.engine.kafka.KafkaClientSettings;
import dev.strangler.engine.kafka.KafkaPreflight;
import dev.strangler.engine.kafka.PipelineMetrics;
import dev.strangler.engine.kafka.TopicProvisioner;
import dev.strangler.engine.resume.StartPlan;
import dev.strangler.engine.resume.StartPlanner;
import dev.strangler.engine.source.SchemaMigrator;
import dev.strangler.engine.source.SourcePreflight;
import dev.strangler.engine.source.StranglerObjects;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One running pipeline: legacy PostgreSQL changes, read through a pgoutput slot by Debezium's embedded engine, published
 * to Kafka. Start-up checks everything it can before it creates anything (config, PostgreSQL, Kafka), then applies
 * Strangler's migrations, provisions the table topics and starts the engine.
 *
 * <p>Lifecycle: NEW → STARTING → RUNNING → STOPPING → STOPPED, or FAILED from STARTING or RUNNING. {@link #stop()} lets
 * the in-flight batch finish, commits its offsets and closes the producer; it is safe from a shutdown hook.
 */
public final class Pipeline implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    public enum State { NEW, STARTING, RUNNING, STOPPING, STOPPED, FAILED }

    /** Choices made by the caller, not the config file. */
    public record Options(boolean migrate, Duration kafkaCheckTimeout, Duration startTimeout) {
        public static Options defaults() {
            return new Options(true, Duration.ofSeconds(15), Duration.ofMinutes(2));
        }
    }

    private final PipelineConfig config;
    private final Options options;
    private final PipelineMetrics metrics = new PipelineMetrics();
    private final AtomicReference<State> state = new AtomicReference<>(State.NEW);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Object stopLock = new Object();
    private final ExecutorService executor;
    private Producer<byte[], byte[]> producer;
    private TopicProvisioner.OnDemand onDemandTopics;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private SlotWatch slotWatch;
    /** How often the running pipeline checks that PostgreSQL has not invalidated its slot. */
    static final Duration SLOT_WATCH_INTERVAL = Duration.ofSeconds(10);

    public Pipeline(PipelineConfig config, Options options) {
        this.config = config;
        this.options = options;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "strangler-engine-" + config.pipelineName());
            t.setDaemon(false);
            return t;
        });
    }

    /**
     * What a start of this pipeline would do now, without starting it or writing anything: its stored position, its
     * slot's, and how it would resume or why it would be refused. Reads PostgreSQL and the offset store.
     */
    public static StartPlanner.Preview previewStart(PipelineConfig config) {
        return StartPlanner.preview(config, DebeziumSettings.offsetStore(config));
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

    /**
     * Runs the preflight checks, migrates, provisions topics and starts streaming; returns once the connector runs.
     *
     * @throws SourceNotReadyException  PostgreSQL cannot serve the pipeline (nothing was created)
     * @throws SinkUnavailableException Kafka cannot be reached or topics cannot be created (nothing was created in
     *                                  PostgreSQL)
     * @throws PipelineFailedException  the engine failed while starting
     */
    public void start() {
        transition(State.NEW, State.STARTING);
        MDC.put("pipeline", config.pipelineName());
        try {
            SourcePreflight.Findings findings = new SourcePreflight(config).run();
            KafkaPreflight.check(config.kafka(), config.pipelineName(), options.kafkaCheckTimeout());
            StartPlan plan = StartPlanner.plan(config, DebeziumSettings.offsetStore(config), Clock.systemUTC());
            if (options.migrate()) {
                SchemaMigrator.migrate(config.source());
            }
            List<String> topics = config.capturedTables().stream().map(config.kafka()::topicFor).toList();
            TopicProvisioner.ensure(config.kafka(), config.pipelineName(), topics);
            onDemandTopics = new TopicProvisioner.OnDemand(config.kafka(), config.pipelineName(), topics);
            producer = new KafkaProducer<>(KafkaClientSettings.producer(config.kafka(), config.pipelineName()));
            engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                    .using(DebeziumSettings.build(config, findings.publicationExists(), plan))
                    .using(this::onEngineFinished)
                    .using(new DebeziumEngine.ConnectorCallback() {
                        @Override
                        public void taskStarted() {
                            started.countDown();
                        }
                    })
                    .notifying(new KafkaBatchPublisher(producer, onDemandTopics::ensure, notPublished(),
                            new IntakeHeaders(
                            config.pipelineName()), metrics, Clock.systemUTC()))
                    .build();
            LOG.info("starting pipeline '{}': {} table(s) from {} (slot {}, publication {}{}) to Kafka {}",
                    config.pipelineName(), config.capturedTables().size(), config.source().endpoint(),
                    config.source().slot(), config.source().publication(),
                    findings.publicationExists() ? ", existing" : "", config.kafka().bootstrapServers());
            executor.execute(() -> {
                MDC.put("pipeline", config.pipelineName());
                engine.run();
            });
            awaitStarted();
            transition(State.STARTING, State.RUNNING);
            slotWatch = new SlotWatch(config.source(), config.pipelineName(), this::failOnLostSlot)
                    .start(SLOT_WATCH_INTERVAL);
        } catch (RuntimeException e) {
            state.set(State.FAILED);
            closeQuietly();
            throw e;
        } finally {
            MDC.remove("pipeline");
        }
    }

    private void awaitStarted() {
        try {
            long deadline = System.nanoTime() + options.startTimeout().toNanos();
            while (!started.await(100, TimeUnit.MILLISECONDS)) {
                if (finished.getCount() == 0) {
                    throw failureOr("the Debezium engine stopped while starting");
                }
                if (System.nanoTime() > deadline) {
                    throw new PipelineFailedException("the Debezium engine did not start within "
                            + options.startTimeout().toSeconds() + "s", null);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PipelineFailedException("interrupted while starting", e);
        }
    }

    private RuntimeException failureOr(String message) {
        Throwable cause = failure.get();
        if (cause instanceof RuntimeException r && (r instanceof SinkUnavailableException
                || r instanceof SourceNotReadyException)) {
            return r;
        }
        return new PipelineFailedException(cause == null ? message : message + ": " + rootMessage(cause), cause);
    }

    /** The slot watch found the slot invalidated: stop with its message instead of retrying past the gap. */
    private void failOnLostSlot(SourceNotReadyException lost) {
        failure.compareAndSet(null, lost);
        if (state.compareAndSet(State.RUNNING, State.FAILED)) {
            Thread stopper = new Thread(() -> {
                try {
                    engine.close();
                } catch (IOException | RuntimeException e) {
                    LOG.warn("closing the Debezium engine failed: {}", e.getMessage());
                }
            }, "strangler-lost-slot-" + config.pipelineName());
            stopper.start();
        }
    }

    private void onEngineFinished(boolean success, String message, Throwable error) {
        if (error != null || !success) {
            Throwable cause = error == null ? new IllegalStateException(message) : error;
            failure.compareAndSet(null, LostSlot.isLostSlotError(cause)
                    ? new SourceNotReadyException(LostSlot.message(config.source().slot()), cause) : unwrap(cause));
            if (state.compareAndSet(State.RUNNING, State.FAILED) || state.get() == State.STARTING) {
                LOG.error("pipeline '{}' stopped with an error: {}", config.pipelineName(),
                        rootMessage(failure.get()));
            }
        }
        finished.countDown();
    }

    /** The error that stopped the pipeline, if it failed; never blocks. */
    public java.util.Optional<Throwable> failure() {
        return java.util.Optional.ofNullable(failure.get());
    }

    /** Blocks until the pipeline stops; throws if it stopped because of an error. */
    public void awaitTermination() throws InterruptedException {
        finished.await();
        Throwable cause = failure.get();
        if (cause != null && state.get() != State.STOPPING && state.get() != State.STOPPED) {
            closeQuietly();
            throw failureOr("the pipeline failed");
        }
    }

    /**
     * Finishes the in-flight batch, commits its offsets, closes the engine and the producer. Idempotent, and a caller
     * that arrives while another thread is stopping waits until the stop is complete, so a process never exits
     * half-way through it.
     */
    public void stop() {
        synchronized (stopLock) {
            State current = state.get();
            if (current == State.STOPPED || current == State.NEW) {
                return;
            }
            state.set(State.STOPPING);
            LOG.info("stopping pipeline '{}'", config.pipelineName());
            closeQuietly();
            state.set(State.STOPPED);
            LOG.info("pipeline '{}' stopped after publishing {} events", config.pipelineName(), metrics.published());
        }
    }

    @Override
    public void close() {
        stop();
    }

    private void closeQuietly() {
        if (slotWatch != null) {
            slotWatch.close();
        }
        if (engine != null) {
            try {
                engine.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("closing the Debezium engine failed: {}", e.getMessage());
            }
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
                LOG.warn("the engine thread did not finish within 60s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(30));
            producer = null;
        }
        if (onDemandTopics != null) {
            onDemandTopics.close();
            onDemandTopics = null;
        }
    }

    private Predicate<SourceRecord> notPublished() {
        String heartbeatTableTopic = config.kafka().topicPrefix() + "." + StranglerObjects.HEARTBEAT_TABLE.schema()
                + "." + StranglerObjects.HEARTBEAT_TABLE.table();
        return r -> r.topic().startsWith(DebeziumSettings.HEARTBEAT_TOPIC_PREFIX) || r.topic().equals(heartbeatTableTopic);
    }

    private void transition(State expected, State next) {
        if (!state.compareAndSet(expected, next)) {
            throw new IllegalStateException("pipeline is " + state.get() + ", expected " + expected);
        }
    }

    private static Throwable unwrap(Throwable t) {
        Throwable current = t;
        while (current.getCause() != null && !(current instanceof SinkUnavailableException)
                && !(current instanceof SourceNotReadyException)) {
            current = current.getCause();
        }
        return current instanceof SinkUnavailableException || current instanceof SourceNotReadyException ? current : t;
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
