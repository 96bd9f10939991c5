package dev.strangler.engine.resume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.contract.Lsn;
import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.PipelineConfig.SnapshotMode;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class StartPlanTest {

    private static final OptionalLong SLOT_AT = OptionalLong.of(Lsn.parse("0/1A2B3C"));
    private static final StoredOffset STREAMING = new StoredOffset(Map.of("lsn", SLOT_AT.getAsLong(), "ts_usec", 1L));
    private static final StoredOffset MID_SNAPSHOT = new StoredOffset(Map.of("lsn", 99L, "snapshot", "INITIAL",
            "last_snapshot_record", false, "snapshot_completed", false));

    private static StartPlan decide(OptionalLong slot, Optional<StoredOffset> stored, SnapshotMode mode) {
        return StartPlan.decide("orders", "strangler_orders", slotOnly(slot), stored, mode,
                "offsets topic 'orders.offsets'");
    }

    /** A slot at that position on a server whose WAL end is not known (a standby). */
    private static SourcePositions slotOnly(OptionalLong slotConfirmed) {
        return new SourcePositions(slotConfirmed, OptionalLong.empty());
    }

    @Test
    void shouldStartFreshWithNeitherSlotNorPosition() {
        StartPlan plan = decide(OptionalLong.empty(), Optional.empty(), SnapshotMode.INITIAL);
        assertThat(plan.kind()).isEqualTo(StartPlan.Kind.FRESH);
        assertThat(plan.debeziumOverrides()).isEmpty();
    }

    @Test
    void shouldResumeFromACommittedStreamingPosition() {
        StartPlan plan = decide(SLOT_AT, Optional.of(STREAMING), SnapshotMode.INITIAL);
        assertThat(plan.kind()).isEqualTo(StartPlan.Kind.RESUME);
        assertThat(plan.debeziumOverrides()).isEmpty();
        assertThat(plan.catchesUpBeforeSnapshot()).isFalse();
    }

    @Test
    void shouldCatchUpFromTheSlotBeforeSnapshottingWhenNothingWasEverCommitted() {
        StartPlan plan = decide(SLOT_AT, Optional.empty(), SnapshotMode.INITIAL);
        assertThat(plan.kind()).isEqualTo(StartPlan.Kind.RECOVER_UNCOMMITTED);
        assertThat(plan.explanation()).contains("strangler_orders", "0/1A2B3C", "before its first commit");
        assertThat(plan.debeziumOverrides()).containsEntry("snapshot.mode", "custom")
                .containsEntry("snapshot.mode.custom.name", ResumingSnapshotter.NAME);
    }

    @Test
    void shouldStoreTheSlotPositionAsAnInterruptedSnapshotSoDebeziumSnapshotsAgainAfterCatchingUp() {
        Map<String, Object> offset = StartPlan.uncommittedRecoveryOffset(SLOT_AT.getAsLong(), SnapshotMode.INITIAL,
                Instant.parse("2026-01-01T00:00:00.000123Z"));
        StoredOffset stored = new StoredOffset(offset);
        assertThat(stored.lsn()).contains(SLOT_AT.getAsLong());
        assertThat(stored.snapshotInProgress()).isTrue();
        assertThat(offset.get("ts_usec")).isEqualTo(1767225600000123L);
    }

    @Test
    void shouldStreamFromTheSlotWithoutSnapshotWhenSnapshotsAreOff() {
        StartPlan plan = decide(SLOT_AT, Optional.empty(), SnapshotMode.NO_DATA);
        assertThat(plan.kind()).isEqualTo(StartPlan.Kind.RECOVER_UNCOMMITTED);
        assertThat(plan.debeziumOverrides()).isEmpty();
        StoredOffset stored = new StoredOffset(StartPlan.uncommittedRecoveryOffset(SLOT_AT.getAsLong(),
                SnapshotMode.NO_DATA, Instant.EPOCH));
        assertThat(stored.snapshotInProgress()).isFalse();
        assertThat(stored.lsn()).contains(SLOT_AT.getAsLong());
    }

    @Test
    void shouldCatchUpBeforeRetakingASnapshotThatWasInterruptedAfterACommit() {
        StartPlan plan = decide(SLOT_AT, Optional.of(MID_SNAPSHOT), SnapshotMode.WHEN_NEEDED);
        assertThat(plan.kind()).isEqualTo(StartPlan.Kind.RECOVER_INTERRUPTED_SNAPSHOT);
        assertThat(plan.catchesUpBeforeSnapshot()).isTrue();
    }

    @Test
    void shouldRefuseASlotConfirmedPastTheStoredPosition() {
        StoredOffset committed = new StoredOffset(Map.of("lsn", 90L, "lsn_commit", 100L, "lsn_proc", 100L));
        assertThat(decide(OptionalLong.of(100L), Optional.of(committed), SnapshotMode.INITIAL).kind())
                .isEqualTo(StartPlan.Kind.RESUME);
        assertThatThrownBy(() -> decide(OptionalLong.of(101L), Optional.of(committed), SnapshotMode.WHEN_NEEDED))
                .isInstanceOf(SourceNotReadyException.class)
                .hasMessageContaining("has confirmed 0/65, past the position stored in offsets topic "
                        + "'orders.offsets' (0/64)")
                .hasMessageContaining("drop the slot (strangler slot drop) and run once with snapshot.mode=when_needed");
    }

    @Test
    void shouldTakeAnIncrementalSnapshotsPositionForAStreamingOne() {
        StoredOffset incremental = new StoredOffset(Map.of("lsn", 99L, "snapshot", "INCREMENTAL",
                "snapshot_completed", false));
        assertThat(incremental.snapshotInProgress()).isFalse();
        assertThat(decide(OptionalLong.of(99L), Optional.of(incremental), SnapshotMode.INITIAL).kind())
                .isEqualTo(StartPlan.Kind.RESUME);
    }

    @Test
    void shouldRefuseAStoredPositionWhoseSlotIsGone() {
        assertThatThrownBy(() -> decide(OptionalLong.empty(), Optional.of(STREAMING), SnapshotMode.INITIAL))
                .isInstanceOf(SourceNotReadyException.class)
                .hasMessageContaining("'strangler_orders' does not exist")
                .hasMessageContaining("LSN 0/1A2B3C in offsets topic 'orders.offsets'")
                .hasMessageContaining("snapshot.mode=when_needed");
    }

    @Test
    void shouldStartOverWhenASnapshotIsWantedAndTheSlotIsGone() {
        StartPlan plan = decide(OptionalLong.empty(), Optional.of(STREAMING), SnapshotMode.WHEN_NEEDED);
        assertThat(plan.kind()).isEqualTo(StartPlan.Kind.START_OVER);
        assertThat(plan.debeziumOverrides()).isEmpty();
    }

    @Test
    void shouldRefuseAStoredPositionPastTheServersWalEndAsAFailoverToAServerThatLacksPublishedWal() {
        StoredOffset published = new StoredOffset(Map.of("lsn", 500L, "lsn_commit", 480L, "ts_usec", 1L));
        SourcePositions promoted = new SourcePositions(OptionalLong.of(300L), OptionalLong.of(450L));
        assertThatThrownBy(() -> StartPlan.decide("orders", "strangler_orders", promoted, Optional.of(published),
                SnapshotMode.INITIAL, "offsets topic 'orders.offsets'"))
                .isInstanceOf(SourceNotReadyException.class)
                .hasMessageContaining("published up to LSN 0/1F4 (stored in offsets topic 'orders.offsets'), past "
                        + "the end of this server's WAL (0/1C2)")
                .hasMessageContaining("strangler slot drop, then run once with snapshot.mode=when_needed");
    }

    @Test
    void shouldResumeAtTheServersWalEndAndWhenTheWalEndIsUnknown() {
        StoredOffset published = new StoredOffset(Map.of("lsn", 500L, "ts_usec", 1L));
        assertThat(StartPlan.decide("orders", "strangler_orders",
                new SourcePositions(OptionalLong.of(300L), OptionalLong.of(500L)), Optional.of(published),
                SnapshotMode.INITIAL, "offsets topic 'orders.offsets'").kind()).isEqualTo(StartPlan.Kind.RESUME);
        assertThat(StartPlan.decide("orders", "strangler_orders",
                slotOnly(OptionalLong.of(300L)), Optional.of(published),
                SnapshotMode.INITIAL, "offsets topic 'orders.offsets'").kind()).isEqualTo(StartPlan.Kind.RESUME);
    }
}
