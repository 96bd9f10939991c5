package dev.strangler.sink;

import dev.strangler.sink.config.SinkConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The edge where the typed sink configuration becomes the string maps Kafka's clients take. */
final class SinkClients {

    private SinkClients() {
    }

    /**
     * The group's consumer: read_committed (an aborted transaction's events never reach a legacy table), no automatic
     * commit and no automatic reset (positions come from the database; a partition without one is sought to its
     * beginning explicitly, and a stored position Kafka no longer has stops the sink instead of skipping),
     * cooperative rebalancing (a partition that stays with an instance is not revoked and assigned again).
     */
    static Map<String, Object> consumer(SinkConfig config) {
        Map<String, Object> props = common(config, ConsumerConfig.configNames(), "strangler-sink-" + config.name());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.kafka().group());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.batchSize()));
        props.putIfAbsent(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                CooperativeStickyAssignor.class.getName());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    /** Dead letters: acknowledged by every in-sync replica before the batch that moves past them commits. */
    static Map<String, Object> deadLetterProducer(SinkConfig config) {
        Map<String, Object> props = common(config, ProducerConfig.configNames(),
                "strangler-sink-" + config.name() + "-dead-letters");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    static Map<String, Object> admin(SinkConfig config) {
        return common(config, AdminClientConfig.configNames(), "strangler-sink-" + config.name() + "-admin");
    }

    /** kafka.client.* that this kind of client knows, so none of them logs "not a known config". */
    private static Map<String, Object> common(SinkConfig config, Set<String> known, String clientId) {
        Map<String, Object> props = new HashMap<>();
        config.kafka().clientOverrides().forEach((k, v) -> {
            if (known.contains(k)) {
                props.put(k, v);
            }
        });
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
        props.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        return props;
    }
}
