package dev.strangler.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
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
 * Exactly once with batches still queued: one Kafka transaction spans them, and none of them is marked processed
 * (so the slot cannot confirm it) before that transaction committed.
 */
class TransactionSpanTest {

    private static final String ORDERS = "p.shop.orders";
    private static final Schema ROW_KEY = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();
    private static final Schema CHANGE = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).build();

    private final AtomicLong queued = new AtomicLong();
    private final List<Long> marked = new ArrayList<>();
    private int batchesFinished;
    private MockProducer<byte[], byte[]> producer;
    private KafkaBatchPublisher publisher;

    @BeforeEach
    void publisher() {
        producer = new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        producer.initTransactions();
        publisher = new KafkaBatchPublisher(producer, new KafkaBatchPublisher.Settings("p", 1 << 20,
                Optional.of(new PositionRecords("p.offsets", "p")), Duration.ofSeconds(5), Set.of()), topic -> { },
                r -> false, new IntakeHeaders("p"), new PipelineMetrics(), Clock.systemUTC());
        publisher.spanningWhileQueued(queued::get);
    }

    @Test
    void shouldCommitBatchesHandedOverWhileMoreWereQueuedInOneTransactionAndMarkThemOnlyThen() throws Exception {
        queued.set(500);
        handle(change(10), change(11));
        handle(change(12));
        assertThat(producer.commitCount()).isZero();
        assertThat(marked).as("nothing confirmed before Kafka has it").isEmpty();
        assertThat(producer.transactionInFlight()).isTrue();

        queued.set(0);
        handle(change(13));
        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(marked).containsExactly(10L, 11L, 12L, 13L);
        assertThat(producer.history()).extracting(ProducerRecord::topic)
                .containsExactly(ORDERS, ORDERS, ORDERS, ORDERS, "p.offsets");
        assertThat(batchesFinished).isEqualTo(1);
    }

    @Test
    void shouldCommitEveryBatchAtOnceWhenNothingIsQueued() throws Exception {
        handle(change(20));
        handle(change(21));
        assertThat(producer.commitCount()).isEqualTo(2);
        assertThat(marked).containsExactly(20L, 21L);
    }

    @Test
    void shouldCommitWhatTheEngineLeftOpenWhenItStopped() throws Exception {
        queued.set(1);
        handle(change(30));
        assertThat(producer.commitCount()).isZero();

        publisher.finishOpenTransaction();
        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(producer.history()).extracting(ProducerRecord::topic).containsExactly(ORDERS, "p.offsets");
        assertThat(marked).as("the engine is gone: its own offsets are not told").isEmpty();
        publisher.finishOpenTransaction();
        assertThat(producer.commitCount()).as("nothing left open to commit twice").isEqualTo(1);
    }

    @Test
    void shouldAbortTheWholeSpanWhenABatchOfItFails() throws Exception {
        queued.set(1);
        handle(change(40));
        SourceRecord tooLarge = new SourceRecord(Map.of("server", "p"), Map.of("lsn", 41L, "txId", 7L), ORDERS, null,
                ROW_KEY, new Struct(ROW_KEY).put("id", 41), Schema.STRING_SCHEMA, "x".repeat(2 << 20));
        assertThatThrownBy(() -> handle(tooLarge)).hasMessageContaining("larger than Kafka accepts");
        assertThat(producer.transactionAborted()).isTrue();
        assertThat(producer.commitCount()).isZero();
        assertThat(marked).as("neither batch is confirmed: the next start sends both again").isEmpty();

        queued.set(0);
        handle(change(42));
        assertThat(producer.commitCount()).isEqualTo(1);
        assertThat(marked).containsExactly(42L);
    }

    private void handle(SourceRecord... records) throws InterruptedException {
        List<RecordChangeEvent<SourceRecord>> batch = new ArrayList<>();
        for (SourceRecord r : records) {
            batch.add(() -> r);
        }
        publisher.handleBatch(batch, new DebeziumEngine.RecordCommitter<>() {
            @Override
            public void markProcessed(RecordChangeEvent<SourceRecord> record) {
                marked.add(((Number) record.record().sourceOffset().get("lsn")).longValue());
            }

            @Override
            public void markBatchFinished() {
                batchesFinished++;
            }

            @Override
            public void markProcessed(RecordChangeEvent<SourceRecord> record, DebeziumEngine.Offsets offsets) {
                markProcessed(record);
            }

            @Override
            public DebeziumEngine.Offsets buildOffsets() {
                return null;
            }
        });
    }

    private static SourceRecord change(long lsn) {
        return new SourceRecord(Map.of("server", "p"), Map.of("lsn", lsn, "txId", 7L), ORDERS, null, ROW_KEY,
                new Struct(ROW_KEY).put("id", (int) lsn), CHANGE, new Struct(CHANGE).put("op", "c"));
    }
}
