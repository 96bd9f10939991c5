package dev.strangler.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class CountedPositionsTest {

    private static final Schema VALUE = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).build();
    private static final Map<String, String> PARTITION = Map.of("server", "p");

    @Test
    void storesEachPartitionsLastOffsetWithTheChangesOfItsTransactionAtItsLsn() {
        CountedPositions positions = new CountedPositions();
        positions.newBatch();
        positions.handled(change(PARTITION, "c", 7, 100));
        positions.handled(change(PARTITION, "c", 7, 200));
        SourceRecord last = change(PARTITION, "u", 7, 200);
        positions.handled(last);

        Map<Map<String, ?>, Map<String, ?>> stored = stored(positions);
        Map<String, Object> expected = new LinkedHashMap<>(last.sourceOffset());
        expected.put(ResumeGuard.EVENTS_AT_LSN, 2L);
        assertThat(stored).containsExactly(Map.entry(PARTITION, expected));
        assertThat(positions.eventsAtLsn()).isEqualTo(2);
    }

    @Test
    void countsAcrossBatchesBecauseABatchCanEndInsideATransaction() {
        CountedPositions positions = new CountedPositions();
        positions.newBatch();
        positions.handled(change(PARTITION, "c", 7, 200));
        positions.handled(change(PARTITION, "c", 7, 200));
        positions.newBatch();
        assertThat(stored(positions)).as("a new batch forgets the last one's positions").isEmpty();
        positions.handled(change(PARTITION, "d", 7, 200));
        assertThat(stored(positions).get(PARTITION).get(ResumeGuard.EVENTS_AT_LSN)).isEqualTo(3L);
        positions.handled(change(PARTITION, "c", 7, 300));
        assertThat(stored(positions).get(PARTITION).get(ResumeGuard.EVENTS_AT_LSN)).isEqualTo(1L);
        positions.handled(change(PARTITION, "c", 8, 300));
        assertThat(stored(positions).get(PARTITION).get(ResumeGuard.EVENTS_AT_LSN)).as("another transaction")
                .isEqualTo(1L);
    }

    @Test
    void storesReadsAndHeartbeatsAsTheyAreWithoutBreakingTheRun() {
        CountedPositions positions = new CountedPositions();
        positions.newBatch();
        positions.handled(change(PARTITION, "c", 7, 200));
        SourceRecord read = change(PARTITION, "r", 7, 200);
        positions.handled(read);
        assertThat(stored(positions).get(PARTITION)).isSameAs(read.sourceOffset());
        SourceRecord heartbeat = new SourceRecord(PARTITION, Map.of("txId", 7L, "lsn", 200L), "hb", null, null);
        positions.handled(heartbeat);
        assertThat(stored(positions).get(PARTITION)).isSameAs(heartbeat.sourceOffset());

        positions.handled(change(PARTITION, "u", 7, 200));
        assertThat(stored(positions).get(PARTITION).get(ResumeGuard.EVENTS_AT_LSN)).isEqualTo(2L);
    }

    @Test
    void anEmptyOffsetIsNoPositionAndPartitionsKeepTheOrderTheyCameIn() {
        CountedPositions positions = new CountedPositions();
        positions.newBatch();
        Map<String, String> other = Map.of("server", "q");
        positions.handled(change(PARTITION, "c", 7, 100));
        positions.handled(change(other, "c", 9, 500));
        positions.handled(new SourceRecord(null, Map.of(), "p.notifications", null, null));
        positions.handled(change(PARTITION, "c", 7, 150));

        Map<Map<String, ?>, Map<String, ?>> stored = stored(positions);
        assertThat(stored.keySet()).containsExactly(PARTITION, other);
        assertThat(stored.get(PARTITION).get("lsn")).isEqualTo(150L);
        assertThat(stored.get(other).get("lsn")).isEqualTo(500L);
    }

    @Test
    void aResumeGuardFromTheStoredPositionDropsExactlyWhatWasHandled() {
        CountedPositions positions = new CountedPositions();
        positions.newBatch();
        positions.handled(change(PARTITION, "c", 7, 100));
        positions.handled(change(PARTITION, "c", 7, 200));
        positions.handled(change(PARTITION, "c", 7, 200));

        ResumeGuard guard = ResumeGuard.from(stored(positions).get(PARTITION));
        assertThat(guard.isResent(change(PARTITION, "c", 7, 100))).isTrue();
        assertThat(guard.isResent(change(PARTITION, "c", 7, 200))).isTrue();
        assertThat(guard.isResent(change(PARTITION, "c", 7, 200))).isTrue();
        assertThat(guard.isResent(change(PARTITION, "c", 7, 200))).as("never handled before").isFalse();
    }

    private static Map<Map<String, ?>, Map<String, ?>> stored(CountedPositions positions) {
        Map<Map<String, ?>, Map<String, ?>> stored = new LinkedHashMap<>();
        positions.forEach(stored::put);
        return stored;
    }

    private static SourceRecord change(Map<String, ?> partition, String op, long txId, long lsn) {
        return new SourceRecord(partition, Map.of("txId", txId, "lsn", lsn, "messageType", "INSERT"),
                "p.shop.t", null, null, VALUE, new Struct(VALUE).put("op", op));
    }
}
