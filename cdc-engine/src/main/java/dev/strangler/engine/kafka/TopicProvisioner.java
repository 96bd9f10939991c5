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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the table topics that do not exist yet, with the configured partitions, replication factor and cleanup
 * policy. Existing topics are left exactly as they are: their owner may have tuned them.
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

    private static List<String> ensure(Admin admin, PipelineConfig.Kafka kafka, Collection<String> topics) {
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : topics) {
                if (!existing.contains(topic)) {
                    Optional<Short> replication = kafka.topicReplicationFactor().isPresent()
                            ? Optional.of((short) kafka.topicReplicationFactor().getAsInt()) : Optional.empty();
                    missing.add(new NewTopic(topic, Optional.of(kafka.topicPartitions()), replication)
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, kafka.topicCleanupPolicy())));
                }
            }
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
}
