package dev.strangler.engine.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.contract.IntakeHeaderNames;
import dev.strangler.engine.SinkUnavailableException;
import dev.strangler.engine.testkit.TestPipelines;
import dev.strangler.sandbox.Sandbox;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Retraction against a real broker: keys spread over three partitions, in a dense run (one sequential read), far apart
 * (a seek each) and between the pipeline's transaction markers, each retracted exactly once with its record's key bytes
 * and partition; an offset that holds no record is refused with nothing published.
 */
class RecordRetractionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PARTITIONS = 3;
    private static final int EVENTS = 15_000;

    private final Sandbox sandbox = Sandbox.shared();

    @Test
    void shouldRetractExactlyTheKeysNamedReadingEachPartitionInRunsNotPerKey() throws Exception {
        String topic = "retract." + System.nanoTime();
        createTopic(topic);
        Map<Long, RecordMetadata> written = write(topic);
        // dense in partition 0 (offsets next to each other), far apart in partition 1 (more than MAX_GAP between),
        // the last record of partition 2
        List<RecordRetraction.Address> addresses = new ArrayList<>();
        Map<String, Long> expected = new HashMap<>(); // partition@offset -> id
        written.forEach((id, md) -> {
            boolean dense = md.partition() == 0 && md.offset() >= 1_000 && md.offset() < 2_500;
            boolean sparse = md.partition() == 1 && md.offset() % (RecordRetraction.MAX_GAP * 2 + 7) == 3;
            boolean last = md.partition() == 2 && id >= EVENTS - PARTITIONS;
            if (dense || sparse || last) {
                addresses.add(new RecordRetraction.Address(topic, md.partition(), md.offset()));
                expected.put(md.partition() + "@" + md.offset(), id);
            }
        });
        assertThat(expected.size()).as("a dense run, far-apart offsets, a last one").isGreaterThan(1_400);
        Map<TopicPartition, Long> ends = ends(topic);

        long retracted = new RecordRetraction(config(topic)).retract(addresses, "run-r");

        assertThat(retracted).isEqualTo(expected.size());
        List<ConsumerRecord<byte[], byte[]>> added = read(topic, ends);
        assertThat(added).hasSize(2 * expected.size());
        Map<Long, Integer> deletes = new HashMap<>();
        Map<Long, Integer> tombstones = new HashMap<>();
        Map<Long, Integer> partitionOf = new HashMap<>();
        written.forEach((id, md) -> partitionOf.put(id, md.partition()));
        for (ConsumerRecord<byte[], byte[]> r : added) {
            long id = JSON.readTree(r.key()).path("id").asLong();
            assertThat(r.partition()).as("the key's own partition").isEqualTo(partitionOf.get(id));
            assertThat(new String(r.headers().lastHeader(IntakeHeaderNames.REPAIR).value(), StandardCharsets.UTF_8))
                    .isEqualTo("run-r");
            if (r.value() == null) {
                assertThat(deletes).as("a tombstone follows its delete").containsKey(id);
                tombstones.merge(id, 1, Integer::sum);
            } else {
                JsonNode delete = JSON.readTree(r.value());
                assertThat(delete.path("op").asText()).isEqualTo("d");
                assertThat(delete.path("before").path("v").asText()).isEqualTo("value " + id);
                deletes.merge(id, 1, Integer::sum);
            }
        }
        assertThat(deletes.keySet()).containsExactlyInAnyOrderElementsOf(expected.values());
        assertThat(deletes.values()).containsOnly(1);
        assertThat(tombstones).isEqualTo(deletes);
    }

    @Test
    void shouldRefuseAnOffsetWithoutARecordAndPublishNothing() throws Exception {
        String topic = "retract-gone." + System.nanoTime();
        createTopic(topic);
        Map<Long, RecordMetadata> written = write(topic);
        RecordMetadata first = written.get(0L);
        Map<TopicPartition, Long> ends = ends(topic);
        long marker = ends.get(new TopicPartition(topic, first.partition())) - 1; // the last commit's control record
        List<RecordRetraction.Address> addresses = List.of(
                new RecordRetraction.Address(topic, first.partition(), first.offset()),
                new RecordRetraction.Address(topic, first.partition(), marker));

        assertThatThrownBy(() -> new RecordRetraction(config(topic)).retract(addresses, "run-g"))
                .isInstanceOf(SinkUnavailableException.class).hasMessageContaining("cannot be read");
        assertThat(read(topic, ends)).as("the transaction was aborted: nothing committed").isEmpty();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                sandbox.kafka().bootstrapServers()))) {
            assertThat(admin.describeTransactions(List.of("strangler-retract-repair")).all().get()
                    .get("strangler-retract-repair").state())
                    .as("no open transaction left to hold read_committed readers back until it times out")
                    .isNotEqualTo(org.apache.kafka.clients.admin.TransactionState.ONGOING);
        }
    }

    private dev.strangler.engine.config.PipelineConfig config(String topic) {
        return TestPipelines.config(TestPipelines.settings(sandbox, "postgres", "retract", "shop.t"));
    }

    private void createTopic(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                sandbox.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
        }
    }

    /** Change events of ids 0.. round-robin over the partitions, in transactions of 1,000 as the pipeline commits. */
    private Map<Long, RecordMetadata> write(String topic) throws Exception {
        Map<Long, RecordMetadata> written = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "writer-" + topic), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
            for (long id = 0; id < EVENTS; id++) {
                if (id % 1_000 == 0) {
                    if (id > 0) {
                        producer.commitTransaction();
                    }
                    producer.beginTransaction();
                }
                byte[] key = ("{\"id\":" + id + "}").getBytes(StandardCharsets.UTF_8);
                byte[] value = ("{\"before\":null,\"after\":{\"id\":" + id + ",\"v\":\"value " + id + "\"},"
                        + "\"source\":{\"lsn\":" + (1000 + id) + ",\"txId\":" + (id / 1_000) + "},\"op\":\"c\","
                        + "\"ts_ms\":1}").getBytes(StandardCharsets.UTF_8);
                sent.add(producer.send(new ProducerRecord<>(topic, (int) (id % PARTITIONS), key, value)));
            }
            producer.commitTransaction();
            for (int i = 0; i < sent.size(); i++) {
                written.put((long) i, sent.get(i).get());
            }
        }
        return written;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    private Map<TopicPartition, Long> ends(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(topic, p));
            }
            return consumer.endOffsets(partitions, Duration.ofSeconds(10));
        }
    }

    /** Every committed record after {@code from}, up to the end offsets now. */
    private List<ConsumerRecord<byte[], byte[]>> read(String topic, Map<TopicPartition, Long> from) {
        Map<TopicPartition, Long> to = ends(topic);
        List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            while (to.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> {
                    if (r.offset() < to.get(new TopicPartition(r.topic(), r.partition()))) {
                        all.add(r);
                    }
                });
            }
        }
        return all;
    }
}
