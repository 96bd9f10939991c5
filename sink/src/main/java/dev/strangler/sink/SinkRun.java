package dev.strangler.sink;

import dev.strangler.sink.config.SinkConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One attempt of the sink: a database connection, a consumer in the group, and the loop poll, apply in one
 * transaction, commit, poll. It ends when {@link #wakeup()} is called for a stop (after the in-flight batch is
 * committed) or with the failure that ended it; the {@link Sink} decides what follows.
 *
 * <p>Partitions come and go with Kafka's group protocol. Everything happens on this one thread, and the rebalance
 * callbacks run inside {@code poll()}, between two batches: when a partition is revoked no transaction is in flight,
 * so nothing is half-applied; when one is assigned, its stored position is read from the database and the consumer
 * seeks there (Kafka's committed offset is only a hint for lag monitoring). An instance that lost a partition while
 * paused finds its position moved at commit and applies nothing ({@link PositionStore#advance}).
 */
final class SinkRun implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SinkRun.class);
    static final Duration POLL = Duration.ofMillis(500);

    private final SinkConfig config;
    private final PositionStore positions;
    private final Map<TopicPartition, OptionalLong> stored = new HashMap<>();
    private Connection db;
    private KafkaConsumer<byte[], byte[]> consumer;
    private DeadLetters deadLetters;
    private BatchApplier applier;

    SinkRun(SinkConfig config) {
        this.config = config;
        this.positions = new PositionStore(config.kafka().group(), config.name());
    }

    /** Opens the connection and the clients; throws what stopped it, leaving nothing open. */
    SinkRun open(List<MappingPlan> plans, SinkMetrics metrics) throws SQLException {
        try {
            db = TargetConnections.open(config.target(), "strangler-sink-" + config.name());
            consumer = new KafkaConsumer<>(SinkClients.consumer(config));
            if (config.errors() == SinkConfig.Errors.DEAD_LETTER) {
                deadLetters = new DeadLetters(new KafkaProducer<>(SinkClients.deadLetterProducer(config)),
                        config.kafka().deadLetterTopic(), config.name(), Clock.systemUTC());
            }
            applier = new BatchApplier(db, new EventDecoder(plans), positions, deadLetters, metrics,
                    config.markerRetention(), Clock.systemUTC());
            return this;
        } catch (SQLException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Polls and applies until {@code stopping} holds after a wake-up; throws the failure that ended the attempt. */
    void run(BooleanSupplier stopping) throws SQLException, InterruptedException {
        consumer.subscribe(config.topics(), new Rebalance());
        while (!stopping.getAsBoolean()) {
            ConsumerRecords<byte[], byte[]> polled;
            try {
                polled = consumer.poll(POLL);
            } catch (WakeupException e) {
                continue; // a stop: the loop condition decides
            } catch (OffsetOutOfRangeException e) {
                throw outOfRange(e);
            }
            if (polled.isEmpty()) {
                skipIdle();
                continue;
            }
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>(polled.count());
            polled.forEach(records::add);
            Map<TopicPartition, Long> ends = new HashMap<>();
            for (TopicPartition tp : polled.partitions()) {
                ends.put(tp, consumer.position(tp)); // known after the poll: no round trip
            }
            Map<TopicPartition, Long> next;
            try {
                next = applier.apply(records, stored, ends);
            } catch (BatchApplier.PositionMovedException e) {
                LOG.warn("{}; reading the stored positions again instead of applying the batch", e.getMessage());
                seekToStored(consumer.assignment());
                continue;
            }
            stored(next);
        }
    }

    /**
     * After an empty poll: the consumer may have passed transaction markers or aborted records after the last
     * applied record; the stored position follows, so a caught-up partition's stored position is its end offset.
     */
    private void skipIdle() throws SQLException {
        Map<TopicPartition, Long> positions = new HashMap<>();
        stored.forEach((tp, position) -> {
            if (position.isPresent() && consumer.assignment().contains(tp)) {
                long now = consumer.position(tp); // sought to the stored position: known, no round trip
                if (now > position.getAsLong()) {
                    positions.put(tp, now);
                }
            }
        });
        if (positions.isEmpty()) {
            return;
        }
        try {
            stored(applier.skipTo(stored, positions));
        } catch (BatchApplier.PositionMovedException e) {
            LOG.warn("{}; reading the stored positions again", e.getMessage());
            seekToStored(consumer.assignment());
        }
    }

    /** Remembers committed positions, and tells Kafka as a hint for lag monitoring (kafka-consumer-groups.sh). */
    private void stored(Map<TopicPartition, Long> next) {
        Map<TopicPartition, OffsetAndMetadata> hint = new HashMap<>();
        next.forEach((tp, offset) -> {
            stored.put(tp, OptionalLong.of(offset));
            hint.put(tp, new OffsetAndMetadata(offset));
        });
        if (hint.isEmpty()) {
            return;
        }
        // only a hint: the positions that count are in the database, with the rows
        consumer.commitAsync(hint, (offsets, e) -> {
            if (e != null) {
                LOG.debug("committing the lag hint to Kafka failed: {}", e.getMessage());
            }
        });
    }

    /** Ends a {@link #run} from another thread: the in-flight batch is committed first. Thread-safe. */
    void wakeup() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }

    private void seekToStored(Collection<TopicPartition> partitions) {
        try {
            for (TopicPartition tp : partitions) {
                OptionalLong position = positions.read(db, tp);
                stored.put(tp, position);
                if (position.isPresent()) {
                    consumer.seek(tp, position.getAsLong());
                } else {
                    consumer.seekToBeginning(List.of(tp));
                }
                LOG.info("partition {}: {}", tp, position.isPresent() ? "resuming at stored offset "
                        + position.getAsLong() : "no stored position, starting at its earliest offset");
            }
            db.commit();
        } catch (SQLException e) {
            throw new StoredPositionsUnreadable(e);
        }
    }

    /** The database failed while a rebalance read positions; the cause classifies the failure. */
    static final class StoredPositionsUnreadable extends RuntimeException {
        StoredPositionsUnreadable(SQLException cause) {
            super("reading the stored positions from " + PositionStore.OFFSETS + " failed: "
                    + SqlStates.describe(cause), cause);
        }
    }

    private SinkKafkaException outOfRange(OffsetOutOfRangeException e) {
        return new SinkKafkaException("Kafka no longer has the stored position(s) " + e.offsetOutOfRangePartitions()
                + " of group " + config.kafka().group() + ": those events were deleted (retention) before the sink "
                + "applied them, so the legacy table misses them. The sink stops instead of skipping: bring the table "
                + "back in line (a fresh snapshot of the source, or by hand), then delete the group's rows from "
                + PositionStore.OFFSETS + " to start from the earliest offset", e);
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (!partitions.isEmpty()) {
                seekToStored(partitions);
            }
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // called inside poll(), between two batches: no transaction is in flight, nothing to finish or abort
            partitions.forEach(stored::remove);
            if (!partitions.isEmpty()) {
                LOG.info("partitions revoked: {}", partitions);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(stored::remove);
            LOG.warn("partitions lost (another instance may own them now; its writes win): {}", partitions);
        }
    }

    @Override
    public void close() {
        if (consumer != null) {
            try {
                consumer.close(Duration.ofSeconds(10)); // leaves the group, so the partitions move on at once
            } catch (RuntimeException e) {
                LOG.debug("closing the consumer failed: {}", e.getMessage());
            }
        }
        if (deadLetters != null) {
            try {
                deadLetters.close();
            } catch (RuntimeException e) {
                LOG.debug("closing the dead-letter producer failed: {}", e.getMessage());
            }
        }
        if (applier != null) {
            applier.close();
        }
        if (db != null) {
            try {
                db.close();
            } catch (SQLException e) {
                LOG.debug("closing the database connection failed: {}", e.getMessage());
            }
        }
    }
}
