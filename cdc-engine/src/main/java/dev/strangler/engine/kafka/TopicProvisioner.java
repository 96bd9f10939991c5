package dev.strangler.engine.kafka;

import dev.strangler.engine.SinkUnavailableException;
import dev.strangler.engine.config.PipelineConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the table topics that do not exist yet, with the configured partitions, replication factor, cleanup policy,
 * min.insync.replicas and max.message.bytes. Existing topics are left exactly as they are (their owner may have tuned
 * them), but a setting weaker than the pipeline's is logged as a warning: a lower max.message.bytes refuses large
 * changes, a lower min.insync.replicas acknowledges events a single broker failure can lose.
 */
public final class TopicProvisioner {

    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {
    }

    /** Returns the topics it created. */
    public static List<String> ensure(PipelineConfig.Kafka kafka, String pipelineName, Collection<String> topics) {
        try (Admin admin = Admin.create(KafkaClientSettings.common(kafka, "strangler-admin-" + pipelineName))) {
            return ensure(admin, kafka, topics);
        }
    }

    /**
     * Creates the pipeline's control topics (signals, notifications, transaction boundaries) that do not exist yet,
     * with one partition each and deletion by retention: Debezium's signal channel reads partition 0 only, and
     * notifications and boundaries are read in the order they were sent.
     */
    public static void ensureControlTopics(PipelineConfig.Kafka kafka, String pipelineName,
                                           Collection<String> topics) {
        try (Admin admin = Admin.create(KafkaClientSettings.common(kafka, "strangler-admin-" + pipelineName))) {
            ensure(admin, kafka, topics, 1, TopicConfig.CLEANUP_POLICY_DELETE);
        }
    }

    /**
     * Creates topics the pipeline learns about only while streaming (outbox aggregate types), once each; the
     * broker may not auto-create topics, and a send to a missing topic would block and fail.
     */
    public static final class OnDemand implements AutoCloseable {
        private final PipelineConfig.Kafka kafka;
        private final Admin admin;
        private final Set<String> known = java.util.concurrent.ConcurrentHashMap.newKeySet();

        public OnDemand(PipelineConfig.Kafka kafka, String pipelineName, Collection<String> alreadyProvisioned) {
            this.kafka = kafka;
            this.admin = Admin.create(KafkaClientSettings.common(kafka, "strangler-admin-" + pipelineName));
            this.known.addAll(alreadyProvisioned);
        }

        public void ensure(String topic) {
            if (known.contains(topic)) {
                return;
            }
            TopicProvisioner.ensure(admin, kafka, List.of(topic));
            known.add(topic);
        }

        @Override
        public void close() {
            admin.close(java.time.Duration.ofSeconds(5));
        }
    }

    /** The settings of a topic this pipeline creates (its offsets topic adds compaction to these). */
    public static Map<String, String> topicConfigs(PipelineConfig.Kafka kafka) {
        Map<String, String> configs = new java.util.HashMap<>();
        configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(kafka.maxRecordBytes()));
        kafka.topicMinInsyncReplicas().ifPresent(n ->
                configs.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, String.valueOf(n)));
        return configs;
    }

    private static List<String> ensure(Admin admin, PipelineConfig.Kafka kafka, Collection<String> topics) {
        return ensure(admin, kafka, topics, kafka.topicPartitions(), kafka.topicCleanupPolicy());
    }

    private static List<String> ensure(Admin admin, PipelineConfig.Kafka kafka, Collection<String> topics,
                                       int partitions, String cleanupPolicy) {
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            List<String> present = new ArrayList<>();
            for (String topic : topics) {
                if (!existing.contains(topic)) {
                    Optional<Short> replication = kafka.topicReplicationFactor().isPresent()
                            ? Optional.of((short) kafka.topicReplicationFactor().getAsInt()) : Optional.empty();
                    Map<String, String> configs = new java.util.HashMap<>(topicConfigs(kafka));
                    configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy);
                    missing.add(new NewTopic(topic, Optional.of(partitions), replication)
                            .configs(configs));
                } else {
                    present.add(topic);
                }
            }
            warnAboutWeakerSettings(admin, kafka, present);
            if (missing.isEmpty()) {
                return List.of();
            }
            List<String> created = new ArrayList<>();
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get();
                    created.add(entry.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            LOG.info("created topics {}", created);
            return created;
        } catch (ExecutionException e) {
            throw new SinkUnavailableException("cannot create topics in Kafka at " + kafka.bootstrapServers() + ": "
                    + e.getCause().getMessage() + " — create them yourself or grant CREATE on the cluster", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkUnavailableException("interrupted while creating topics", e);
        }
    }

    private static void warnAboutWeakerSettings(Admin admin, PipelineConfig.Kafka kafka, List<String> topics)
            throws InterruptedException {
        if (topics.isEmpty()) {
            return;
        }
        List<ConfigResource> resources = topics.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
        Map<ConfigResource, Config> configs;
        try {
            configs = admin.describeConfigs(resources).all().get();
        } catch (ExecutionException e) {
            LOG.warn("could not read the settings of existing topics {}: {}", topics, e.getCause().getMessage());
            return;
        }
        configs.forEach((resource, config) -> {
            String topic = resource.name();
            intValue(config, TopicConfig.MAX_MESSAGE_BYTES_CONFIG).filter(v -> v < kafka.maxRecordBytes())
                    .ifPresent(v -> LOG.warn("topic {} has max.message.bytes={}, below kafka.max.record.bytes={}: a "
                            + "change larger than that stops the pipeline; raise it with kafka-configs.sh --alter "
                            + "--entity-type topics --entity-name {} --add-config max.message.bytes={}", topic, v,
                            kafka.maxRecordBytes(), topic, kafka.maxRecordBytes()));
            kafka.topicMinInsyncReplicas().ifPresent(wanted -> intValue(config,
                    TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG).filter(v -> v < wanted).ifPresent(v -> LOG.warn(
                    "topic {} has min.insync.replicas={}, below topic.min.insync.replicas={}: an acknowledged event "
                    + "may be on a single broker; raise it with kafka-configs.sh --alter --entity-type topics "
                    + "--entity-name {} --add-config min.insync.replicas={}", topic, v, wanted, topic, wanted)));
        });
    }

    private static Optional<Integer> intValue(Config config, String name) {
        ConfigEntry entry = config.get(name);
        if (entry == null || entry.value() == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(entry.value()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
