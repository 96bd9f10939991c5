package dev.strangler.engine.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;

/** The partitions of those of some topics that exist (a pipeline's topics may not, before its first start). */
final class ExistingPartitions {

    private ExistingPartitions() {
    }

    static List<TopicPartition> of(Admin admin, Collection<String> topics, Duration timeout)
            throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(timeout.toSeconds(), TimeUnit.SECONDS);
        List<String> present = topics.stream().filter(existing::contains).distinct().toList();
        List<TopicPartition> partitions = new ArrayList<>();
        if (present.isEmpty()) {
            return partitions;
        }
        admin.describeTopics(present).allTopicNames().get(timeout.toSeconds(), TimeUnit.SECONDS)
                .forEach((topic, description) -> description.partitions()
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition()))));
        return partitions;
    }
}
