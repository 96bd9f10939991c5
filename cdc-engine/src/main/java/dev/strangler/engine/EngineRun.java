package dev.strangler.engine;

import dev.strangler.contract.ServerCapabilities;
import dev.strangler.contract.TableId;
import dev.strangler.contract.TopicNames;
import dev.strangler.engine.admin.IncrementalSnapshots;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.doctor.LostSlot;
import dev.strangler.engine.doctor.SlotWatch;
import dev.strangler.engine.kafka.EchoFilter;
import dev.strangler.engine.kafka.IntakeHeaders;
import dev.strangler.engine.kafka.KafkaBatchPublisher;
import dev.strangler.engine.kafka.KafkaClientSettings;
import dev.strangler.engine.kafka.KafkaPreflight;
import dev.strangler.engine.kafka.KafkaWatch;
import dev.strangler.engine.kafka.PipelineMetrics;
import dev.strangler.engine.kafka.PositionRecords;
import dev.strangler.engine.kafka.StaleTransactions;
import dev.strangler.engine.kafka.TopicProvisioner;
import dev.strangler.engine.kafka.TransactionBoundaries;
import dev.strangler.engine.resume.StartPlan;
import dev.strangler.engine.resume.StartPlanner;
import dev.strangler.engine.source.SchemaMigrator;
import dev.strangler.engine.source.PrimaryHeartbeat;
import dev.strangler.engine.source.SourceConnections;
import dev.strangler.engine.source.StandbySource;
import dev.strangler.engine.source.StranglerObjects;
import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
 * One attempt to run the Debezium engine, from the start decision to its end. Every start, the first one and every
 * restart after a failure, goes through {@link #start}: the producer first (for exactly-once, initialising its
 * transactions fences an older instance and aborts what it left open, so the stored position read next is final),
 * then the {@link StartPlanner}'s decision from the slot and that position, then the engine. An attempt ends when the
 * engine stops (an error, or {@link #close()}); the {@link Pipeline} decides what follows.
 */
final class EngineRun implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EngineRun.class);
    /** How often the running pipeline checks that PostgreSQL has not invalidated its slot. */
    static final Duration SLOT_WATCH_INTERVAL = Duration.ofSeconds(10);
    /** How often the running pipeline checks that Kafka answers, and how long it may not before the attempt ends. */
    static final Duration KAFKA_WATCH_INTERVAL = Duration.ofSeconds(5);
    static final Duration KAFKA_UNREACHABLE_FOR = Duration.ofSeconds(15);

    private final PipelineConfig config;
    private final PipelineMetrics metrics;
    private final dev.strangler.engine.metrics.Telemetry telemetry;
    private AutoCloseable producerMetrics;
    private final java.util.function.Consumer<Throwable> onFailing;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final ExecutorService executor;
    private Producer<byte[], byte[]> producer;
    private TopicProvisioner.OnDemand onDemandTopics;
    private EchoFilter echo;
    private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
    private SlotWatch slotWatch;
    private KafkaWatch kafkaWatch;
    private Thread addedTablesSnapshot;
    /** A standby source's: asks the primary for what the slot's creation on the standby waits for. */
    private Thread slotNudge;
    /** A standby source's heartbeat, written on the primary. */
    private PrimaryHeartbeat primaryHeartbeat;
    private volatile boolean closed;

    private EngineRun(PipelineConfig config, PipelineMetrics metrics, dev.strangler.engine.metrics.Telemetry telemetry,
                      java.util.function.Consumer<Throwable> onFailing) {
        this.config = config;
        this.metrics = metrics;
        this.telemetry = telemetry;
        this.onFailing = onFailing;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "strangler-engine-" + config.pipelineName());
            t.setDaemon(false);
            return t;
        });
    }

    /**
     * Starts an attempt and returns once the connector's task runs.
     *
     * @param migrate           apply Strangler's migrations first
     * @param publicationExists the publication exists (an existing one is used as it is)
     * @param onFailing         told at once when the attempt starts to fail, before Debezium has stopped (which can
     *                          take a while when Kafka is down)
     * @throws RuntimeException whatever stopped the start; nothing is left running
     */
    static EngineRun start(PipelineConfig config, PipelineMetrics metrics,
                           dev.strangler.engine.metrics.Telemetry telemetry, boolean migrate,
                           boolean publicationExists, Duration kafkaCheckTimeout, Duration startTimeout,
                           java.util.function.Consumer<Throwable> onFailing) {
        EngineRun run = new EngineRun(config, metrics, telemetry, onFailing);
        try {
            run.begin(migrate, publicationExists, kafkaCheckTimeout, startTimeout);
            return run;
        } catch (RuntimeException e) {
            run.close();
            throw e;
        }
    }

    private void begin(boolean migrate, boolean publicationExists, Duration kafkaCheckTimeout,
                       Duration startTimeout) {
        KafkaPreflight.check(config.kafka(), config.pipelineName(), kafkaCheckTimeout);
        boolean exactlyOnce = config.delivery() == PipelineConfig.DeliveryGuarantee.EXACTLY_ONCE;
        producer = new KafkaProducer<>(KafkaClientSettings.producer(config.kafka(), config.pipelineName(),
                config.delivery()));
        producerMetrics = telemetry.bindProducer(producer);
        List<String> tableTopics = config.capturedTables().stream().map(config.kafka()::topicFor).toList();
        List<String> topics = new java.util.ArrayList<>(tableTopics);
        config.transactionTopic().ifPresent(topics::add);
        if (exactlyOnce) {
            producer.initTransactions();
            List<String> written = new java.util.ArrayList<>(topics);
            written.add(config.offsets().topic());
            StaleTransactions.abort(config.kafka(), config.pipelineName(),
                    KafkaClientSettings.transactionalId(config.pipelineName()), written);
        }
        StartPlan plan = StartPlanner.plan(config, DebeziumSettings.offsetStore(config), Clock.systemUTC());
        ServerCapabilities server = probeServer();
        // a standby source: the writes go to its primary (source.primary.url) or nowhere (StandbySource)
        Optional<PipelineConfig.Source> writes = StandbySource.writeTarget(config.source(), server);
        if (server.standby() && writes.isEmpty()) {
            LOG.warn("the source is a standby and {}", StandbySource.WITHOUT_PRIMARY);
        }
        if (migrate) {
            writes.ifPresent(SchemaMigrator::migrate);
        }
        if (server.standby() && writes.isPresent() && StandbySource.ensurePublication(config, writes.get())) {
            publicationExists = true;
        }
        Optional<String> noIncrementalSnapshots = IncrementalSnapshots.unsupportedReason(server);
        List<String> createdTopics = TopicProvisioner.ensure(config.kafka(), config.pipelineName(), tableTopics);
        String prefix = config.kafka().topicPrefix();
        List<String> controlTopics = new java.util.ArrayList<>(List.of(TopicNames.signals(prefix),
                TopicNames.notifications(prefix)));
        config.transactionTopic().ifPresent(controlTopics::add);
        TopicProvisioner.ensureControlTopics(config.kafka(), config.pipelineName(), controlTopics);
        // a stored position streams on from where it was: a table added since has its changes from now on but not
        // its rows, which an incremental snapshot publishes (the first start's snapshot has every table's)
        List<TableId> added = plan.kind() == StartPlan.Kind.RESUME ? AddedTables.find(config, createdTopics)
                : List.of();
        onDemandTopics = new TopicProvisioner.OnDemand(config.kafka(), config.pipelineName(), topics);
        echo = EchoFilter.forPipeline(config);
        KafkaBatchPublisher.Settings publishing = new KafkaBatchPublisher.Settings(config.pipelineName(),
                config.kafka().maxRecordBytes(), exactlyOnce
                ? Optional.of(new PositionRecords(config.offsets().topic(), config.pipelineName()))
                : Optional.empty(), KafkaClientSettings.sendTimeout(config.kafka()),
                java.util.Set.copyOf(controlTopics));
        KafkaBatchPublisher publisher = new KafkaBatchPublisher(producer, publishing, onDemandTopics::ensure,
                notPublished(), TransactionBoundaries.forPipeline(config), new IntakeHeaders(config.pipelineName()),
                metrics, Clock.systemUTC());
        plan.stored().ifPresent(position -> publisher.resumingFrom(position.fields()));
        engine = DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
                .using(DebeziumSettings.build(config, publicationExists, plan, noIncrementalSnapshots.isEmpty(),
                        server.standby()))
                .using(this::onEngineFinished)
                .using(new DebeziumEngine.ConnectorCallback() {
                    @Override
                    public void taskStarted() {
                        started.countDown();
                    }
                })
                .notifying(new FailureReporting(publisher))
                .build();
        LOG.info("starting pipeline '{}': {} table(s) from {} (slot {}, publication {}{}) to Kafka {}, {}",
                config.pipelineName(), config.capturedTables().size(), config.source().endpoint(),
                config.source().slot(), config.source().publication(), publicationExists ? ", existing" : "",
                config.kafka().bootstrapServers(), exactlyOnce ? "exactly once" : "at least once");
        if (server.standby() && writes.isPresent()) {
            slotNudge = StandbySource.nudgeSlotCreation(config, writes.get());
            Optional<Duration> beat = DebeziumSettings.heartbeat(config, plan);
            if (beat.isPresent()) {
                primaryHeartbeat = PrimaryHeartbeat.start(writes.get(), config.pipelineName(), beat.get());
            }
        }
        executor.execute(() -> {
            MDC.put("pipeline", config.pipelineName());
            engine.run();
        });
        awaitStarted(startTimeout);
        if (!added.isEmpty()) {
            snapshotAddedTables(added, noIncrementalSnapshots);
        }
        slotWatch = new SlotWatch(config.source(), config.pipelineName(), this::abort).start(SLOT_WATCH_INTERVAL);
        kafkaWatch = new KafkaWatch(config.kafka(), config.pipelineName(), KAFKA_UNREACHABLE_FOR, this::abort)
                .start(KAFKA_WATCH_INTERVAL, config.pipelineName());
    }

    private ServerCapabilities probeServer() {
        try (Connection c = SourceConnections.open(config.source(), "strangler-" + config.pipelineName())) {
            return ServerCapabilities.probe(c);
        } catch (SQLException e) {
            throw new SourceNotReadyException("cannot read the version of PostgreSQL at " + config.source().endpoint()
                    + ": " + SourceConnections.firstLine(e), e);
        }
    }

    /**
     * Asks the engine, through its own signal topic, for an incremental snapshot of tables it has never published:
     * their rows arrive as reads between the streamed changes, and no other table is read again.
     */
    private void snapshotAddedTables(List<TableId> added, Optional<String> noIncrementalSnapshots) {
        if (noIncrementalSnapshots.isPresent()) {
            LOG.warn("table(s) {} were added to source.tables and hold rows the pipeline never published; only their "
                    + "changes from now on are streamed: {}", added, noIncrementalSnapshots.get());
            return;
        }
        LOG.info("table(s) {} were added to source.tables: their existing rows are published by an incremental "
                + "snapshot while every table streams on (its progress: {})",
                added, TopicNames.notifications(config.kafka().topicPrefix()));
        addedTablesSnapshot = new Thread(() -> {
            MDC.put("pipeline", config.pipelineName());
            try {
                IncrementalSnapshots.Outcome outcome = new IncrementalSnapshots(config).snapshotAndFollow(added,
                        Optional.empty(), Duration.ofMinutes(5), 3, notice -> LOG.info("snapshot of added table(s): {}",
                                notice.describe()));
                if (outcome != IncrementalSnapshots.Outcome.COMPLETED) {
                    LOG.warn("the snapshot of added table(s) {} ended {}: their rows may be missing from their "
                            + "topics; run strangler snapshot --tables {} and check them with strangler parity", added,
                            outcome, added.stream().map(TableId::toString).collect(java.util.stream.Collectors
                                    .joining(",")));
                }
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.warn("following the snapshot of added table(s) {} failed: {}", added, e.getMessage());
                }
            }
        }, "strangler-added-tables-" + config.pipelineName());
        addedTablesSnapshot.setDaemon(true);
        addedTablesSnapshot.start();
    }

    private void awaitStarted(Duration startTimeout) {
        try {
            long deadline = System.nanoTime() + startTimeout.toNanos();
            while (!started.await(100, TimeUnit.MILLISECONDS)) {
                if (finished.getCount() == 0) {
                    throw failureOr("the Debezium engine stopped while starting");
                }
                if (System.nanoTime() > deadline) {
                    throw new PipelineFailedException("the Debezium engine did not start within "
                            + startTimeout.toSeconds() + "s", null);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PipelineFailedException("interrupted while starting", e);
        }
    }

    /** Blocks until the engine stops; returns why, empty after a requested stop. */
    Optional<Throwable> awaitEnd() throws InterruptedException {
        finished.await();
        return Optional.ofNullable(failure.get());
    }

    /** Stops the attempt from another thread because of {@code reason} (a lost slot, a lost lock); never blocks. */
    void abort(Throwable reason) {
        failing(reason);
        Thread stopper = new Thread(() -> {
            try {
                engine.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("closing the Debezium engine failed: {}", e.getMessage());
            }
        }, "strangler-abort-" + config.pipelineName());
        stopper.setDaemon(true);
        stopper.start();
    }

    private void failing(Throwable reason) {
        if (failure.compareAndSet(null, reason)) {
            onFailing.accept(reason);
        }
    }

    /** Hands each batch to the publisher and reports its failure the moment it happens. */
    private final class FailureReporting
            implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
        private final KafkaBatchPublisher publisher;

        FailureReporting(KafkaBatchPublisher publisher) {
            this.publisher = publisher;
        }

        @Override
        public void handleBatch(List<RecordChangeEvent<SourceRecord>> batch,
                                DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
                throws InterruptedException {
            try {
                echo.classify(batch); // before publishing: the sink's own changes are dropped or marked (no echo)
                publisher.handleBatch(batch, committer);
            } catch (RuntimeException e) {
                failing(e);
                throw e;
            }
        }

        @Override
        public boolean supportsTombstoneEvents() {
            return publisher.supportsTombstoneEvents();
        }
    }

    /** The failure the attempt ended with, wrapped the way callers report it. */
    RuntimeException failureOr(String message) {
        Throwable cause = failure.get();
        if (cause instanceof RuntimeException r && (r instanceof SinkUnavailableException
                || r instanceof SourceNotReadyException || r instanceof RecordTooLargeException
                || r instanceof PipelineFencedException)) {
            return r;
        }
        return new PipelineFailedException(cause == null ? message : message + ": " + rootMessage(cause), cause);
    }

    private void onEngineFinished(boolean success, String message, Throwable error) {
        if (error != null || !success) {
            Throwable cause = error == null ? new IllegalStateException(message) : error;
            failing(LostSlot.isLostSlotError(cause)
                    ? new SourceNotReadyException(LostSlot.message(config.source().slot()), cause) : unwrap(cause));
        }
        finished.countDown();
    }

    /**
     * Finishes the in-flight batch and commits its position, closes the engine, the producer and the admin client.
     * Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (addedTablesSnapshot != null) {
            addedTablesSnapshot.interrupt(); // the next start asks again if the table is still unpublished
        }
        if (slotNudge != null) {
            slotNudge.interrupt();
        }
        if (primaryHeartbeat != null) {
            primaryHeartbeat.close();
        }
        if (slotWatch != null) {
            slotWatch.close();
        }
        if (kafkaWatch != null) {
            kafkaWatch.close();
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
        telemetry.snapshot().interrupted();
        if (producerMetrics != null) {
            try {
                producerMetrics.close();
            } catch (Exception e) {
                LOG.debug("unbinding the producer's metrics failed: {}", e.getMessage());
            }
        }
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(30));
            } catch (RuntimeException e) {
                LOG.debug("closing the producer failed: {}", e.getMessage());
            }
        }
        if (onDemandTopics != null) {
            onDemandTopics.close();
        }
    }

    private Predicate<SourceRecord> notPublished() {
        String heartbeatTableTopic = config.kafka().topicPrefix() + "." + StranglerObjects.HEARTBEAT_TABLE.schema()
                + "." + StranglerObjects.HEARTBEAT_TABLE.table();
        return r -> r.topic().startsWith(DebeziumSettings.HEARTBEAT_TOPIC_PREFIX) || r.topic().equals(heartbeatTableTopic)
                || echo.drops(r);
    }

    /** Strangler's own exception inside Debezium's wrappers, when there is one. */
    private static Throwable unwrap(Throwable t) {
        for (Throwable current = t; current != null; current = current.getCause() == current ? null
                : current.getCause()) {
            if (current instanceof SinkUnavailableException || current instanceof SourceNotReadyException
                    || current instanceof RecordTooLargeException || current instanceof PipelineFencedException) {
                return current;
            }
        }
        return t;
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
