package dev.strangler.engine.kafka;

import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;

/**
 * The offsets-topic record of a source position, byte for byte as Kafka Connect's {@code OffsetStorageWriter} writes
 * it (key {@code [namespace, partition]}, value the offset map, both schemaless JSON), so the engine's offset store
 * reads a position the publisher wrote inside a transaction exactly as if the engine had flushed it itself.
 */
public final class PositionRecords {

    private final String topic;
    private final String namespace;
    private final Converter keyConverter = converter(true);
    private final Converter valueConverter = converter(false);

    /**
     * @param topic     the offsets topic
     * @param namespace the engine's name (Debezium's offsets namespace), the pipeline name
     */
    public PositionRecords(String topic, String namespace) {
        this.topic = topic;
        this.namespace = namespace;
    }

    public ProducerRecord<byte[], byte[]> record(Map<String, ?> partition, Map<String, ?> offset) {
        byte[] key = keyConverter.fromConnectData(namespace, null, Arrays.asList(namespace, partition));
        byte[] value = valueConverter.fromConnectData(namespace, null, offset);
        return new ProducerRecord<>(topic, key, value);
    }

    /** The same converter settings as Debezium's {@code KafkaConnectUtil.converterForOffsetStore()}. */
    public static Converter converter(boolean isKey) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", "false"), isKey);
        return c;
    }
}
