package dev.strangler.engine.kafka;

import dev.strangler.engine.SinkUnavailableException;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes each batch the Debezium engine hands over, with at-least-once delivery and no loss: every record of the
 * batch is sent asynchronously, then every send is awaited, and only then are the records marked processed and the
 * batch finished. The engine commits offsets only for processed records, so the stored position (and the slot's
 * confirmed_flush_lsn after it) never runs ahead of what Kafka acknowledged. A send that fails for good throws,
 * which stops the engine without committing the batch: nothing is skipped.
 *
 * <p>Records are converted once, straight from Connect data to JSON bytes (schemas off), so nothing is serialised
 * twice.
 */
public final class KafkaBatchPublisher implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBatchPublisher.class);

    /** Connect header with an outbox row's extra headers as a JSON object; expanded into one header per entry. */
    public static final String OUTBOX_HEADERS = "strangler.outbox.headers";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final Producer<byte[], byte[]> producer;
    private final java.util.function.Consumer<String> ensureTopic;
    private final Predicate<SourceRecord> notPublished;
    private final IntakeHeaders intake;
    private final PipelineMetrics metrics;
    private final Clock clock;
    private final JsonConverter keyConverter = new JsonConverter();
    private final JsonConverter valueConverter = new JsonConverter();
    private final SimpleHeaderConverter headerConverter = new SimpleHeaderConverter();

    /**
     * @param notPublished records the engine must still mark processed but that are not sent (heartbeats)
     */
    public KafkaBatchPublisher(Producer<byte[], byte[]> producer, java.util.function.Consumer<String> ensureTopic,
                               Predicate<SourceRecord> notPublished, IntakeHeaders intake, PipelineMetrics metrics,
                               Clock clock) {
        this.producer = producer;
        this.ensureTopic = ensureTopic;
        this.notPublished = notPublished;
        this.intake = intake;
        this.metrics = metrics;
        this.clock = clock;
        keyConverter.configure(Map.of("schemas.enable", "false"), true);
        valueConverter.configure(Map.of("schemas.enable", "false", "replace.null.with.default", "false"), false);
        headerConverter.configure(Map.of());
    }

    @Override
    public void handleBatch(List<RecordChangeEvent<SourceRecord>> batch,
                            DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
            throws InterruptedException {
        long now = clock.millis();
        List<Future<RecordMetadata>> sends = new ArrayList<>(batch.size());
        List<String> topics = new ArrayList<>(batch.size());
        long maxLsn = -1;
        int skipped = 0;
        for (RecordChangeEvent<SourceRecord> event : batch) {
            SourceRecord record = event.record();
            Long lsn = longOffset(record, "lsn");
            if (lsn != null) {
                maxLsn = Math.max(maxLsn, lsn);
            }
            if (notPublished.test(record)) {
                skipped++;
                continue;
            }
            ProducerRecord<byte[], byte[]> out = toProducerRecord(record, now, lsn);
            try {
                ensureTopic.accept(record.topic());
                sends.add(producer.send(out));
            } catch (RuntimeException e) {
                throw new SinkUnavailableException("Kafka refused a record for topic " + record.topic() + ": "
                        + e.getMessage() + "; the batch was not committed and will be sent again on restart", e);
            }
            topics.add(record.topic());
        }
        producer.flush();
        for (int i = 0; i < sends.size(); i++) {
            try {
                sends.get(i).get();
            } catch (ExecutionException e) {
                throw new SinkUnavailableException("Kafka did not acknowledge a record for topic " + topics.get(i)
                        + ": " + e.getCause().getMessage() + "; the pipeline stops without committing this batch, "
                        + "so a restart sends it again", e.getCause());
            }
            metrics.recordPublished(topics.get(i));
        }
        for (RecordChangeEvent<SourceRecord> event : batch) {
            committer.markProcessed(event);
        }
        committer.markBatchFinished();
        metrics.recordBatch(sends.size(), skipped, maxLsn, now, clock.millis());
        if (LOG.isTraceEnabled()) {
            LOG.trace("batch of {} published, {} skipped, max lsn {}", sends.size(), skipped, maxLsn);
        }
    }

    private ProducerRecord<byte[], byte[]> toProducerRecord(SourceRecord record, long now, Long lsn) {
        String topic = record.topic();
        byte[] key = record.key() instanceof String text && isString(record.keySchema())
                ? text.getBytes(StandardCharsets.UTF_8)
                : keyConverter.fromConnectData(topic, record.keySchema(), record.key());
        byte[] value = record.value() == null ? null
                : record.value() instanceof String json && isJson(record.valueSchema())
                        ? json.getBytes(StandardCharsets.UTF_8)
                        : valueConverter.fromConnectData(topic, record.valueSchema(), record.value());
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            if (h.value() == null && (h.key().equals(IntakeHeaders.TRACEPARENT) || h.key().equals(OUTBOX_HEADERS))) {
                continue; // an outbox row without a trace context or extra headers
            }
            if (h.key().equals(OUTBOX_HEADERS)) {
                expandOutboxHeaders(topic, h.value().toString(), headers);
                continue;
            }
            headers.add(h.key(), headerConverter.fromConnectHeader(topic, h.key(), h.schema(), h.value()));
        }
        boolean ownTrace = headers.lastHeader(IntakeHeaders.TRACEPARENT) != null;
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
