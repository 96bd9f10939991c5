package dev.strangler.engine.kafka;

import dev.strangler.engine.SinkUnavailableException;
import dev.strangler.engine.config.PipelineConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Waits until no transaction is open on a topic, and names the one that stays open.
 *
 * <p>Why: the offsets topic is read with isolation.level=read_committed, and Kafka Connect's offset store reads "to
 * the end" by comparing its consumer's position with the end offset its admin client lists without isolation. While
 * a transaction is open, a read_committed consumer cannot pass its first record, so opening the store blocks, with no
 * timeout and no log line, until the transaction ends. A transaction of a previous attempt ends when this attempt's
 * producer is initialised or its timeout passes; one that never ends (a hanging transaction, or another producer
 * writing to the topic) would hold the pipeline in "waiting for Kafka" without saying why. This check bounds the wait
 * and says which transaction, where, and how to end it.
 */
public final class OpenTransactions {

    private static final Logger LOG = LoggerFactory.getLogger(OpenTransactions.class);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private OpenTransactions() {
    }

    /**
     * Returns once every transaction open on {@code topic} when called has ended (its partitions' last stable offset
     * reached their end), or at once when none is open.
     *
     * @throws SinkUnavailableException when one is still open after {@code timeout} (naming it), or Kafka cannot
     *                                  answer
     */
    public static void awaitSettled(PipelineConfig.Kafka kafka, String pipelineName, String topic, Duration timeout) {
        try (Admin admin = Admin.create(KafkaClientSettings.common(kafka, "strangler-txn-check-" + pipelineName))) {
            List<TopicPartition> partitions = ExistingPartitions.of(admin, List.of(topic), REQUEST_TIMEOUT);
            if (partitions.isEmpty()) {
                return;
            }
            Map<TopicPartition, Long> ends = offsets(admin, partitions, IsolationLevel.READ_UNCOMMITTED);
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean logged = false;
            while (true) {
                Map<TopicPartition, Long> stable = offsets(admin, partitions, IsolationLevel.READ_COMMITTED);
                List<TopicPartition> open = partitions.stream()
                        .filter(tp -> stable.get(tp) < ends.get(tp)).toList();
                if (open.isEmpty()) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new SinkUnavailableException(describe(admin, kafka, topic, open.get(0), timeout));
                }
                if (!logged) {
                    LOG.info("waiting up to {}s for the transaction open on '{}' to end before reading it",
                            timeout.toSeconds(), topic);
                    logged = true;
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkUnavailableException("interrupted while waiting for the transactions on '" + topic
                    + "' to end", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new SinkUnavailableException("could not list the offsets of '" + topic + "' at "
                    + kafka.bootstrapServers() + ": " + (e.getCause() == null ? e.getMessage()
                    : e.getCause().getMessage()), e);
        }
    }

    private static Map<TopicPartition, Long> offsets(Admin admin, List<TopicPartition> partitions,
                                                     IsolationLevel isolation)
            throws ExecutionException, InterruptedException, TimeoutException {
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(),
                        tp -> OffsetSpec.latest())), new ListOffsetsOptions(isolation)).all()
                .get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** The open transaction's producer, start offset and age, and what ends it; the partition alone if unknown. */
    private static String describe(Admin admin, PipelineConfig.Kafka kafka, String topic, TopicPartition partition,
                                   Duration waited) {
        String where = "'" + topic + "' partition " + partition.partition();
        String prefix = "a transaction on " + where + " is still open after " + waited.toSeconds() + "s, so its "
                + "committed records cannot be read past it";
        try {
            List<ProducerState> open = admin.describeProducers(List.of(partition)).partitionResult(partition)
                    .get(REQUEST_TIMEOUT.toSeconds(), TimeUnit.SECONDS).activeProducers().stream()
                    .filter(p -> p.currentTransactionStartOffset().isPresent()).toList();
            if (open.isEmpty()) {
                return prefix + "; if it stays, list it with kafka-transactions.sh --bootstrap-server "
                        + kafka.bootstrapServers() + " find-hanging";
            }
            ProducerState p = open.get(0);
            return prefix + " (producer id " + p.producerId() + ", epoch " + p.producerEpoch()
                    + ", open since offset " + p.currentTransactionStartOffset().getAsLong() + ", last write "
                    + Instant.ofEpochMilli(p.lastTimestamp()) + "); if it stays, it is a hanging transaction: abort "
                    + "it with kafka-transactions.sh --bootstrap-server " + kafka.bootstrapServers() + " abort --topic "
                    + topic + " --partition " + partition.partition() + " --start-offset "
                    + p.currentTransactionStartOffset().getAsLong();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return prefix + "; list it with kafka-transactions.sh --bootstrap-server " + kafka.bootstrapServers()
                    + " find-hanging";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return prefix;
        }
    }
}
