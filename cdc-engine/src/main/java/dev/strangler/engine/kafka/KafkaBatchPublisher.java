package dev.strangler.engine.kafka;

import dev.strangler.contract.IntakeHeaderNames;
import dev.strangler.contract.Lsn;
import dev.strangler.engine.PipelineFencedException;
import dev.strangler.engine.RecordTooLargeException;
import dev.strangler.engine.SinkUnavailableException;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each batch the Debezium engine hands over, and only then tells the engine the batch was processed, so the
 * stored position (and the slot's confirmed_flush_lsn after it) never runs ahead of what Kafka has.
 *
 * <p>Exactly once ({@code positions} given, a transactional producer): the batch's records and the source position
 * they reach (the offsets-topic record the engine itself would write) are sent in <em>one</em> Kafka transaction and
 * committed together. A read_committed consumer sees the batch and its position both or neither: a crash at any
 * moment leaves the last committed position exactly at the last committed record, so a restart sends nothing twice.
 * The engine's own offset flush then writes nothing ({@link KafkaOffsetStore}).
 *
 * <p>At least once (no {@code positions}): every record is sent, then every send awaited, then the records are marked
 * processed and the engine commits the position on its own schedule; after a crash the records since that commit are
 * sent again.
 *
 * <p>A send that fails for good throws, which stops the engine without committing the batch: nothing is skipped. A
 * record larger than {@code maxRecordBytes} throws {@link RecordTooLargeException} naming the table, key, LSN and
 * size before anything of the batch is committed.
 *
 * <p>Records are converted once, straight from Connect data to JSON bytes (schemas off), so nothing is serialised
 * twice.
 */
public final class KafkaBatchPublisher implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBatchPublisher.class);

    /** Connect header with an outbox row's extra headers as a JSON object; expanded into one header per entry. */
    public static final String OUTBOX_HEADERS = "strangler.outbox.headers";
    /** What a record costs beyond its key, value and headers (batch and record framing), for the size check. */
    private static final int RECORD_OVERHEAD_BYTES = 128;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * What the publisher needs besides the producer.
     *
     * @param positions   empty means at-least-once delivery
     * @param sendTimeout how long a batch may wait for Kafka's acknowledgements: a transactional producer never
     *                    expires its records while it cannot reach its transaction coordinator, so the publisher
     *                    bounds the wait itself
     * @param controlTopics the pipeline's own topics (Debezium's notifications): published in the batch's
     *                    transaction like the events, but not counted as table events
     */
    public record Settings(String pipelineName, int maxRecordBytes, Optional<PositionRecords> positions,
                           java.time.Duration sendTimeout, java.util.Set<String> controlTopics) {
    }

    private final Producer<byte[], byte[]> producer;
    private final Settings settings;
    private final java.util.function.Consumer<String> ensureTopic;
    private final Predicate<SourceRecord> notPublished;
    private final TransactionBoundaries boundaries;
    private final IntakeHeaders intake;
    private final PipelineMetrics metrics;
    private final Clock clock;
    private final ConnectJson keyJson;
    private final ConnectJson valueJson;
    private final SimpleHeaderConverter headerConverter = new SimpleHeaderConverter();
    private ResumeGuard resumeGuard = ResumeGuard.NONE;
    private final CountedPositions positions = new CountedPositions();
    /**
     * The offset of the last streamed change before this run's first snapshot read and its count of changes at its
     * LSN, and whether the guard was armed with it.
     */
    private Map<String, ?> catchUpOffset;
    private long catchUpEventsAtLsn;
    private boolean catchUpArmed;

    /**
     * @param producer     transactional (initialised) when {@code settings.positions()} is present
     * @param notPublished records the engine must still mark processed but that are not sent (heartbeats)
     */
    public KafkaBatchPublisher(Producer<byte[], byte[]> producer, Settings settings,
                               java.util.function.Consumer<String> ensureTopic, Predicate<SourceRecord> notPublished,
                               IntakeHeaders intake, PipelineMetrics metrics, Clock clock) {
        this(producer, settings, ensureTopic, notPublished, null, intake, metrics, clock);
    }

    /**
     * @param boundaries which BEGIN and END records are sent and what an END counts; null when the pipeline does not
     *                   publish transaction metadata
     */
    public KafkaBatchPublisher(Producer<byte[], byte[]> producer, Settings settings,
                               java.util.function.Consumer<String> ensureTopic, Predicate<SourceRecord> notPublished,
                               TransactionBoundaries boundaries, IntakeHeaders intake, PipelineMetrics metrics,
                               Clock clock) {
        this.producer = producer;
        this.settings = settings;
        this.ensureTopic = ensureTopic;
        this.notPublished = notPublished;
        this.boundaries = boundaries;
        this.intake = intake;
        this.metrics = metrics;
        this.clock = clock;
        JsonConverter keyConverter = new JsonConverter();
        keyConverter.configure(Map.of("schemas.enable", "false"), true);
        JsonConverter valueConverter = new JsonConverter();
        valueConverter.configure(Map.of("schemas.enable", "false", "replace.null.with.default", "false"), false);
        this.keyJson = new ConnectJson(keyConverter, true);
        this.valueJson = new ConnectJson(valueConverter, false);
        headerConverter.configure(Map.of());
    }

    /**
     * Drops what Debezium sends again after this start's stored position (see {@link ResumeGuard}).
     *
     * @param stored the offset this start resumes from, null for none
     */
    public void resumingFrom(Map<String, ?> stored) {
        this.resumeGuard = ResumeGuard.from(stored);
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> batch,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        if (batch.isEmpty()) {
            committer.markBatchFinished();
            return;
        }
        long now = clock.millis();
        boolean transactional = settings.positions().isPresent();
        List<Future<RecordMetadata>> sends = new ArrayList<>(batch.size());
        List<SourceRecord> sent = new ArrayList<>(batch.size());
        positions.newBatch();
        long maxLsn = -1;
        int skipped = 0;
        if (transactional) {
            begin();
        }
        try {
            for (RecordChangeEvent<SourceRecord> event : batch) {
                SourceRecord record = event.record();
                Long lsn = longOffset(record, "lsn");
                if (lsn != null) {
                    maxLsn = Math.max(maxLsn, lsn);
                }
                positions.handled(record);
                armAfterCatchUp(record);
                if (resumeGuard.isResent(record)) {
                    skipped++;
                    LOG.warn("dropped a change Debezium sent again after the restart (txId {}, LSN {}): it was "
                            + "published before", record.sourceOffset().get("txId"), record.sourceOffset().get("lsn"));
                    continue;
                }
                if (boundaries != null && boundaries.isBoundary(record)) {
                    // BEGIN and END go out in this batch's Kafka transaction, as the boundaries decide
                    for (SourceRecord boundary : boundaries.onBoundary(record, notPublished.test(record))) {
                        send(boundary, now, sends, sent);
                    }
                    continue;
                }
                if (notPublished.test(record)) {
                    skipped++;
                    continue;
                }
                SourceRecord begin = boundaries == null ? null : boundaries.beforeChange(record);
                if (begin != null) {
                    send(begin, now, sends, sent);
                }
                send(record, now, sends, sent);
            }
            if (transactional) {
                PositionRecords positionRecords = settings.positions().get();
                positions.forEach((partition, position) ->
                        sends.add(producer.send(positionRecords.record(partition, position))));
            }
            long deadline = System.nanoTime() + settings.sendTimeout().toNanos();
            for (int i = 0; i < sends.size(); i++) {
                try {
                    sends.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    throw new SinkUnavailableException("Kafka did not acknowledge the batch within "
                            + settings.sendTimeout().toSeconds() + " s; the batch was not committed and is sent again "
                            + "when Kafka is back", new org.apache.kafka.common.errors.TimeoutException(
                            "no acknowledgement within " + settings.sendTimeout().toSeconds() + " s"));
                } catch (ExecutionException e) {
                    throw i < sent.size() ? failedSend(sent.get(i), e.getCause())
                            : new SinkUnavailableException("Kafka did not take the batch's position: "
                            + e.getCause().getMessage() + "; the batch was not committed and is sent again on "
                            + "restart", e.getCause());
                }
            }
            if (transactional) {
                commit();
            }
        } catch (RuntimeException | InterruptedException e) {
            if (transactional) {
                abortQuietly();
            }
            throw e;
        }
        for (RecordChangeEvent<SourceRecord> event : batch) {
            committer.markProcessed(event);
        }
        committer.markBatchFinished();
        List<SourceRecord> counted = settings.controlTopics().isEmpty() ? sent
                : sent.stream().filter(r -> !settings.controlTopics().contains(r.topic())).toList();
        metrics.recordBatch(counted, batch.get(batch.size() - 1).record(), skipped, maxLsn, now, clock.millis());
        if (LOG.isTraceEnabled()) {
            LOG.trace("batch of {} published, {} skipped, max lsn {}", sent.size(), skipped, maxLsn);
        }
    }

    /**
     * A start that recovers an interrupted first snapshot streams from the stored position up to where the new
     * snapshot begins, then snapshots, then streams from the snapshot's position. Debezium 3.6.1 ends that catch-up
     * only after handling the change that reaches the snapshot's position, and streaming after the snapshot reads that
     * change's transaction again from its start: without this, its changes up to that one are published twice (seen in
     * DeliveryFaultsIT as one duplicated first change of a transaction). At the first read of the initial snapshot
     * after streamed changes, the last of them arms the guard.
     */
    private void armAfterCatchUp(SourceRecord record) {
        if (catchUpOffset == null) {
            if (ResumeGuard.isChange(record)) {
                catchUp(record);
            }
            return;
        }
        if (!catchUpArmed && isInitialSnapshotRead(record)) {
            catchUpArmed = true;
            resumeGuard = ResumeGuard.from(CountedPositions.withCount(catchUpOffset, catchUpEventsAtLsn));
            LOG.info("snapshot after catch-up streaming: changes of transaction {} up to LSN {} are already published",
                    catchUpOffset.get("txId"), catchUpOffset.get("lsn"));
        } else if (ResumeGuard.isChange(record) && !catchUpArmed) {
            catchUp(record);
        }
    }

    /** Remembers the change (already counted) without copying its offset: the guard is built once, when armed. */
    private void catchUp(SourceRecord record) {
        catchUpOffset = record.sourceOffset();
        catchUpEventsAtLsn = positions.eventsAtLsn();
    }

    private static boolean isInitialSnapshotRead(SourceRecord record) {
        if (!(record.value() instanceof org.apache.kafka.connect.data.Struct value)
                || value.schema().field("op") == null || !"r".equals(value.getString("op"))
                || value.schema().field("source") == null
                || !(value.get("source") instanceof org.apache.kafka.connect.data.Struct source)
                || source.schema().field("snapshot") == null) {
            return false;
        }
        return !"incremental".equals(String.valueOf(source.get("snapshot")));
    }

    /** Sends one record; {@code sends} and {@code sent} grow together, so a failed send names its record. */
    private void send(SourceRecord record, long now, List<Future<RecordMetadata>> sends, List<SourceRecord> sent) {
        Long lsn = longOffset(record, "lsn");
        ProducerRecord<byte[], byte[]> out = toProducerRecord(record, now, lsn);
        checkSize(record, out, lsn);
        try {
            ensureTopic.accept(record.topic());
            sends.add(producer.send(out));
        } catch (RuntimeException e) {
            throw failedSend(record, e);
        }
        sent.add(record);
    }

    private void begin() {
        try {
            producer.beginTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            throw fenced(e);
        }
    }

    private void commit() {
        try {
            producer.commitTransaction();
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            throw fenced(e);
        } catch (KafkaException e) {
            throw new SinkUnavailableException("Kafka did not commit the batch's transaction: " + e.getMessage()
                    + "; it is aborted and sent again on restart", e);
        }
    }

    private PipelineFencedException fenced(KafkaException e) {
        return new PipelineFencedException("another instance of pipeline '" + settings.pipelineName() + "' took over "
                + "(its Kafka producer, transactional id " + KafkaClientSettings.transactionalId(
                settings.pipelineName()) + ", fenced this one): this instance stops without publishing again", e);
    }

    private void abortQuietly() {
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            // fenced or already failed for good: nothing of the batch is committed either way
            LOG.debug("aborting the batch's transaction failed: {}", e.getMessage());
        }
    }

    /** Refuses a record Kafka would refuse, with what a person needs to find it and let it through. */
    private void checkSize(SourceRecord record, ProducerRecord<byte[], byte[]> out, Long lsn) {
        long size = RECORD_OVERHEAD_BYTES + length(out.key()) + length(out.value());
        for (org.apache.kafka.common.header.Header h : out.headers()) {
            size += h.key().length() + length(h.value());
        }
        if (size > settings.maxRecordBytes()) {
            throw tooLarge(record, lsn, size, null);
        }
    }

    private RuntimeException failedSend(SourceRecord record, Throwable cause) {
        if (cause instanceof ProducerFencedException || cause instanceof InvalidProducerEpochException) {
            return fenced((KafkaException) cause);
        }
        if (cause instanceof org.apache.kafka.common.errors.RecordTooLargeException
                || cause instanceof org.apache.kafka.common.errors.RecordBatchTooLargeException) {
            return tooLarge(record, longOffset(record, "lsn"), -1, cause);
        }
        return new SinkUnavailableException("Kafka did not acknowledge a record for topic " + record.topic() + ": "
                + cause.getMessage() + "; the pipeline stops without committing this batch, so a restart sends it "
                + "again", cause);
    }

    private RecordTooLargeException tooLarge(SourceRecord record, Long lsn, long size, Throwable cause) {
        String table = tableOf(record);
        String key = record.key() == null ? "(none)" : String.valueOf(record.key());
        if (key.length() > 200) {
            key = key.substring(0, 200) + "...";
        }
        return new RecordTooLargeException("a change of " + table + " (key " + key + ", LSN "
                + (lsn == null ? "unknown" : Lsn.format(lsn)) + (size < 0 ? "" : ", " + size + " bytes")
                + ") is larger than Kafka accepts (kafka.max.record.bytes=" + settings.maxRecordBytes()
                + (cause == null ? "" : "; Kafka said: " + cause.getMessage()) + "). Nothing after it is "
                + "published and the slot keeps it: raise kafka.max.record.bytes (it sets the producer's "
                + "max.request.size and the max.message.bytes of topics the pipeline creates; raise max.message.bytes "
                + "of an existing topic " + record.topic() + " yourself) and start again", cause);
    }

    private static String tableOf(SourceRecord record) {
        if (record.value() instanceof org.apache.kafka.connect.data.Struct value
                && value.schema().field("source") != null
                && value.get("source") instanceof org.apache.kafka.connect.data.Struct source
                && source.schema().field("schema") != null && source.schema().field("table") != null) {
            return "table " + source.get("schema") + "." + source.get("table");
        }
        return "topic " + record.topic();
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    private ProducerRecord<byte[], byte[]> toProducerRecord(SourceRecord record, long now, Long lsn) {
        String topic = record.topic();
        byte[] key = record.key() instanceof String text && isString(record.keySchema())
                ? text.getBytes(StandardCharsets.UTF_8)
                : keyJson.fromConnectData(topic, record.keySchema(), record.key());
        byte[] value = record.value() == null ? null
                : record.value() instanceof String json && isJson(record.valueSchema())
                        ? json.getBytes(StandardCharsets.UTF_8)
                        : valueJson.fromConnectData(topic, record.valueSchema(), record.value());
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            if (h.value() == null && (h.key().equals(IntakeHeaderNames.TRACEPARENT) || h.key().equals(OUTBOX_HEADERS))) {
                continue; // an outbox row without a trace context or extra headers
            }
            if (h.key().equals(OUTBOX_HEADERS)) {
                expandOutboxHeaders(topic, h.value().toString(), headers);
                continue;
            }
            headers.add(h.key(), headerConverter.fromConnectHeader(topic, h.key(), h.schema(), h.value()));
        }
        boolean ownTrace = headers.lastHeader(IntakeHeaderNames.TRACEPARENT) != null;
        intake.stamp(headers, now, lsn, longOffset(record, "txId"), topic.hashCode(),
                key == null ? 0 : Arrays.hashCode(key), !ownTrace);
        return new ProducerRecord<>(topic, null, key, value, headers);
    }

    /** A routed outbox payload: the jsonb column's text is the record value as it is, never re-typed. */
    private static boolean isJson(Schema schema) {
        return schema != null && "io.debezium.data.Json".equals(schema.name());
    }

    /**
     * A routed outbox key (the aggregate id) is a plain string; it goes out as its UTF-8 text, so a consumer's
     * StringDeserializer reads {@code order-42}, not the JSON-quoted {@code "order-42"}. Table keys are structs.
     */
    private static boolean isString(Schema schema) {
        return schema != null && schema.type() == Schema.Type.STRING;
    }

    private static void expandOutboxHeaders(String topic, String json, RecordHeaders headers) {
        try {
            JSON.readTree(json).fields().forEachRemaining(e -> headers.add(e.getKey(),
                    (e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString())
                            .getBytes(StandardCharsets.UTF_8)));
        } catch (java.io.IOException e) {
            throw new IllegalStateException("outbox headers of a record for " + topic + " are not a JSON object", e);
        }
    }

    private static Long longOffset(SourceRecord record, String field) {
        Map<String, ?> offset = record.sourceOffset();
        Object value = offset == null ? null : offset.get(field);
        return value instanceof Number n ? n.longValue() : null;
    }

    @Override
    public boolean supportsTombstoneEvents() {
        return true;
    }
}
