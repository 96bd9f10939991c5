package dev.strangler.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.engine.SinkUnavailableException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.sandbox.Sandbox;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A transaction left open on the offsets topic blocks every read_committed reader of it without a word: the wait is
 * bounded and the transaction named, and a settled topic is not waited for.
 */
class OpenTransactionsIT {

    private final Sandbox sandbox = Sandbox.shared();

    @Test
    void shouldNameATransactionThatStaysOpenAndReturnOnceItEnds() throws Exception {
        String topic = "txn-check-" + UUID.randomUUID().toString().substring(0, 8);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", sandbox.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }
        PipelineConfig.Kafka kafka = config().kafka();
        OpenTransactions.awaitSettled(kafka, "txn", topic, Duration.ofSeconds(5)); // empty topic: nothing to wait for

        try (KafkaProducer<byte[], byte[]> producer = transactionalProducer()) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k".getBytes(), "committed later".getBytes())).get();
            producer.flush();

            assertThatThrownBy(() -> OpenTransactions.awaitSettled(kafka, "txn", topic, Duration.ofSeconds(2)))
                    .isInstanceOf(SinkUnavailableException.class)
                    .hasMessageContaining("a transaction on '" + topic + "' partition 0 is still open after 2s")
                    .hasMessageContaining("open since offset 0")
                    .hasMessageContaining("kafka-transactions.sh --bootstrap-server "
                            + sandbox.kafka().bootstrapServers() + " abort --topic " + topic
                            + " --partition 0 --start-offset 0");

            producer.commitTransaction();
        }
        long started = System.nanoTime();
        OpenTransactions.awaitSettled(kafka, "txn", topic, Duration.ofSeconds(30));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).as("a settled topic is read at once")
                .isLessThan(Duration.ofSeconds(10));
    }

    /** The abort the pipeline does for a transaction Kafka left open: the partition can be read past it at once. */
    @Test
    void shouldAbortAnOpenTransactionOnItsPartitionSoReadersGoOn() throws Exception {
        String topic = "txn-abort-" + UUID.randomUUID().toString().substring(0, 8);
        PipelineConfig.Kafka kafka = config().kafka();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", sandbox.kafka().bootstrapServers()));
             KafkaProducer<byte[], byte[]> producer = transactionalProducer()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k".getBytes(), "never committed".getBytes())).get();
            producer.flush();
            org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(topic, 0);
            org.apache.kafka.clients.admin.ProducerState open = admin.describeProducers(List.of(tp))
                    .partitionResult(tp).get().activeProducers().get(0);

            StaleTransactions.abort(admin, kafka, "txn", new org.apache.kafka.clients.admin.AbortTransactionSpec(tp,
                    open.producerId(), (short) open.producerEpoch(), open.coordinatorEpoch().orElse(0)));

            OpenTransactions.awaitSettled(kafka, "txn", topic, Duration.ofSeconds(5));
            assertThat(admin.describeProducers(List.of(tp)).partitionResult(tp).get().activeProducers())
                    .allSatisfy(p -> assertThat(p.currentTransactionStartOffset()).isEmpty());
        }
    }

    private KafkaProducer<byte[], byte[]> transactionalProducer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", sandbox.kafka().bootstrapServers());
        p.put("transactional.id", "txn-check-" + UUID.randomUUID());
        p.put("key.serializer", ByteArraySerializer.class.getName());
        p.put("value.serializer", ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    private PipelineConfig config() {
        return new PipelineConfigLoader(Map.of()).fromMap(Map.of("pipeline.name", "txn", "source.url",
                "jdbc:postgresql://127.0.0.1:9/db", "source.user", "u", "source.password", "p", "source.tables",
                "shop.orders", "kafka.bootstrap.servers", sandbox.kafka().bootstrapServers()));
    }
}
