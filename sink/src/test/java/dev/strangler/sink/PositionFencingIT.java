package dev.strangler.sink;

import static dev.strangler.sink.it.SinkFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.sandbox.Sandbox;
import dev.strangler.sink.config.SinkConfig;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The zombie case a rebalance can leave behind, made deterministic: an instance that lost its partition while paused
 * still holds a batch and the position it read before. Its commit must find the position moved and apply nothing,
 * whichever of the two instances commits first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PositionFencingIT {

    private static final String TOPIC = "fence.svc.items";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    private Sandbox sandbox;
    private String db;
    private List<MappingPlan> plans;
    private SinkConfig config;

    @BeforeAll
    void start() {
        sandbox = Sandbox.start();
        db = database(sandbox, "CREATE SCHEMA legacy",
                "CREATE TABLE legacy.items (id bigint PRIMARY KEY, qty int NOT NULL)",
                "CREATE TABLE legacy.applied (seq bigserial PRIMARY KEY, id bigint, qty int)",
                "CREATE FUNCTION legacy.audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "INSERT INTO legacy.applied (id, qty) VALUES (NEW.id, NEW.qty); RETURN NEW; END $$",
                "CREATE TRIGGER audit AFTER INSERT OR UPDATE ON legacy.items FOR EACH ROW "
                        + "EXECUTE FUNCTION legacy.audit()");
        Map<String, String> s = settings(sandbox, db, "fence");
        s.put("sink.mappings", "items");
        s.put("mapping.items.topic", TOPIC);
        s.put("mapping.items.table", "legacy.items");
        config = config(s);
        plans = SinkPreflight.run(config, false, Duration.ofSeconds(15));
    }

    @AfterAll
    void stop() {
        sandbox.close();
    }

    private BatchApplier applier(Connection c) {
        return new BatchApplier(c, new EventDecoder(plans), new PositionStore(config.kafka().group(), "fence"), null,
                new SinkMetrics(), Duration.ofDays(7), Clock.systemUTC());
    }

    private static List<ConsumerRecord<byte[], byte[]>> records(long from, long to) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (long offset = from; offset < to; offset++) {
            ProducerRecord<String, String> r = change(TOPIC, "c", offset, "\"qty\":" + (offset + 1));
            records.add(new ConsumerRecord<>(TOPIC, 0, offset, 0L, TimestampType.CREATE_TIME, -1, -1,
                    r.key().getBytes(StandardCharsets.UTF_8), r.value().getBytes(StandardCharsets.UTF_8),
                    new RecordHeaders(), Optional.empty()));
        }
        return records;
    }

    @Test
    void aPausedInstanceThatLostItsPartitionAppliesNothingOfItsBatch() throws Exception {
        try (Connection active = TargetConnections.open(config.target(), "fence-active");
             Connection zombie = TargetConnections.open(config.target(), "fence-zombie")) {
            // both read "no position yet" when the partition was theirs
            Map<TopicPartition, OptionalLong> readByZombie = Map.of(TP, OptionalLong.empty());
            Map<TopicPartition, Long> committed = applier(active).apply(records(0, 10),
                    Map.of(TP, OptionalLong.empty()), Map.of());
            assertThat(committed).containsEntry(TP, 10L);

            assertThatThrownBy(() -> applier(zombie).apply(records(0, 10), readByZombie, Map.of()))
                    .isInstanceOf(BatchApplier.PositionMovedException.class).hasMessageContaining(TP.toString());
            assertThat(queryLong(sandbox, db, "SELECT count(*) FROM legacy.applied")).isEqualTo(10);

            // later: the zombie still believes 10, the active one moved on to 20 meanwhile
            applier(active).apply(records(10, 20), Map.of(TP, OptionalLong.of(10)), Map.of());
            assertThatThrownBy(() -> applier(zombie).apply(records(10, 20), Map.of(TP, OptionalLong.of(10)),
                    Map.of()))
                    .isInstanceOf(BatchApplier.PositionMovedException.class);
            assertThat(queryLong(sandbox, db, "SELECT count(*) FROM legacy.applied")).isEqualTo(20);
            assertThat(queryLong(sandbox, db, "SELECT count(*) FROM legacy.applied GROUP BY id ORDER BY 1 DESC "
                    + "LIMIT 1")).as("no row written twice").isEqualTo(1);
            assertThat(storedPositions(sandbox, db, config.kafka().group(), TOPIC)).containsEntry(0, 20L);
        }
    }

    @Test
    void whenBothCommitAtOnceTheSecondWaitsForTheFirstAndThenAppliesNothing() throws Exception {
        try (Connection first = TargetConnections.open(config.target(), "fence-first");
             Connection second = TargetConnections.open(config.target(), "fence-second")) {
            long stored = storedPositions(sandbox, db, config.kafka().group(), TOPIC).getOrDefault(0, 0L);
            OptionalLong expected = stored == 0 ? OptionalLong.empty() : OptionalLong.of(stored);
            // the first holds its transaction open on the position row: its batch written, not committed
            BatchApplier slow = applier(first);
            new PositionStore(config.kafka().group(), "fence").advance(first, TP, expected, stored + 5);
            Thread committer = new Thread(() -> {
                try {
                    Thread.sleep(1000);
                    first.commit();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            committer.start();
            long before = queryLong(sandbox, db, "SELECT count(*) FROM legacy.applied");
            assertThatThrownBy(() -> applier(second).apply(records(stored, stored + 5), Map.of(TP, expected),
                    Map.of()))
                    .isInstanceOf(BatchApplier.PositionMovedException.class);
            committer.join();
            assertThat(queryLong(sandbox, db, "SELECT count(*) FROM legacy.applied")).isEqualTo(before);
            slow.close();
        }
    }
}
