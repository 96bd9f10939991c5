package dev.strangler.engine.kafka;

import dev.strangler.engine.SinkUnavailableException;
import dev.strangler.engine.config.PipelineConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.AbortTransactionSpec;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends the pipeline's own transactions that Kafka left open on a partition after its coordinator closed them.
 *
 * <p>Seen for real: a broker shut down while the pipeline's producer was writing a batch (its produce requests
 * failing partition verification with COORDINATOR_NOT_AVAILABLE); after the restart the coordinator had no
 * transaction open for the pipeline's transactional id, yet the offsets topic's partition held records of it with
 * no end marker. Such a "hanging" transaction never times out: every read_committed reader of the partition stops
 * at it, the pipeline's own start (which reads its position that way) included, and so do the consumers of a table
 * topic it hangs on. Right after this instance's producer has been initialised, an open transaction of the same
 * producer id on a partition the pipeline writes can only be such a leftover, since the coordinator has just fenced
 * every older epoch: it is aborted the way {@code kafka-transactions.sh abort} does (its records were never
 * committed, so nothing a consumer saw changes, and the batch is sent again from the stored position).
 */
public final class StaleTransactions {

    private static final Logger LOG = LoggerFactory.getLogger(StaleTransactions.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** The coordinator states in which no transaction of the id is open. */
    private static final Set<TransactionState> CLOSED = EnumSet.of(TransactionState.EMPTY,
            TransactionState.COMPLETE_ABORT, TransactionState.COMPLETE_COMMIT);

    private StaleTransactions() {
    }

    /**
     * Aborts every transaction of {@code transactionalId}'s producer still open on a partition of {@code topics}
     * (those that exist) while its coordinator has none open. Call it after {@code initTransactions()} and before
     * the first batch. Returns what was aborted.
     *
     * @throws SinkUnavailableException when Kafka cannot answer or refuses the abort (the message says how to abort
     *                                  by hand)
     */
    public static List<AbortTransactionSpec> abort(PipelineConfig.Kafka kafka, String pipelineName,
                                                   String transactionalId, Collection<String> topics) {
        try (Admin admin = Admin.create(KafkaClientSettings.common(kafka, "strangler-txn-" + pipelineName))) {
            TransactionDescription own = admin.describeTransactions(List.of(transactionalId))
                    .description(transactionalId).get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            List<TopicPartition> partitions = ExistingPartitions.of(admin, topics, REQUEST_TIMEOUT);
            if (partitions.isEmpty()) {
                return List.of();
            }
            Map<TopicPartition, List<ProducerState>> active = new java.util.HashMap<>();
            admin.describeProducers(partitions).all().get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                    .forEach((tp, description) -> active.put(tp, description.activeProducers()));
            List<AbortTransactionSpec> stale = find(own, active);
            for (AbortTransactionSpec spec : stale) {
                abort(admin, kafka, pipelineName, spec);
            }
            return stale;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkUnavailableException("interrupted while looking for transactions left open", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new SinkUnavailableException("could not look for transactions left open at "
                    + kafka.bootstrapServers() + ": " + (e.getCause() == null ? e.getMessage()
                    : e.getCause().getMessage()), e);
        }
    }

    /** Writes the abort marker of {@code spec}'s transaction on its partition, as kafka-transactions.sh does. */
    static void abort(Admin admin, PipelineConfig.Kafka kafka, String pipelineName, AbortTransactionSpec spec)
            throws InterruptedException, TimeoutException {
        LOG.warn("pipeline '{}': aborting a transaction Kafka left open on {} (producer id {}, epoch {}), which would "
                        + "block every read_committed reader of it; its records were never committed and are sent "
                        + "again", pipelineName, spec.topicPartition(), spec.producerId(), spec.producerEpoch());
        try {
            admin.abortTransaction(spec).all().get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new SinkUnavailableException("Kafka refused to abort the transaction left open on "
                    + spec.topicPartition() + " (producer id " + spec.producerId() + "): "
                    + e.getCause().getMessage() + "; abort it by hand with kafka-transactions.sh --bootstrap-server "
                    + kafka.bootstrapServers() + " abort --topic " + spec.topicPartition().topic() + " --partition "
                    + spec.topicPartition().partition() + " --producer-id " + spec.producerId()
                    + " --producer-epoch " + spec.producerEpoch() + " --coordinator-epoch "
                    + spec.coordinatorEpoch(), e.getCause());
        }
    }

    /** The open transactions of {@code own}'s producer on partitions, when its coordinator has none open. */
    static List<AbortTransactionSpec> find(TransactionDescription own, Map<TopicPartition, List<ProducerState>> active) {
        if (!CLOSED.contains(own.state())) {
            return List.of(); // a transaction the coordinator knows of ends by itself (commit, abort or timeout)
        }
        List<AbortTransactionSpec> stale = new ArrayList<>();
        active.forEach((tp, producers) -> producers.stream()
                .filter(p -> p.producerId() == own.producerId() && p.currentTransactionStartOffset().isPresent())
                .forEach(p -> stale.add(new AbortTransactionSpec(tp, p.producerId(), (short) p.producerEpoch(),
                        p.coordinatorEpoch().orElse(0)))));
        stale.sort(java.util.Comparator.comparing(AbortTransactionSpec::topicPartition,
                java.util.Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition)));
        return stale;
    }
}
