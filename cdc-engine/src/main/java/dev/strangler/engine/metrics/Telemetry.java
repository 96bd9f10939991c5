package dev.strangler.engine.metrics;

import dev.strangler.contract.TableId;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.doctor.SlotState;
import dev.strangler.engine.doctor.Units;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The pipeline's metrics and health model: what the publisher counts ({@link StreamMeters}), what PostgreSQL says
 * about the slot ({@link SourceMonitor}), the snapshot's progress ({@link SnapshotProgress}), Debezium's own
 * streaming metrics and the Kafka producer's, registered as Micrometer meters in the registry the caller gives (the
 * CLI's Prometheus registry), or in none. The HTTP endpoint that renders them is the CLI's; the engine knows no HTTP.
 *
 * <p>Meter names follow Prometheus' conventions once rendered: {@code strangler_events_published_total},
 * {@code strangler_commit_to_ack_seconds}, {@code strangler_slot_retained_wal_bytes} (see the README, "Operations").
 * The slot's gauges read the monitor's latest observation and are NaN before the first and while PostgreSQL does not
 * answer ({@code strangler_source_up} says which).
 */
public final class Telemetry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Telemetry.class);
    private static final List<String> WAL_STATUSES = List.of("reserved", "extended", "unreserved", "lost");

    private final PipelineConfig config;
    private final MeterRegistry registry;
    private final LongSupplier clock;
    private final SnapshotProgress snapshot = new SnapshotProgress();
    private final StreamMeters stream;
    private final SourceMonitor monitor;
    private final DebeziumJmx debezium;
    private final List<String> streamedTables;
    private long lastProgressLogMillis;

    /**
     * @param registry where meters go; null records no meters (the counts for status are kept all the same)
     * @param clock    epoch milliseconds
     */
    public Telemetry(PipelineConfig config, MeterRegistry registry, LongSupplier clock) {
        this.config = config;
        this.registry = registry;
        this.clock = clock;
        this.streamedTables = config.streamedTables().stream().map(TableId::toString).toList();
        Map<String, String> tableOfTopic = new HashMap<>();
        config.capturedTables().forEach(t -> tableOfTopic.put(config.kafka().topicFor(t), t.toString()));
        String outboxLabel = config.outbox().tables().size() == 1 ? config.outbox().tables().get(0).toString()
                : "outbox";
        this.stream = new StreamMeters(registry, topic -> tableOfTopic.getOrDefault(topic, outboxLabel),
                new dev.strangler.engine.kafka.IntakeHeaders(config.pipelineName())::traceId, snapshot);
        this.debezium = new DebeziumJmx(config.kafka().topicPrefix());
        this.monitor = new SourceMonitor(config, snapshot, clock, List.of(this::afterPoll));
        if (registry != null) {
            registerGauges(registry);
            debezium.bind(registry);
        }
    }

    public StreamMeters stream() {
        return stream;
    }

    public SnapshotProgress snapshot() {
        return snapshot;
    }

    public SourceMonitor monitor() {
        return monitor;
    }

    public List<String> streamedTables() {
        return streamedTables;
    }

    public Optional<MeterRegistry> registry() {
        return Optional.ofNullable(registry);
    }

    /** Starts polling PostgreSQL; call once the pipeline starts. */
    public void start() {
        monitor.start();
    }

    /** The Kafka producer's own metrics, through Micrometer's binder, until the returned handle is closed. */
    public AutoCloseable bindProducer(Producer<?, ?> producer) {
        if (registry == null) {
            return () -> { };
        }
        KafkaClientMetrics binder = new KafkaClientMetrics(producer);
        binder.bindTo(registry);
        return binder::close;
    }

    /** The pipeline's state for {@code strangler_pipeline_state} and {@code strangler_ready}. */
    public void bindState(Supplier<PipelineStatus.Phase> phase, Supplier<PipelineStatus.Readiness> readiness) {
        if (registry == null) {
            return;
        }
        for (PipelineStatus.Phase p : PipelineStatus.Phase.values()) {
            Gauge.builder("strangler.pipeline.state", phase, s -> s.get() == p ? 1 : 0)
                    .description("1 for the pipeline's current state, 0 for the others")
                    .tags("state", p.label()).strongReference(true).register(registry);
        }
        Gauge.builder("strangler.ready", readiness, r -> r.get().ready() ? 1 : 0)
                .description("1 while /health/ready answers 200: streaming and within health.ready.max.lag")
                .strongReference(true).register(registry);
    }

    /**
     * Seconds since the source commit of the newest change the pipeline has handled (heartbeats included), on
     * PostgreSQL's clock; empty before the first streamed change.
     */
    public OptionalDouble lagSeconds() {
        long commitMicros = stream.newestCommitMicros();
        if (commitMicros < 0) {
            return OptionalDouble.empty();
        }
        long offset = monitor.last().map(SourceMonitor.Observation::clockOffsetMillis).orElse(0L);
        return OptionalDouble.of(Math.max(0, (clock.getAsLong() + offset) * 1000 - commitMicros) / 1_000_000.0);
    }

    private void registerGauges(MeterRegistry r) {
        gauge(r, "strangler.lag", "seconds", "Age of the newest source commit the pipeline has handled (heartbeats "
                + "included): an upper bound of how old a change still on its way to Kafka can be", t ->
                t.lagSeconds().orElse(Double.NaN));
        gauge(r, "strangler.source.up", null, "1 when the latest poll of PostgreSQL answered",
                t -> t.monitor.reachable() ? 1 : 0);
        gauge(r, "strangler.slot.exists", null, "1 when the pipeline's replication slot exists", t -> t.monitor.last()
                .map(o -> o.slot().isPresent() ? 1.0 : 0.0).orElse(Double.NaN));
        slotGauge(r, "strangler.slot.active", null, "1 while a process reads the slot", s -> s.active() ? 1 : 0);
        slotGauge(r, "strangler.slot.lag", "bytes", "WAL written but not yet confirmed by the pipeline (current LSN - "
                + "confirmed_flush_lsn)", s -> number(s.lagBytes()));
        slotGauge(r, "strangler.slot.retained.wal", "bytes", "WAL PostgreSQL keeps for the slot (current LSN - "
                + "restart_lsn)", s -> number(s.retainedBytes()));
        slotGauge(r, "strangler.slot.safe.wal.size", "bytes", "WAL that can still be written before PostgreSQL "
                + "invalidates the slot (PostgreSQL 13+; NaN without max_slot_wal_keep_size)",
                s -> number(s.safeWalSizeBytes()));
        gauge(r, "strangler.slot.max.wal.keep.size", "bytes", "PostgreSQL's max_slot_wal_keep_size; -1 without a cap",
                t -> t.monitor.last().map(o -> (double) o.maxSlotWalKeepSizeBytes()).orElse(Double.NaN));
        for (String status : WAL_STATUSES) {
            Gauge.builder("strangler.slot.wal.status", this, t -> t.currentSlot()
                            .map(s -> status.equals(s.walStatus()) ? 1.0 : 0.0).orElse(Double.NaN))
                    .description("1 for the slot's wal_status (PostgreSQL 13+), 0 for the others: reserved is "
                            + "healthy, extended and unreserved are on the way to lost")
                    .tags("status", status).register(r);
        }
        slotGauge(r, "strangler.heartbeat.age", "seconds", "Time since the pipeline last wrote strangler.heartbeat",
                s -> number(s.heartbeatAgeSeconds()));
        gauge(r, "strangler.snapshot.running", null, "1 while a snapshot runs", t -> t.snapshot.running() ? 1 : 0);
        for (String table : streamedTables) {
            Tags tags = Tags.of("table", table);
            Gauge.builder("strangler.snapshot.rows", this, t -> t.tableProgress(table).rows())
                    .description("Rows of the current (or last) snapshot acknowledged by Kafka").tags(tags)
                    .register(r);
            Gauge.builder("strangler.snapshot.rows.estimated", this, t -> t.tableProgress(table).estimatedRows())
                    .description("The table's estimated row count (pg_class.reltuples; -1 unknown)").tags(tags)
                    .register(r);
            Gauge.builder("strangler.snapshot.progress", this, t -> t.tableProgress(table).fraction()
                            .orElse(Double.NaN))
                    .description("Share of the table's estimated rows the snapshot has published, 0 to 1")
                    .tags(tags).baseUnit("ratio").register(r);
        }
    }

    private void gauge(MeterRegistry r, String name, String unit, String description, ToDoubleFunction<Telemetry> f) {
        Gauge.builder(name, this, f).description(description).baseUnit(unit).register(r);
    }

    private void slotGauge(MeterRegistry r, String name, String unit, String description,
                           ToDoubleFunction<SlotState> f) {
        gauge(r, name, unit, description, t -> t.currentSlot().map(f::applyAsDouble).orElse(Double.NaN));
    }

    /** The slot as last observed, while PostgreSQL answers. */
    private Optional<SlotState> currentSlot() {
        return monitor.reachable() ? monitor.last().flatMap(SourceMonitor.Observation::slot) : Optional.empty();
    }

    private SnapshotProgress.Table tableProgress(String table) {
        return snapshot.tables(List.of(table)).get(0);
    }

    private static double number(Long value) {
        return value == null ? Double.NaN : value;
    }

    /** After each poll: notice a snapshot Debezium started, and log a running snapshot's progress now and then. */
    private void afterPoll() {
        long now = clock.getAsLong();
        // Debezium says when its snapshot starts (before the first row reaches Kafka); it also says when it has read
        // the last row, but that row may still wait in its queue: the snapshot ends with its last row in Kafka
        debezium.snapshotRunning().ifPresent(running -> {
            if (running && !snapshot.running() && snapshot.finishedAtMillis() < 0) {
                snapshot.started(now);
            }
        });
        Duration every = config.operations().snapshotProgressInterval();
        if (!snapshot.running() || every.isZero() || now - lastProgressLogMillis < every.toMillis()) {
            return;
        }
        long previous = lastProgressLogMillis;
        lastProgressLogMillis = now;
        logProgress(now, previous);
    }

    /** One line per table that received rows since the previous lines. */
    private void logProgress(long now, long previous) {
        for (SnapshotProgress.Table t : snapshot.tables(streamedTables)) {
            if (t.rows() == 0 || t.lastRowAtMillis() <= previous) {
                continue;
            }
            MDC.put("table", t.table());
            try {
                LOG.info("snapshot of {}: {} rows{}, {} rows/s{}", t.table(), t.rows(),
                        t.fraction().isPresent() ? String.format(Locale.ROOT, " of ~%d (%.1f%%)", t.estimatedRows(),
                                t.fraction().getAsDouble() * 100) : " (no row estimate: table never analysed)",
                        String.format(Locale.ROOT, "%.0f", t.ratePerSecond(now)),
                        t.fraction().orElse(0) >= 1.0 || t.rows() == 0 ? "" : t.etaSeconds(now).isPresent()
                                ? ", about " + Units.duration(Duration.ofSeconds((long) t.etaSeconds(now)
                                .getAsDouble())) + " left" : "");
            } finally {
                MDC.remove("table");
            }
        }
    }

    @Override
    public void close() {
        monitor.close();
    }
}
