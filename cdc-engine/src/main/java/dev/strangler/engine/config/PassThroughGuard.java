package dev.strangler.engine.config;

import dev.strangler.contract.EventContract;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * Refuses pass-through settings that would break what Strangler promises: the event contract the parity checker reads
 * back, the slot's lifetime, the start decision, and the delivery guarantee. Every refusal names the reason and what
 * to set instead. The pass-through is for tuning; these keys are not tuning.
 */
final class PassThroughGuard {

    /** Debezium keys Strangler sets itself, each with the reason it cannot be overridden. */
    private static final Map<String, String> MANAGED_DEBEZIUM_KEYS = managedDebeziumKeys();

    /** Debezium key prefixes Strangler manages as a whole. */
    private static final Map<String, String> MANAGED_DEBEZIUM_PREFIXES = Map.of(
            "offset.storage", "set offsets.storage, offsets.topic or offsets.file",
            "offset.flush", "set offsets.flush.interval",
            "errors.", "restarts are Strangler's own, each through the start decision (restart.backoff.max tunes "
                    + "the back-off)",
            "transforms", "the event contract is fixed; transform events downstream (Kafka Streams, a consumer)",
            "predicates", "the event contract is fixed; transform events downstream (Kafka Streams, a consumer)",
            "internal.", "Debezium's internal settings are set by Strangler (task stop timeouts and the like)",
            "post.processors.", "post-processors change event values after the event contract; "
                    + "source.toast.reselect sets up Debezium's reselect post-processor",
            "signal.", "requests reach the pipeline through its Kafka signal topic (<topic.prefix>.strangler-signals), "
                    + "so nothing is written to the legacy database; send them with strangler snapshot",
            "notification.", "incremental snapshots are reported to <topic.prefix>.strangler-notifications, which "
                    + "strangler snapshot follows",
            "read.only", "incremental snapshots are read-only whenever the server allows it (PostgreSQL 13+)");

    /** Producer settings that carry the delivery guarantee or that a Strangler key sets. */
    private static final Map<String, String> MANAGED_PRODUCER_KEYS = Map.of(
            ProducerConfig.ACKS_CONFIG, "acks=all is what makes an acknowledged event durable",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "idempotence keeps per-key order across retries",
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "the transactional id is derived from pipeline.name: it is what "
                    + "fences a second instance of the pipeline",
            ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "set kafka.max.record.bytes (it also sets the topics' "
                    + "max.message.bytes)",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "records are serialised by the event contract",
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "records are serialised by the event contract",
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "set kafka.bootstrap.servers");

