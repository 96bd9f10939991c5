package dev.strangler.engine.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.contract.ServerCapabilities;
import dev.strangler.contract.TableId;
import dev.strangler.contract.TopicNames;
import dev.strangler.engine.SinkUnavailableException;
import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.ConfigException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.kafka.KafkaClientSettings;
import dev.strangler.engine.source.SourceConnections;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Incremental snapshots of a running pipeline's tables, asked for through its signal topic and followed through its
 * notification topic: the pipeline reads the rows in primary-key chunks between its streamed changes (Debezium's
 * incremental snapshot), so nothing stops and no other table is read again.
 *
 * <p>Read-only on the legacy database: the chunk windows are marked with {@code pg_current_snapshot()} (Debezium's
 * read-only incremental snapshot, PostgreSQL 13+), not with rows written to a signal table, and the requests travel
 * through Kafka.
 */
public final class IncrementalSnapshots {

    /** pg_current_snapshot(), which the read-only chunk windows need, came with PostgreSQL 13. */
    public static final int OLDEST_MAJOR = 13;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** How long a followed snapshot may go without a notification before it counts as stalled. */
    public static final Duration DEFAULT_STALL_TIMEOUT = Duration.ofMinutes(5);

    private final PipelineConfig config;
    private final Duration stallTimeout;

    public IncrementalSnapshots(PipelineConfig config) {
        this(config, DEFAULT_STALL_TIMEOUT);
    }

    /**
     * @param stallTimeout how long a started snapshot may go without a notification (Debezium sends one per chunk)
     *                     before following it gives up with {@link Outcome#STALLED}
     */
    public IncrementalSnapshots(PipelineConfig config, Duration stallTimeout) {
        this.config = config;
        this.stallTimeout = stallTimeout;
    }

    /** Whether a server can take read-only incremental snapshots, and if not the one line that says why. */
    public static Optional<String> unsupportedReason(ServerCapabilities server) {
        return server.major() >= OLDEST_MAJOR ? Optional.empty() : Optional.of("PostgreSQL " + server.version()
                + " cannot take read-only incremental snapshots (they mark their chunks with pg_current_snapshot(), "
                + "new in PostgreSQL 13); upgrade the server, or restart the pipeline with snapshot.mode=when_needed "
                + "after dropping its slot to snapshot every table again");
    }

    /**
     * Checks a request before it is sent, so that a mistake fails here with one line rather than inside the running
     * pipeline: the tables are captured by this pipeline and readable, the server takes read-only snapshots, and the
     * condition is a valid predicate on every table (planned, never run, in a read-only transaction).
     */
    public CheckedScope check(List<TableId> tables, Optional<String> where) {
        return check(SnapshotScope.of(tables, where));
    }

