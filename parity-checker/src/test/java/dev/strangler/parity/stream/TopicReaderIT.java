package dev.strangler.parity.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.parity.Progress;
import dev.strangler.sandbox.SandboxKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The topic read against a real broker: every record of the extent once, in offset order per partition, over several
 * polls; a sink that fails stops the read with its own exception, and the same reader reads the topic again in full
 * (the checker reads several topics with one reader).
 */
class TopicReaderIT {

    private static final String TOPIC = "reader.events";
    private static final int PER_PARTITION = 12_000; // several polls of max.poll.records (5,000) each
    private static SandboxKafka kafka;

    @BeforeAll
    static void start() throws Exception {
        kafka = SandboxKafka.start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
        }
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            for (int partition = 0; partition < 2; partition++) {
                for (int i = 0; i < PER_PARTITION; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, partition, null,
                            (partition + ":" + i).getBytes(StandardCharsets.UTF_8)));
                }
            }
            producer.flush();
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void readsEveryRecordOnceInOrderAndAgainAfterASinkFailed() {
        try (TopicReader reader = new TopicReader(kafka.bootstrapServers(), Map.of())) {
            TopicReader.TopicExtent extent = reader.extent(TOPIC, Duration.ofSeconds(30));
            assertThat(extent.records()).isEqualTo(2L * PER_PARTITION);

            RuntimeException stop = new IllegalStateException("the sink's own failure");
            List<String> before = new ArrayList<>();
            assertThatThrownBy(() -> reader.read(TOPIC, extent, record -> {
                if (before.size() == 7_000) {
                    throw stop;
                }
                before.add(new String(record.value(), StandardCharsets.UTF_8));
            }, Progress.NONE)).isSameAs(stop);
            assertThat(before).hasSize(7_000);

            List<String> read = new ArrayList<>();
            long[] lastOffset = {-1, -1};
            reader.read(TOPIC, extent, record -> {
                assertThat(record.offset()).isGreaterThan(lastOffset[record.partition()]);
                lastOffset[record.partition()] = record.offset();
                read.add(new String(record.value(), StandardCharsets.UTF_8));
            }, Progress.NONE);
            List<String> expected = new ArrayList<>();
            for (int partition = 0; partition < 2; partition++) {
                for (int i = 0; i < PER_PARTITION; i++) {
                    expected.add(partition + ":" + i);
                }
            }
            assertThat(read).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(read).doesNotHaveDuplicates();
        }
    }
}
