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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.TreeSet;
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
    /**
     * Unwanted records read rather than a new seek: a seek costs a fetch round trip, about what a few thousand
     * change events cost to read on.
     */
    static final long MAX_GAP = 2_000;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final PipelineConfig config;

    public RecordRetraction(PipelineConfig config) {
        this.config = config;
    }

    /**
     * Publishes a delete and a tombstone for the key of each record.
     *
     * <p>The records are read partition by partition in offset order: one seek per run of nearby offsets
     * ({@link #runs}), then sequential fetches, so a million keys cost a few reads of their partitions, not a million
     * seeks and single-record fetches.
     *
     * @param repairId the id written to each delete's repair header (the repaired parity run's)
     * @return how many keys were retracted
     * @throws SinkUnavailableException Kafka refused or could not be reached, or a record is no longer in its topic;
     *                                  deletes of committed transactions stay
     */
    public long retract(List<Address> records, String repairId) {
        if (records.isEmpty()) {
            return 0;
        }
        Map<String, Object> consumerProps = KafkaClientSettings.common(config.kafka(), "strangler-repair-read-"
                + config.pipelineName());
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Object> producerProps = KafkaClientSettings.producer(config.kafka(), config.pipelineName(),
                PipelineConfig.DeliveryGuarantee.AT_LEAST_ONCE);
        producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "strangler-repair-" + config.pipelineName());
        // its own id: the pipeline's producer keeps running and must not be fenced by the repair
        producerProps.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "strangler-" + config.pipelineName() + "-repair");
        long[] retracted = {0};
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(),
                     new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            try {
                for (var partition : byPartition(records).entrySet()) {
                    for (Run run : runs(partition.getValue(), MAX_GAP)) {
                        read(consumer, partition.getKey(), partition.getValue().subSet(run.from(), true, run.to(),
                                true), last -> {
                                    send(producer, last, repairId);
                                    if (++retracted[0] % PER_TRANSACTION == 0) {
                                        producer.commitTransaction();
                                        producer.beginTransaction();
                                    }
                                });
                    }
                }
            } catch (SinkUnavailableException | IllegalArgumentException e) {
                // a record gone or not a change event: the transaction is ended now, not when it times out, since until
                // then it holds back every read_committed reader of the partitions it wrote to (parity among them)
                producer.abortTransaction();
                throw e;
            }
            producer.commitTransaction();
            return retracted[0];
        } catch (KafkaException e) {
            throw new SinkUnavailableException("cannot retract keys in Kafka at " + config.kafka().bootstrapServers()
                    + ": " + e.getMessage() + " (" + retracted[0] / PER_TRANSACTION * PER_TRANSACTION + " retracted "
                    + "before; running the repair again retracts the rest)", e);
        }
    }

    /** A delete of the row {@code last} shows, then a tombstone, with its key bytes, to its partition. */
    private static void send(KafkaProducer<byte[], byte[]> producer, ConsumerRecord<byte[], byte[]> last,
                             String repairId) {
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
        producer.send(new ProducerRecord<>(last.topic(), last.partition(), last.key(), delete, headers));
        producer.send(new ProducerRecord<>(last.topic(), last.partition(), last.key(), null,
                new RecordHeaders().add(IntakeHeaderNames.REPAIR, repairId.getBytes(StandardCharsets.UTF_8))));
    }

    /** The offsets to read, per partition, in order (an offset named twice is read once). */
    static Map<TopicPartition, NavigableSet<Long>> byPartition(List<Address> records) {
        Map<TopicPartition, NavigableSet<Long>> byPartition = new LinkedHashMap<>();
        for (Address a : records) {
            byPartition.computeIfAbsent(new TopicPartition(a.topic(), a.partition()), tp -> new TreeSet<>())
                    .add(a.offset());
        }
        return byPartition;
    }

    /** Offsets {@code from} to {@code to} of one partition, read with one seek. */
    record Run(long from, long to) {
    }

    /**
     * Splits a partition's offsets into runs read with one seek each: a new run starts where the next offset lies more
     * than {@code maxGap} records past the last, so no more than {@code maxGap} unwanted records are read between two
     * wanted ones, and a dense set of offsets is one sequential read.
     */
    static List<Run> runs(NavigableSet<Long> offsets, long maxGap) {
        List<Run> runs = new ArrayList<>();
        long from = -1;
        long last = -1;
        for (long offset : offsets) {
            if (from < 0) {
                from = offset;
            } else if (offset - last > maxGap) {
                runs.add(new Run(from, last));
                from = offset;
            }
            last = offset;
        }
        if (from >= 0) {
            runs.add(new Run(from, last));
        }
        return runs;
    }

    /** Reads one run of a partition and hands over the records at exactly {@code wanted}, in offset order. */
    private static void read(KafkaConsumer<byte[], byte[]> consumer, TopicPartition tp, NavigableSet<Long> wanted,
                             java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> found) {
        consumer.assign(List.of(tp));
        consumer.seek(tp, wanted.first());
        Iterator<Long> offsets = wanted.iterator();
        long next = offsets.next();
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (true) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (r.offset() < next) {
                    continue;
                }
                if (r.offset() > next) {
                    throw unreadable(tp, next);
                }
                found.accept(r);
                if (!offsets.hasNext()) {
                    return;
                }
                next = offsets.next();
                deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            }
            // an offset the consumer stepped over (a control record, an aborted or compacted one) is not there
            if (consumer.position(tp) > next || System.nanoTime() > deadline) {
                throw unreadable(tp, next);
            }
        }
    }

    private static SinkUnavailableException unreadable(TopicPartition tp, long offset) {
        return new SinkUnavailableException("record " + offset + " of " + tp + " cannot be read (deleted by "
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