    /**
     * Checks a request of per-table conditions, as {@link #check(List, Optional)} does one.
     *
     * @return the scope, now to be sent as it is (by {@link #request(CheckedScope)} or {@link #snapshotAndFollow})
     */
    public CheckedScope check(SnapshotScope scope) {
        List<TableId> tables = scope.tables();
        if (tables.isEmpty()) {
            throw new ConfigException("no table given: name the captured tables to snapshot");
        }
        for (TableId table : tables) {
            if (!config.capturedTables().contains(table)) {
                throw new ConfigException("table " + table + " is not captured by pipeline '" + config.pipelineName()
                        + "' (source.tables): add it there and restart the pipeline, which then publishes its rows by "
                        + "itself");
            }
        }
        try (Connection c = SourceConnections.open(config.source(), "strangler-snapshot-" + config.pipelineName())) {
            ServerCapabilities server = ServerCapabilities.probe(c);
            unsupportedReason(server).ifPresent(reason -> {
                throw new SourceNotReadyException(reason);
            });
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try (Statement st = c.createStatement()) {
                st.execute("SET LOCAL statement_timeout = '10s'");
                for (TableId table : tables) {
                    plan(st, table, scope.conditionOf(table));
                }
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            throw new SourceNotReadyException("cannot check the request on PostgreSQL at " + config.source().endpoint()
                    + ": " + SourceConnections.firstLine(e), e);
        }
        return new CheckedScope(scope);
    }

    private static void plan(Statement st, TableId table, Optional<String> where) throws SQLException {
        try {
            st.execute("SAVEPOINT strangler_check");
            st.execute("EXPLAIN SELECT * FROM " + table.quoted() + where.map(p -> " WHERE (" + p + ")").orElse(""));
            st.execute("RELEASE SAVEPOINT strangler_check");
        } catch (SQLException e) {
            st.execute("ROLLBACK TO SAVEPOINT strangler_check");
            String state = e.getSQLState() == null ? "" : e.getSQLState();
            if (state.equals("42P01") || state.equals("42501") || state.equals("3F000")) {
                throw new SourceNotReadyException("table " + table + " cannot be read by role in source.user: "
                        + SourceConnections.firstLine(e), e);
            }
            throw new ConfigException("--where is not a valid condition on " + table + ": "
                    + SourceConnections.firstLine(e) + " (it is the WHERE clause of a SELECT on that table)");
        }
    }

    /**
     * Checks, then asks the pipeline for an incremental snapshot; it runs when the pipeline next streams if it is not
     * running.
     */
    public SnapshotSignal request(List<TableId> tables, Optional<String> where) {
        return request(check(tables, where));
    }

    /** Asks the pipeline for an incremental snapshot of the checked scope's rows (sends only: it was checked). */
    public SnapshotSignal request(CheckedScope scope) {
        SnapshotSignal signal = SnapshotSignal.execute(scope.scope());
        send(config, signal);
        return signal;
    }

    /** Asks the pipeline to stop the incremental snapshot of these tables; what it published stays published. */
    public SnapshotSignal cancel(List<TableId> tables) {
        SnapshotSignal signal = SnapshotSignal.stop(tables);
        send(config, signal);
        return signal;
    }

    /** Writes a signal to the pipeline's signal topic, keyed by the connector's name as Debezium expects. */
    public static void send(PipelineConfig config, SnapshotSignal signal) {
        Map<String, Object> props = KafkaClientSettings.common(config.kafka(), "strangler-signal-"
                + config.pipelineName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 15_000);
        String topic = TopicNames.signals(config.kafka().topicPrefix());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, 0, config.kafka().topicPrefix(), signal.json()))
                    .get(45, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new SinkUnavailableException("cannot write to the signal topic '" + topic + "' at "
                    + config.kafka().bootstrapServers() + ": " + cause.getMessage() + " (the pipeline creates it "
                    + "when it starts; grant WRITE on it to this client)", cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkUnavailableException("interrupted while writing the signal", e);
        }
    }

    /** How a followed snapshot ended. */
    public enum Outcome {
        /** Every table's rows were read. */
        COMPLETED,
        /** Someone cancelled it (stop-snapshot). */
        CANCELLED,
        /** A table's scan still failed after every attempt. */
        FAILED,
        /**
         * The snapshot started, then nothing more was heard of it for the stall timeout: the pipeline most likely
         * stopped (its log says why); a restarted pipeline resumes the snapshot where it was.
         */
        STALLED,
        /** No running pipeline took the request in time; it stays queued. */
        NOT_STARTED
    }

    /**
     * Sends the request and follows it to its end. A table whose scan Debezium ends with an error status is asked for
     * again, up to {@code attempts} requests in all: Debezium 3.6.1 runs a request from the Kafka signal channel on its
     * own thread, and a first chunk that races a change streamed at that moment can fail (a NullPointerException it
     * reports as TABLE_SCAN_COMPLETED with status SQL_EXCEPTION); the next request reads the table again.
     *
     * @param listener told every notification of the followed requests, and a {@code REQUESTED} one per request
     */
    public Outcome snapshotAndFollow(List<TableId> tables, Optional<String> where, Duration startTimeout,
                                     int attempts, java.util.function.Consumer<SnapshotNotice> listener) {
        return snapshotAndFollow(check(tables, where), startTimeout, attempts, listener);
    }

