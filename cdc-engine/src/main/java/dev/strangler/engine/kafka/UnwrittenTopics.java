package dev.strangler.engine.kafka;

import dev.strangler.engine.SinkUnavailableException;
import dev.strangler.engine.config.PipelineConfig;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/**
 * Which of some topics nothing was ever written to (every partition's end offset is 0): a table whose topic is like
 * that has never been published by this pipeline, however long the pipeline has run. A topic that retention emptied
 * has a later end offset and is not one of them.
 */
public final class UnwrittenTopics {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private UnwrittenTopics() {
    }

    /** The topics among {@code topics} that exist and were never written to. */
    public static Set<String> of(PipelineConfig.Kafka kafka, String pipelineName, Collection<String> topics) {
        try (Admin admin = Admin.create(KafkaClientSettings.common(kafka, "strangler-admin-" + pipelineName))) {
            List<TopicPartition> partitions = ExistingPartitions.of(admin, topics, TIMEOUT);
            if (partitions.isEmpty()) {
                return Set.of();
            }
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(
                    partitions.stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            Set<String> written = new HashSet<>();
            ends.forEach((partition, end) -> {
                if (end.offset() > 0) {
                    written.add(partition.topic());
                }
            });
            return partitions.stream().map(TopicPartition::topic).filter(t -> !written.contains(t))
                    .collect(Collectors.toSet());
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new SinkUnavailableException("cannot list the end offsets of the table topics at "
                    + kafka.bootstrapServers() + ": " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkUnavailableException("interrupted while listing topic offsets", e);
        }
    }
}
