package dev.strangler.engine.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.contract.IntakeHeaderNames;
import dev.strangler.engine.SinkUnavailableException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.kafka.KafkaClientSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Retracts keys a topic holds but the table does not: for each, a Debezium delete whose {@code before} is the row the
 * key's last event showed, then a tombstone, both with that event's very key bytes and partition (so per-key order
 * and compaction hold whatever the key's serialisation), committed in Kafka transactions of their own. Each delete
 * carries the header {@value IntakeHeaderNames#REPAIR} with the repaired run's id: it is no change of the source, and
 * the parity checker orders it by its topic position, as it does a snapshot read.
 */
public final class RecordRetraction {

    /** Where the last event of a key to retract is. */
    public record Address(String topic, int partition, long offset) {
    }

    /** Keeps every digit of a number in the row it copies into {@code before}. */
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));
    private static final int PER_TRANSACTION = 10_000;

    private final PipelineConfig config;

    public RecordRetraction(PipelineConfig config) {
        this.config = config;
    }

    /**
     * Publishes a delete and a tombstone for the key of each record.
     *
     * @param repairId the id written to each delete's repair header (the repaired parity run's)
     * @return how many keys were retracted
     * @throws SinkUnavailableException Kafka refused or could not be reached; deletes of committed transactions stay
     */
    public long retract(List<Address> records, String repairId) {
        if (records.isEmpty()) {
            return 0;
        }
        Map<String, Object> consumerProps = KafkaClientSettings.common(config.kafka(), "strangler-repair-read-"
                + config.pipelineName());
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        Map<String, Object> producerProps = KafkaClientSettings.producer(config.kafka(), config.pipelineName(),
                PipelineConfig.DeliveryGuarantee.AT_LEAST_ONCE);
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "strangler-repair-" + config.pipelineName());
        // its own id: the pipeline's producer keeps running and must not be fenced by the repair
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "strangler-" + config.pipelineName() + "-repair");
        long retracted = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (Address address : records) {
                ConsumerRecord<byte[], byte[]> last = read(consumer, address);
                byte[] delete = deleteOf(last);
                RecordHeaders headers = new RecordHeaders();
                for (Header h : last.headers()) {
                    if (!h.key().equals(IntakeHeaderNames.INGESTED_AT) && !h.key().equals(IntakeHeaderNames.REPAIR)) {
                        headers.add(h);
                    }
                }
                headers.add(IntakeHeaderNames.INGESTED_AT, Long.toString(System.currentTimeMillis())
                        .getBytes(StandardCharsets.UTF_8));
                headers.add(IntakeHeaderNames.REPAIR, repairId.getBytes(StandardCharsets.UTF_8));
                producer.send(new ProducerRecord<>(address.topic(), address.partition(), last.key(), delete, headers));
                producer.send(new ProducerRecord<>(address.topic(), address.partition(), last.key(), null,
                        new RecordHeaders().add(IntakeHeaderNames.REPAIR, repairId.getBytes(StandardCharsets.UTF_8))));
                if (++retracted % PER_TRANSACTION == 0) {
                    producer.commitTransaction();
                    producer.beginTransaction();
                }
            }
            producer.commitTransaction();
            return retracted;
        } catch (KafkaException e) {
            throw new SinkUnavailableException("cannot retract keys in Kafka at " + config.kafka().bootstrapServers()
                    + ": " + e.getMessage() + " (" + retracted / PER_TRANSACTION * PER_TRANSACTION + " retracted "
                    + "before; running the repair again retracts the rest)", e);
        }
    }

    private static ConsumerRecord<byte[], byte[]> read(KafkaConsumer<byte[], byte[]> consumer, Address address) {
        TopicPartition tp = new TopicPartition(address.topic(), address.partition());
        consumer.assign(List.of(tp));
        consumer.seek(tp, address.offset());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (r.offset() == address.offset()) {
                    return r;
                }
                if (r.offset() > address.offset()) {
                    break;
                }
            }
            if (consumer.position(tp) > address.offset()) {
                break;
            }
        }
        throw new SinkUnavailableException("record " + address.offset() + " of " + tp + " cannot be read (deleted by "
                + "retention or compaction since the parity run?): run `strangler parity` again and repair from "
                + "its report");
    }

    /** The delete of the row the record shows, in the record's own envelope form (with or without a schema). */
    static byte[] deleteOf(ConsumerRecord<byte[], byte[]> record) {
        if (record.value() == null) {
            throw new IllegalArgumentException("record " + record.offset() + " is a tombstone, not a live key's event");
        }
        try {
            JsonNode value = JSON.readTree(record.value());
            boolean enveloped = value.has("schema") && value.has("payload") && value.size() == 2;
            ObjectNode payload = (ObjectNode) (enveloped ? value.get("payload") : value).deepCopy();
            JsonNode after = payload.get("after");
            payload.set("before", after == null || after.isNull() ? payload.get("before") : after);
            payload.putNull("after");
            payload.put("op", "d");
            long now = System.currentTimeMillis();
            payload.put("ts_ms", now);
            if (payload.has("ts_us")) {
                payload.put("ts_us", now * 1_000);
            }
            if (payload.has("ts_ns")) {
                payload.put("ts_ns", now * 1_000_000);
            }
            if (payload.has("transaction")) {
                payload.putNull("transaction"); // no source transaction holds it: completeness must not count it
            }
            JsonNode out = enveloped ? ((ObjectNode) value.deepCopy()).set("payload", payload) : payload;
            return JSON.writeValueAsBytes(out);
        } catch (IOException | ClassCastException e) {
            throw new IllegalArgumentException("record " + record.offset() + " of " + record.topic() + " is not a "
                    + "Debezium change event: " + e.getMessage(), e);
        }
    }
}