    /**
     * Like {@link #snapshotAndFollow(List, Optional, Duration, int, java.util.function.Consumer)}, for a scope checked
     * already: each attempt only sends.
     */
    public Outcome snapshotAndFollow(CheckedScope scope, Duration startTimeout, int attempts,
                                     java.util.function.Consumer<SnapshotNotice> listener) {
        try (Notices notices = openNotices()) {
            CheckedScope pending = scope;
            for (int attempt = 1; ; attempt++) {
                SnapshotSignal signal = request(pending);
                listener.accept(new SnapshotNotice(signal.id(), "REQUESTED", Map.of("data_collections",
                        String.join(",", pending.tables().stream().map(TableId::toString).toList()), "attempt",
                        Integer.toString(attempt))));
                List<TableId> failed = new ArrayList<>();
                Optional<Outcome> end = follow(notices, signal, startTimeout, stallTimeout, failed, listener);
                if (end.isPresent()) {
                    return end.get();
                }
                if (failed.isEmpty()) {
                    return Outcome.COMPLETED;
                }
                if (attempt >= attempts) {
                    return Outcome.FAILED;
                }
                pending = pending.only(failed);
            }
        }
    }

    /** Empty when the request completed (with {@code failed} holding the tables whose scan failed). */
    private static Optional<Outcome> follow(Notices notices, SnapshotSignal signal, Duration startTimeout,
                                            Duration stallTimeout, List<TableId> failed,
                                            java.util.function.Consumer<SnapshotNotice> listener) {
        long startDeadline = System.nanoTime() + startTimeout.toNanos();
        boolean started = false;
        long lastHeard = System.nanoTime();
        while (true) {
            for (SnapshotNotice notice : notices.poll(Duration.ofMillis(500))) {
                if (!notice.snapshotId().equals(signal.id())) {
                    continue;
                }
                started = true;
                lastHeard = System.nanoTime();
                listener.accept(notice);
                switch (notice.type()) {
                    case "TABLE_SCAN_COMPLETED" -> {
                        if (!notice.scanSucceeded()) {
                            failed.add(TableId.parse(notice.data().getOrDefault("scanned_collection", "")));
                        }
                    }
                    case "COMPLETED" -> {
                        return Optional.empty();
                    }
                    case "ABORTED" -> {
                        return Optional.of(Outcome.CANCELLED);
                    }
                    default -> { }
                }
            }
            if (!started && System.nanoTime() > startDeadline) {
                return Optional.of(Outcome.NOT_STARTED);
            }
            // a pipeline that stopped mid-snapshot sends nothing more: never wait for it forever
            if (started && System.nanoTime() - lastHeard > stallTimeout.toNanos()) {
                return Optional.of(Outcome.STALLED);
            }
        }
    }

    /**
     * The pipeline's notifications from now on (opened before a request is sent, so none of its notifications is
     * missed).
     */
    public Notices openNotices() {
        return new Notices(config);
    }

    /** Reads the notification topic from where it ended when opened. */
    public static final class Notices implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;

        private Notices(PipelineConfig config) {
            Map<String, Object> props = KafkaClientSettings.common(config.kafka(), "strangler-notices-"
                    + config.pipelineName());
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            String topic = TopicNames.notifications(config.kafka().topicPrefix());
            try {
                List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(15)).stream()
                        .map(p -> new TopicPartition(topic, p.partition())).toList();
                if (partitions.isEmpty()) {
                    throw new SinkUnavailableException("the notification topic '" + topic + "' does not exist: "
                            + "start the pipeline once (strangler run) so that it creates its topics");
                }
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position); // fixes "the end" now, not at the first poll
            } catch (KafkaException e) {
                consumer.close();
                throw new SinkUnavailableException("cannot read the notification topic '" + topic + "' at "
                        + config.kafka().bootstrapServers() + ": " + e.getMessage(), e);
            }
        }

        /** The incremental-snapshot notifications that arrived within {@code wait}, in order. */
        public List<SnapshotNotice> poll(Duration wait) {
            List<SnapshotNotice> notices = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(wait)) {
                parse(r.value()).ifPresent(notices::add);
            }
            return notices;
        }

        static Optional<SnapshotNotice> parse(byte[] value) {
            if (value == null) {
                return Optional.empty();
            }
            try {
                JsonNode n = JSON.readTree(new String(value, StandardCharsets.UTF_8));
                if (!n.path("aggregate_type").asText().equals("Incremental Snapshot")) {
                    return Optional.empty();
                }
                Map<String, String> data = new LinkedHashMap<>();
                n.path("additional_data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
                return Optional.of(new SnapshotNotice(n.path("id").asText(), n.path("type").asText(), data));
            } catch (java.io.IOException e) {
                return Optional.empty(); // not a notification of Debezium's: nothing to follow
            }
        }

        @Override
        public void close() {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