    /** Settings every client shares that Strangler sets per client. */
    private static final Map<String, String> MANAGED_CLIENT_KEYS = Map.ofEntries(
            Map.entry(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "set kafka.bootstrap.servers"),
            Map.entry(ProducerConfig.CLIENT_ID_CONFIG, "each client gets an id naming the pipeline"),
            Map.entry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "positions are read read_committed"),
            Map.entry(ConsumerConfig.GROUP_ID_CONFIG, "the pipeline's consumers use no group"),
            Map.entry(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, "records are read as bytes"),
            Map.entry(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, "records are read as bytes"),
            Map.entry(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "records are serialised by the event contract"),
            Map.entry(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "records are serialised by the event contract"),
            Map.entry(ProducerConfig.ACKS_CONFIG, "acks=all is what makes an acknowledged event durable"),
            Map.entry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "idempotence keeps per-key order across retries"),
            Map.entry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "the transactional id is derived from pipeline.name"),
            Map.entry(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "set kafka.max.record.bytes"));

    private static final Set<String> KAFKA_CLIENT_KEYS = kafkaClientKeys();

    private PassThroughGuard() {
    }

    static void checkDebezium(String prefix, Map<String, String> settings) {
        for (String key : settings.keySet()) {
            reasonForDebezium(key).ifPresent(reason -> {
                throw new ConfigException(prefix + key + " cannot be set through the pass-through: " + reason + ".");
            });
        }
    }

    static Optional<String> reasonForDebezium(String key) {
        String reason = MANAGED_DEBEZIUM_KEYS.get(key);
        if (reason != null) {
            return Optional.of(reason);
        }
        return MANAGED_DEBEZIUM_PREFIXES.entrySet().stream().filter(e -> key.startsWith(e.getKey()))
                .map(Map.Entry::getValue).findFirst();
    }

    static void checkProducer(String prefix, Map<String, String> settings) {
        for (String key : settings.keySet()) {
            String reason = MANAGED_PRODUCER_KEYS.get(key);
            if (reason != null) {
                throw new ConfigException(prefix + key + " cannot be set: " + reason + ".");
            }
            if (!ProducerConfig.configNames().contains(key)) {
                throw new ConfigException(prefix + key + " is not a Kafka producer setting; see Kafka's producer "
                        + "configuration reference (settings for every client go under kafka.client.*)");
            }
        }
    }

    /** kafka.client.* reaches Kafka's clients only: a key no Kafka client knows is refused, not handed to Debezium. */
    static void checkClient(String prefix, Map<String, String> settings) {
        for (String key : settings.keySet()) {
            String reason = MANAGED_CLIENT_KEYS.get(key);
            if (reason != null) {
                throw new ConfigException(prefix + key + " cannot be set: " + reason + ".");
            }
            if (!KAFKA_CLIENT_KEYS.contains(key)) {
                throw new ConfigException(prefix + key + " is not a Kafka client setting (producer, consumer or "
                        + "admin); kafka.client.* goes to Kafka's clients only — Debezium settings go under "
                        + "debezium.*");
            }
        }
    }

    private static Set<String> kafkaClientKeys() {
        Set<String> keys = new HashSet<>(ProducerConfig.configNames());
        keys.addAll(ConsumerConfig.configNames());
        keys.addAll(AdminClientConfig.configNames());
        return Set.copyOf(keys);
    }

    private static Map<String, String> managedDebeziumKeys() {
        Map<String, String> m = new LinkedHashMap<>();
        String contract = "the event contract fixes it";
        m.put("name", "set pipeline.name");
        m.put("connector.class", "the Postgres connector is fixed");
        m.put("plugin.name", "pgoutput is fixed");
        m.put("slot.name", "set source.slot");
        m.put("slot.failover", "set source.slot.failover (checked against the server version and the standbys)");
        m.put("slot.drop.on.stop", "the slot must outlive a stop, or the changes made while the pipeline is stopped "
                + "are lost; drop it with strangler slot drop when the migration is over");
        m.put("publication.name", "set source.publication");
        m.put("publication.autocreate.mode", "Strangler creates a filtered publication or uses yours");
        m.put("database.hostname", "set source.url");
        m.put("database.port", "set source.url");
        m.put("database.dbname", "set source.url");
        m.put("database.user", "set source.user");
        m.put("database.password", "set source.password");
        m.put("table.include.list", "set source.tables");
        m.put("table.exclude.list", "set source.tables");
        m.put("schema.include.list", "set source.tables");
        m.put("schema.exclude.list", "set source.tables");
        m.put("topic.prefix", "set topic.prefix");
        m.put("topic.naming.strategy", "topic names are part of the event contract");
        m.put("topic.delimiter", "topic names are part of the event contract");
        m.put("topic.heartbeat.prefix", "heartbeat records are managed and never published");
        m.put("snapshot.mode", "set snapshot.mode");
        m.put("snapshot.mode.custom.name", "set snapshot.mode");
        m.put("offset.mismatch.strategy", "how a start resumes is Strangler's start decision");
        m.put("flush.lsn.source", "the slot is confirmed exactly up to what Kafka has committed");
        m.put("lsn.flush.mode", "the slot is confirmed exactly up to what Kafka has committed");
        m.put("skipped.operations", "every change is published: consumers and the parity check rely on it");
        m.put("skip.messages.without.change", "every change is published: consumers and the parity check rely on "
                + "it");
        m.put("event.processing.failure.handling.mode", "a change that cannot be processed stops the pipeline "
                + "instead of being skipped");
        m.put("event.converting.failure.handling.mode", "a change that cannot be converted stops the pipeline "
                + "instead of being skipped");
        m.put("retriable.restart.connector.wait.ms", "restarts are Strangler's own, each through the start decision");
        m.put("heartbeat.interval.ms", "set heartbeat.interval");
        m.put("heartbeat.action.query", "the heartbeat query is managed");
        EventContract.debeziumSettings().forEach((key, value) -> m.put(key, contract + " to " + value));
        m.put("converters", "value formats are the event contract");
        m.put("post.processors", "post-processors change event values after the event contract; "
                + "source.toast.reselect sets up Debezium's reselect post-processor");
        String transactions = "set transactions.metadata=true (it also names the topic <topic.prefix>.transaction, "
                + "which strangler parity reads)";
        m.put("provide.transaction.metadata", transactions);
        m.put("topic.transaction", transactions);
        m.put("transaction.metadata.factory", "the BEGIN and END records' format is what consumers and strangler "
                + "parity read; " + transactions);
        m.put("extended.headers.enabled", "the intake headers say where a record came from");
        return Map.copyOf(m);
    }
}
