package dev.strangler.parity.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.strangler.parity.model.HistoryGap;
import dev.strangler.parity.model.HistoryGapKind;
import dev.strangler.parity.model.Operation;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** History continuity from hand-made event sequences: each shape a pipeline can leave in a topic. */
class HistoryContinuityTest {

    private static final long Y1 = 0x1000;
    private static final long Y2 = 0x9000;

    private final HistoryContinuity history = new HistoryContinuity();
    private long offset;

    private void read(long lsn, String marker) {
        event(0, Operation.READ, lsn, true, marker, lsn);
    }

    private void change(long lsn) {
        event(0, Operation.UPDATE, lsn, false, "false", lsn);
    }

    private void event(int partition, Operation op, long lsn, boolean snapshot, String marker, long tsMs) {
        history.accept(partition, offset++, new ChangeEvent(JsonNodeFactory.instance.objectNode().put("id", 1), op,
                null, 700, lsn, snapshot, marker, tsMs));
    }

    /** A finished snapshot of one table, the only one of its pipeline: first, true, last. */
    private void wholeSnapshot(long lsn) {
        read(lsn, "first");
        read(lsn, "true");
        read(lsn, "last");
    }

    @Test
    void shouldFindNoGapInASnapshotFollowedByUninterruptedStreaming() {
        wholeSnapshot(Y1);
        change(0x1100);
        change(0x10F0); // an earlier-begun transaction committed later: its change LSN is lower, not a gap
        change(0x2000);

        assertThat(history.gaps(history.finishedSnapshots())).isEmpty();
    }

    @Test
    void shouldReportAReSnapshotAfterStreamingWithItsLsnAndTimeRange() {
        wholeSnapshot(Y1);
        change(0x1100);
        change(0x2000);
        wholeSnapshot(Y2); // slot dropped, snapshot.mode=when_needed: the stream started over at Y2
        change(0x9100);

        List<HistoryGap> gaps = history.gaps(history.finishedSnapshots());

        assertThat(gaps).singleElement().satisfies(g -> {
            assertThat(g.kind()).isEqualTo(HistoryGapKind.RESNAPSHOT_AFTER_STREAMING);
            assertThat(g.fromLsn()).isEqualTo(0x2000);
            assertThat(g.toLsn()).isEqualTo(Y2);
            assertThat(g.lsnRange()).isEqualTo("0/2000 .. 0/9000");
            assertThat(g.fromTime()).isEqualTo(Instant.ofEpochMilli(0x2000));
            assertThat(g.toTime()).isEqualTo(Instant.ofEpochMilli(Y2));
            assertThat(g.detail()).contains("finished its snapshot at WAL 0/1000");
        });
    }

    @Test
    void shouldReportAReSnapshotOfAQuietTableFromTheEarlierSnapshot() {
        wholeSnapshot(Y1); // no change to this table in between: the gap starts where the topic last showed it
        wholeSnapshot(Y2);

        assertThat(history.gaps(history.finishedSnapshots())).singleElement()
                .satisfies(g -> assertThat(g.lsnRange()).isEqualTo("0/1000 .. 0/9000"));
    }

    @Test
    void shouldNotReportStranglersCatchUpThenReSnapshotAfterAnInterruptedFirstSnapshot() {
        // the first snapshot was stopped before its last record: the restart streams from the slot's position up
        // to the present (catch-up), then snapshots again; nothing between was skipped
        read(Y1, "first");
        read(Y1, "true");
        change(0x0F00); // catch-up from the slot's position, which lies before the first snapshot
        change(0x4000);
        wholeSnapshot(Y2);
        change(0x9100);

        assertThat(history.gaps(history.finishedSnapshots())).isEmpty();
    }

    @Test
    void shouldNotReportTheCatchUpBeforeTheFirstSnapshotOfAPipelineKilledBeforeItsFirstCommit() {
        change(0x0F00);
        change(0x4000);
        wholeSnapshot(Y2);

        assertThat(history.gaps(history.finishedSnapshots())).isEmpty();
    }

    @Test
    void shouldJudgeATableWhoseSnapshotEndedInAnotherTopicByTheRunsFinishedSnapshots() {
        // this table was not the last one snapshotted: its topic holds ..._in_data_collection markers only
        read(Y1, "first_in_data_collection");
        read(Y1, "last_in_data_collection");
        change(0x3000);
        read(Y2, "first_in_data_collection");
        read(Y2, "last_in_data_collection");

        assertThat(history.finishedSnapshots()).isEmpty();
        assertThat(history.gaps(Set.of())).as("the pipeline's first snapshot never finished").isEmpty();
        assertThat(history.gaps(Set.of(Y1, Y2))).singleElement()
                .satisfies(g -> assertThat(g.lsnRange()).isEqualTo("0/3000 .. 0/9000"));
    }

    @Test
    void shouldNotReportAnIncrementalSnapshotWhileStreaming() {
        wholeSnapshot(Y1);
        change(0x2000);
        event(0, Operation.READ, 0x3000, true, "incremental", 0x3000);
        change(0x3100);

        assertThat(history.gaps(history.finishedSnapshots())).isEmpty();
    }

    @Test
    void shouldTakeTheLastPositionOfEveryPartitionBeforeTheReSnapshot() {
        event(0, Operation.READ, Y1, true, "first", 1);
        event(1, Operation.READ, Y1, true, "last", 2);
        event(0, Operation.CREATE, 0x2000, false, "false", 3);
        event(0, Operation.READ, Y2, true, "first", 9);
        event(1, Operation.DELETE, 0x5000, false, "false", 5);
        event(1, Operation.READ, Y2, true, "last", 10);

        assertThat(history.gaps(history.finishedSnapshots())).singleElement().satisfies(g -> {
            assertThat(g.lsnRange()).isEqualTo("0/5000 .. 0/9000");
            assertThat(g.toTime()).isEqualTo(Instant.ofEpochMilli(9));
        });
    }

    @Test
    void shouldStateATopicRebuiltFromALaterSnapshotAsAGapWithAnUnknownStart() {
        history.watch(2);
        offset = 1;
        change(0x2000);
        read(Y2, "first");
        read(Y2, "last");

        HistoryGap gap = history.rebuiltFrom(2, 1);

        assertThat(gap.kind()).isEqualTo(HistoryGapKind.REBUILT_FROM_LATER_SNAPSHOT);
        assertThat(gap.lsnRange()).isEqualTo("? .. 0/9000");
        assertThat(gap.timeRange()).startsWith("? .. ");
        assertThat(gap.detail()).contains("records before offset 1 were deleted");
    }
}
