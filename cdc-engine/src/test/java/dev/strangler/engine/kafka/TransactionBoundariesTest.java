package dev.strangler.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The publisher with transaction metadata on: BEGIN and END records in the batch's Kafka transaction, END counts of
 * published events only, nothing for a transaction that published nothing.
 */
class TransactionBoundariesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TX_TOPIC = "p.transaction";
    private static final String ORDERS = "p.shop.orders";
    private static final String HEARTBEAT = "p.strangler.heartbeat";
    private static final Schema KEY = SchemaBuilder.struct().field("id", Schema.STRING_SCHEMA).build();
    private static final Schema COLLECTION = SchemaBuilder.struct()
            .field("data_collection", Schema.STRING_SCHEMA).field("event_count", Schema.INT64_SCHEMA).build();
    private static final Schema BOUNDARY = SchemaBuilder.struct()
            .field("status", Schema.STRING_SCHEMA).field("id", Schema.STRING_SCHEMA)
            .field("event_count", Schema.OPTIONAL_INT64_SCHEMA)
            .field("data_collections", SchemaBuilder.array(COLLECTION).optional().build())
            .field("ts_ms", Schema.INT64_SCHEMA).build();
    private static final Schema ROW_KEY = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();
    private static final Schema CHANGE = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).build();

    private final Set<Long> droppedTransactions = new HashSet<>();
    private MockProducer<byte[], byte[]> producer;
    private KafkaBatchPublisher publisher;

    @BeforeEach
    void publisher() {
        producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        publisher = new KafkaBatchPublisher(producer, new KafkaBatchPublisher.Settings("p", 1 << 20,
                Optional.of(new PositionRecords("p.offsets", "p")), Duration.ofSeconds(5), Set.of(TX_TOPIC)), topic -> { },
                r -> r.topic().equals(HEARTBEAT) || droppedTransactions.contains(txId(r)),
                new TransactionBoundaries(TX_TOPIC, Set.of("strangler.heartbeat")), new IntakeHeaders("p"),
                new PipelineMetrics(), Clock.systemUTC());
    }

    @Test
    void shouldSendBeginAndEndInTheSameKafkaTransactionAsTheEventsCountingOnlyPublishedOnes() throws Exception {
        handle(begin(700, 10), change(ORDERS, 700, 11), change(HEARTBEAT, 700, 12), change(ORDERS, 700, 13),
                end(700, 20, Map.of("shop.orders", 2L, "strangler.heartbeat", 1L)));

        assertThat(producer.commitCount()).isEqualTo(1);
        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertThat(sent).extracting(ProducerRecord::topic)
                .containsExactly(TX_TOPIC, ORDERS, ORDERS, TX_TOPIC, "p.offsets");
        assertThat(json(sent.get(0).value()).path("status").asText()).isEqualTo("BEGIN");
        JsonNode end = json(sent.get(3).value());
        assertThat(end.path("status").asText()).isEqualTo("END");
        assertThat(end.path("id").asText()).isEqualTo("700:20");
        assertThat(end.path("event_count").asLong()).isEqualTo(2);
        assertThat(end.path("data_collections")).hasSize(1);
        assertThat(end.path("data_collections").get(0).path("data_collection").asText()).isEqualTo("shop.orders");
        assertThat(sent.get(3).headers().lastHeader("strangler.source_txid").value()).asString().isEqualTo("700");
    }

    @Test
    void shouldHoldABeginBackUntilTheFirstPublishedChangeOfItsTransaction() throws Exception {
        handle(begin(701, 10), change(HEARTBEAT, 701, 11), change(ORDERS, 701, 12),
                end(701, 20, Map.of("shop.orders", 1L, "strangler.heartbeat", 1L)));

        assertThat(producer.history()).extracting(ProducerRecord::topic)
                .containsExactly(TX_TOPIC, ORDERS, TX_TOPIC, "p.offsets");
    }

    @Test
    void shouldSendNoBoundaryOfATransactionThatPublishedNothing() throws Exception {
        handle(begin(702, 10), change(HEARTBEAT, 702, 11), end(702, 20, Map.of("strangler.heartbeat", 1L)));

        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactly("p.offsets");
    }

    @Test
    void shouldSendNoBoundaryOfATransactionWhoseChangesWereDroppedAsAnEcho() throws Exception {
        droppedTransactions.add(703L);
        handle(begin(703, 10), change(ORDERS, 703, 11), end(703, 20, Map.of("shop.orders", 1L)));

        assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactly("p.offsets");
    }

    @Test
    void shouldHoldABeginFromOneBatchToTheNext() throws Exception {
        handle(begin(704, 10));
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactly("p.offsets");

        handle(change(ORDERS, 704, 11), end(704, 20, Map.of("shop.orders", 1L)));
        assertThat(producer.history()).extracting(ProducerRecord::topic)
                .containsExactly("p.offsets", TX_TOPIC, ORDERS, TX_TOPIC, "p.offsets");

        handle(begin(705, 30));
        handle(change(HEARTBEAT, 705, 31), end(705, 40, Map.of("strangler.heartbeat", 1L)));
        assertThat(producer.history()).as("a heartbeat split over two batches is not announced either")
                .extracting(ProducerRecord::topic).hasSize(7).endsWith("p.offsets", "p.offsets");
    }

    private void handle(SourceRecord... records) throws InterruptedException {
        List<RecordChangeEvent<SourceRecord>> batch = new ArrayList<>();
        for (SourceRecord r : records) {
            batch.add(() -> r);
        }
        publisher.handleBatch(batch, new DebeziumEngine.RecordCommitter<>() {
            @Override
            public void markProcessed(RecordChangeEvent<SourceRecord> record) {
            }

            @Override
            public void markBatchFinished() {
            }

            @Override
            public void markProcessed(RecordChangeEvent<SourceRecord> record, DebeziumEngine.Offsets offsets) {
            }

            @Override
            public DebeziumEngine.Offsets buildOffsets() {
                return null;
            }
        });
    }

    private static SourceRecord begin(long txId, long lsn) {
        Struct value = new Struct(BOUNDARY).put("status", "BEGIN").put("id", txId + ":" + lsn).put("ts_ms", 1L);
        return boundary(txId, lsn, value);
    }

    private static SourceRecord end(long txId, long lsn, Map<String, Long> counts) {
        List<Struct> collections = new ArrayList<>();
        counts.forEach((c, n) -> collections.add(new Struct(COLLECTION).put("data_collection", c)
                .put("event_count", n)));
        Struct value = new Struct(BOUNDARY).put("status", "END").put("id", txId + ":" + lsn).put("ts_ms", 1L)
                .put("event_count", counts.values().stream().mapToLong(Long::longValue).sum())
                .put("data_collections", collections);
        return boundary(txId, lsn, value);
    }

    private static SourceRecord boundary(long txId, long lsn, Struct value) {
        return new SourceRecord(Map.of("server", "p"), Map.of("lsn", lsn, "txId", txId), TX_TOPIC, null, KEY,
                new Struct(KEY).put("id", value.getString("id")), BOUNDARY, value);
    }

    private static SourceRecord change(String topic, long txId, long lsn) {
        return new SourceRecord(Map.of("server", "p"), Map.of("lsn", lsn, "txId", txId), topic, null, ROW_KEY,
                new Struct(ROW_KEY).put("id", (int) lsn), CHANGE, new Struct(CHANGE).put("op", "c"));
    }

    private static Long txId(SourceRecord r) {
        return ((Number) r.sourceOffset().get("txId")).longValue();
    }

    private static JsonNode json(byte[] bytes) throws IOException {
        return JSON.readTree(bytes);
    }
}
