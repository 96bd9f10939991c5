package dev.strangler.engine.kafka;

import dev.strangler.engine.config.PipelineConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The edge where the typed Kafka settings become the string maps Kafka's clients take. */
public final class KafkaClientSettings {

    private KafkaClientSettings() {
    }

    /** Settings every client shares: bootstrap servers plus kafka.client.* (security, DNS lookup...). */
    public static Map<String, Object> common(PipelineConfig.Kafka kafka, String clientId) {
        Map<String, Object> props = new HashMap<>(kafka.clientOverrides());
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return props;
    }

    /**
     * The producer: idempotent with acks=all, so per-key order survives retries and an acknowledged record is on
     * every in-sync replica; transactional for exactly-once delivery, with an id derived from the pipeline's name so
     * that a new instance fences an old one. kafka.producer.* may tune batching but not weaken any of that (the
     * configuration refuses those keys).
     */
    public static Map<String, Object> producer(PipelineConfig.Kafka kafka, String pipelineName,
                                               PipelineConfig.DeliveryGuarantee delivery) {
        Map<String, Object> props = common(kafka, "strangler-" + pipelineName);
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // the buffer must hold at least one record of the largest allowed size, or such a record can never be sent
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG,
                String.valueOf(Math.max(64L * 1024 * 1024, 2L * kafka.maxRecordBytes())));
        props.putAll(kafka.producerOverrides());
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(kafka.maxRecordBytes()));
        if (delivery == PipelineConfig.DeliveryGuarantee.EXACTLY_ONCE) {
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(pipelineName));
        }
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    /**
     * How long a batch may wait for its acknowledgements: the producer's delivery timeout (after which a plain
     * producer fails its records) and a margin.
     */
    public static java.time.Duration sendTimeout(PipelineConfig.Kafka kafka) {
        long delivery = Long.parseLong(kafka.producerOverrides().getOrDefault(
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000"));
        return java.time.Duration.ofMillis(delivery).plusSeconds(5);
    }

    /**
     * How long a transaction left open by a previous producer can hold back read_committed readers: the transaction
     * timeout, after which the coordinator aborts it, plus the coordinator's abort check (every 10 s by default) and
     * a margin.
     */
    public static java.time.Duration transactionSettleTimeout(PipelineConfig.Kafka kafka) {
        long timeout = Long.parseLong(kafka.producerOverrides().getOrDefault(
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000"));
        return java.time.Duration.ofMillis(timeout).plusSeconds(30);
    }

    /** One per pipeline name: a second instance that initialises it fences the first. */
    public static String transactionalId(String pipelineName) {
        return "strangler-" + pipelineName;
    }
}
