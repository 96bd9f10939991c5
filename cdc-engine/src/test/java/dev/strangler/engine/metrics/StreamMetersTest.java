package dev.strangler.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class StreamMetersTest {

    private static final Schema ENVELOPE = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).build();
    private static final long T0_MICROS = 1_700_000_000_000_000L;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final SnapshotProgress snapshot = new SnapshotProgress();
    private final StreamMeters meters = new StreamMeters(registry, topic -> topic.substring(topic.indexOf('.') + 1),
            tx -> "trace" + tx, snapshot);

    private static SourceRecord record(String topic, String op, long txId, long lsn, long commitMicros,
                                       Map<String, Object> extraOffset) {
        Map<String, Object> offset = new HashMap<>(extraOffset);
        offset.put("lsn", lsn);
        offset.put("txId", txId);
        offset.put("ts_usec", commitMicros);
        Struct value = op == null ? null : new Struct(ENVELOPE).put("op", op);
        return new SourceRecord(Map.of("server", "p"), offset, topic, null, null, ENVELOPE, value);
    }

    private static SourceRecord change(String op, long txId, long lsn, long commitMicros) {
        return record("p.shop.orders", op, txId, lsn, commitMicros, Map.of());
    }

    private double published(String op) {
        var counter = registry.find("strangler.events.published").tag("op", op).tag("table", "shop.orders")
                .functionCounter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void shouldCountEventsPerTableAndOperationAndTimeEachTransactionOnce() {
        List<SourceRecord> batch = List.of(change("c", 7, 100, T0_MICROS), change("u", 7, 101, T0_MICROS),
                change("d", 8, 102, T0_MICROS + 500_000), change(null, 8, 102, T0_MICROS + 500_000));
        meters.batchCommitted(batch, batch.get(3), 2, T0_MICROS / 1000 + 1_500);

        assertThat(published("create")).isEqualTo(1);
        assertThat(published("update")).isEqualTo(1);
        assertThat(published("delete")).isEqualTo(1);
        assertThat(published("tombstone")).isEqualTo(1);
        assertThat(meters.publishedPerTable()).isEqualTo(Map.of("shop.orders",
                Map.of("create", 1L, "update", 1L, "delete", 1L, "tombstone", 1L)));
        var latency = registry.find("strangler.commit.to.ack").timer();
        assertThat(latency.count()).as("one observation per source transaction").isEqualTo(2);
        assertThat(latency.max(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(1_500);
        assertThat(registry.find("strangler.batches").counter().count()).isEqualTo(1);
        assertThat(registry.find("strangler.events.skipped").counter().count()).isEqualTo(2);
        assertThat(meters.newestCommitMicros()).isEqualTo(T0_MICROS + 500_000);
        assertThat(meters.newestLsn()).isEqualTo(102);
    }

    @Test
    void shouldFollowTheSnapshotFromItsFirstRowToItsLastAndLeaveItsRowsOutOfTheLag() {
        SourceRecord row1 = record("p.shop.orders", "r", 1, 50, T0_MICROS, Map.of("snapshot", "INITIAL"));
        meters.batchCommitted(List.of(row1), row1, 0, 1_000);
        assertThat(snapshot.running()).isTrue();
        assertThat(meters.newestCommitMicros()).as("snapshot reads are no commits").isEqualTo(-1);
        assertThat(snapshot.tables(List.of("shop.orders")).get(0).rows()).isEqualTo(1);

        SourceRecord last = record("p.shop.orders", "r", 1, 50, T0_MICROS, Map.of("snapshot", "INITIAL",
                "last_snapshot_record", true));
        SourceRecord streamed = change("c", 9, 60, T0_MICROS + 1);
        meters.batchCommitted(List.of(last, streamed), streamed, 0, 2_000);
        assertThat(snapshot.running()).isFalse();
        assertThat(snapshot.finishedAtMillis()).isEqualTo(2_000);
        assertThat(snapshot.tables(List.of("shop.orders")).get(0).rows()).isEqualTo(2);
        assertThat(meters.newestCommitMicros()).isEqualTo(T0_MICROS + 1);
    }

    @Test
    void shouldEndASnapshotWhenStreamedChangesFollowItsRows() {
        SourceRecord row = record("p.shop.orders", "r", 1, 50, T0_MICROS, Map.of("snapshot", "INITIAL"));
        meters.batchCommitted(List.of(row), row, 0, 1_000);
        SourceRecord streamed = change("u", 9, 60, T0_MICROS + 1);
        meters.batchCommitted(List.of(streamed), streamed, 0, 2_000);
        assertThat(snapshot.running()).isFalse();
    }

    @Test
    void shouldKeepCountsWithoutARegistry() {
        StreamMeters bare = new StreamMeters(null, t -> "shop.orders", tx -> "", new SnapshotProgress());
        bare.batchCommitted(List.of(change("c", 1, 1, T0_MICROS)), null, 0, 1);
        assertThat(bare.publishedPerTable()).isEqualTo(Map.of("shop.orders", Map.of("create", 1L)));
    }
}
