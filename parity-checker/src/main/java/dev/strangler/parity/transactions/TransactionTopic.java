package dev.strangler.parity.transactions;

import dev.strangler.contract.TableId;
import dev.strangler.parity.Progress;
import dev.strangler.parity.stream.TopicReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.LongPredicate;
import java.util.function.LongUnaryOperator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The Kafka side of transaction completeness: reads the pipeline's transaction topic up to end offsets taken when it
 * is called (after the wait for the pipeline, before any table topic: the same cut the table topics are read for),
 * and leaves out tables whose topics are compacted.
 */
public final class TransactionTopic {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private TransactionTopic() {
    }

    /**
     * The check for {@code tables}, with every END of {@code topic} read; a check that says why it was not done when
     * the topic does not exist or holds no record (the pipeline does not publish transaction metadata).
     */
    public static TransactionCompleteness read(TopicReader reader, String topic, List<TableId> tables,
                                               Function<TableId, String> topicFor, String bootstrapServers,
                                               Map<String, String> clientProperties, LongUnaryOperator widen,
                                               LongPredicate visible, Progress progress) {
        TopicReader.TopicExtent extent = reader.extent(topic, TIMEOUT);
        if (!extent.exists()) {
            return TransactionCompleteness.notChecked(topic, "topic " + topic + " does not exist: the pipeline does "
                    + "not publish transaction boundaries (transactions.metadata=true does)");
        }
        if (extent.records() == 0) {
            return TransactionCompleteness.notChecked(topic, "topic " + topic + " holds no record");
        }
        TransactionCompleteness check = new TransactionCompleteness(topic, tables, widen, visible,
                TransactionCompleteness.defaultMaxPairs());
        if (!extent.truncatedPartitions().isEmpty()) {
            check.note("records of " + topic + " before offset(s) " + extent.truncatedPartitions()
                    + " (partition=offset) were deleted by retention: the transactions they announced were not "
                    + "checked");
        }
        compacted(tables, topicFor, bootstrapServers, clientProperties, check);
        reader.read(topic, extent, record -> check.acceptRecord(record.value()), progress);
        check.rereadWith(sink -> reader.read(topic, extent, record -> sink.accept(record.value()), progress));
        return check;
    }

    /** Leaves out tables whose topic is compacted: compaction removes events a transaction's END counts. */
    private static void compacted(List<TableId> tables, Function<TableId, String> topicFor, String bootstrapServers,
                                  Map<String, String> clientProperties, TransactionCompleteness check) {
        Properties p = new Properties();
        p.putAll(clientProperties);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(AdminClientConfig.CLIENT_ID_CONFIG, "strangler-parity-admin");
        Map<TableId, ConfigResource> resources = new HashMap<>();
        tables.forEach(t -> resources.put(t, new ConfigResource(ConfigResource.Type.TOPIC, topicFor.apply(t))));
        try (Admin admin = Admin.create(p)) {
            Map<ConfigResource, KafkaFuture<Config>> configs = admin.describeConfigs(resources.values()).values();
            for (var entry : resources.entrySet()) {
                try {
                    ConfigEntry policy = configs.get(entry.getValue()).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                            .get(TopicConfig.CLEANUP_POLICY_CONFIG);
                    if (policy != null && policy.value() != null && policy.value().contains("compact")) {
                        check.skipTable(entry.getKey(), "its topic is compacted (cleanup.policy=" + policy.value()
                                + "), which removes events a transaction's END counts");
                    }
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)) {
                        check.note("the cleanup.policy of " + entry.getValue().name() + " could not be read ("
                                + e.getCause().getMessage() + "); taken to be delete");
                    } // else: no such topic, so the table is UNVERIFIABLE and not judged anyway
                } catch (TimeoutException e) {
                    check.note("the cleanup.policy of " + entry.getValue().name() + " could not be read in "
                            + TIMEOUT.toSeconds() + " s; taken to be delete");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            check.note("interrupted while reading the topics' cleanup.policy");
        }
    }
}
