package dev.strangler.sink.config;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * What {@code kafka.client.*} may carry: settings of Kafka's own clients (security, DNS, timeouts), never the ones the
 * sink's guarantees rest on. Each refusal says why.
 */
final class ClientGuard {

    private static final Map<String, String> MANAGED = Map.ofEntries(
            Map.entry(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "set kafka.bootstrap.servers"),
            Map.entry(ConsumerConfig.CLIENT_ID_CONFIG, "each client gets an id naming the sink"),
            Map.entry(ConsumerConfig.GROUP_ID_CONFIG, "set sink.group"),
            Map.entry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "the sink reads read_committed: an aborted "
                    + "transaction's events must never reach the legacy tables"),
            Map.entry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "positions are stored in the legacy database with "
                    + "the writes; Kafka's committed offsets are only a hint"),
            Map.entry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "a partition without a stored position starts at its "
                    + "beginning, and a stored position Kafka no longer has stops the sink instead of skipping"),
            Map.entry(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "set sink.batch.size"),
            Map.entry(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "records are read as bytes"),
            Map.entry(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "records are read as bytes"),
            Map.entry(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "dead letters are written as bytes"),
            Map.entry(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "dead letters are written as bytes"),
            Map.entry(ProducerConfig.ACKS_CONFIG, "acks=all: a dead letter is durable before the rest is committed"),
            Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "idempotence keeps dead letters in order"),
            Map.entry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "the sink's producer is not transactional"));

    private static final Set<String> KNOWN = known();

    private ClientGuard() {
    }

    static void check(String prefix, Map<String, String> settings) {
        for (String key : settings.keySet()) {
            String reason = MANAGED.get(key);
            if (reason != null) {
                throw new SinkConfigException(prefix + key + " cannot be set: " + reason);
            }
            if (!KNOWN.contains(key)) {
                throw new SinkConfigException(prefix + key + " is not a setting of Kafka's consumer, producer or "
                        + "admin client; kafka.client.* passes only those (e.g. kafka.client.security.protocol)");
            }
        }
    }

    private static Set<String> known() {
        Set<String> names = new HashSet<>(ConsumerConfig.configNames());
        names.addAll(ProducerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return names;
    }
}
