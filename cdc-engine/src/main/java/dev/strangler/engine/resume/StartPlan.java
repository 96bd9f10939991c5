package dev.strangler.engine.resume;

import dev.strangler.contract.Lsn;
import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.PipelineConfig.SnapshotMode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How a start resumes, decided from the replication slot and the stored position before Debezium runs. Debezium on
 * its own handles the plain cases (first start, resume from a committed position) but two crash windows lose events
 * silently, because a snapshot taken again over an existing slot makes it stream from the new snapshot's position:
 * <ul>
 *   <li>a run killed before its first offset commit leaves a slot and no stored position;</li>
 *   <li>a run killed during its first snapshot after a commit leaves a position marked "snapshot in progress".</li>
 * </ul>
 * Changes written in between (outbox rows deleted right after their insert above all) would never be published.
 * A slot confirmed past the stored position (recreated by hand, or positions restored from an older copy) would skip
 * changes the same way, so that start is refused too.
 * Both recover by streaming from the slot's position first (the slot cannot have moved: it only moves after a commit)
 * and snapshotting after that. The third case, a stored position whose slot is gone, cannot be recovered: the WAL
 * in between is no longer held by anything, so the start is refused unless snapshot.mode=when_needed asks for a new
 * snapshot.
 */
public record StartPlan(Kind kind, boolean catchesUpBeforeSnapshot, String explanation,
                        Optional<StoredOffset> stored) {

    public StartPlan(Kind kind, boolean catchesUpBeforeSnapshot, String explanation) {
        this(kind, catchesUpBeforeSnapshot, explanation, Optional.empty());
    }

    /** The same plan, knowing the position it resumes from (the publisher drops what Debezium sends again). */
    public StartPlan withStored(Optional<StoredOffset> position) {
        return new StartPlan(kind, catchesUpBeforeSnapshot, explanation, position);
    }

    public enum Kind {
        /** No slot, nothing stored: the configured snapshot mode from the start. */
        FRESH,
        /** A slot and a committed position: stream on from it. */
        RESUME,
        /** A slot but no stored position: a run stopped before its first commit. */
        RECOVER_UNCOMMITTED,
        /** A stored position in the middle of the first snapshot. */
        RECOVER_INTERRUPTED_SNAPSHOT,
        /** A stored position whose slot is gone, and snapshot.mode=when_needed: start over with a new snapshot. */
        START_OVER
    }

    /**
     * Decides the plan.
     *
     * @param source the slot's confirmed position and the server's WAL end
     * @param stored this pipeline's stored position, empty when none was ever committed
     * @param where  where positions are stored, for messages ("offsets topic 'x'")
     * @throws SourceNotReadyException for a stored position whose slot is gone, unless mode is when_needed; for a
     *                                 stored position past the server's WAL end
     */
    public static StartPlan decide(String pipeline, String slot, SourcePositions source,
                                   Optional<StoredOffset> stored, SnapshotMode mode, String where) {
        OptionalLong slotPosition = source.slotConfirmed();
        if (slotPosition.isEmpty()) {
            if (stored.isEmpty()) {
                return of(Kind.FRESH, mode, "no slot '" + slot + "' and no stored position: first start");
            }
            String at = stored.get().lsn().map(Lsn::format).orElse("unknown");
            if (mode == SnapshotMode.WHEN_NEEDED) {
                return of(Kind.START_OVER, mode, "a position is stored (LSN " + at + " in " + where
                        + ") but slot '" + slot + "' does not exist; snapshot.mode=when_needed: the stored position is "
                        + "cleared and a new slot and a full snapshot start over (consumers see every current row "
                        + "again as op 'r'; changes made in between are only visible as their end state)");
            }
            throw new SourceNotReadyException("pipeline '" + pipeline + "' has a committed position (LSN " + at
                    + " in " + where + ") but replication slot '" + slot + "' does not exist (dropped, or this is "
                    + "another server): the changes since that position can no longer be read, and a new slot would "
                    + "start after them, skipping them silently. To start over with a fresh snapshot, run once with "
                    + "snapshot.mode=when_needed (consumers see every current row again as op 'r')");
        }
        String position = Lsn.format(slotPosition.getAsLong());
        if (stored.isEmpty()) {
            return of(Kind.RECOVER_UNCOMMITTED, mode, "slot '" + slot + "' exists (at " + position
                    + ") but no position was ever committed to " + where + ": a previous run stopped before its "
                    + "first commit (or the slot was created by hand, or offsets were moved). Streaming starts from "
                    + "the slot's position"
                    + (mode == SnapshotMode.NO_DATA ? "" : ", then the snapshot is taken again")
                    + "; events published by that run are published again, none is skipped");
        }
        if (stored.get().snapshotInProgress() && mode != SnapshotMode.NO_DATA) {
            return of(Kind.RECOVER_INTERRUPTED_SNAPSHOT, mode, "the stored position (in " + where
                    + ") was committed during the snapshot: streaming catches up from it first, then the snapshot "
                    + "is taken again; events already published are published again, none is skipped");
        }
        Optional<Long> confirmable = stored.get().confirmablePosition();
        if (confirmable.isPresent() && source.walEnd().isPresent() && confirmable.get() > source.walEnd().getAsLong()) {
            throw new SourceNotReadyException("pipeline '" + pipeline + "' has published up to LSN "
                    + Lsn.format(confirmable.get()) + " (stored in " + where + "), past the end of this server's WAL ("
                    + Lsn.format(source.walEnd().getAsLong()) + "): this server never had the WAL of changes already "
                    + "in Kafka (a failover to a standby that had not received it: see synchronized_standby_slots in "
                    + "strangler doctor; or a server restored from a backup), and resuming would skip its own next "
                    + "changes up to that LSN. To go on from this server: strangler slot drop, then run once with "
                    + "snapshot.mode=when_needed, and strangler parity shows what Kafka holds that this server lacks");
        }
        if (confirmable.isPresent() && slotPosition.getAsLong() > confirmable.get()) {
            throw new SourceNotReadyException("replication slot '" + slot + "' has confirmed " + position
                    + ", past the position stored in " + where + " (" + Lsn.format(confirmable.get()) + "): the "
                    + "changes in between were confirmed to PostgreSQL but never stored as published (the slot was "
                    + "recreated, or the stored position restored from an older copy), so resuming would skip them "
                    + "silently. To start over with a fresh snapshot, drop the slot (strangler slot drop) and run "
                    + "once with snapshot.mode=when_needed");
        }
        return of(Kind.RESUME, mode, "resuming from the position stored in " + where);
    }

    /**
     * @param catchesUpBeforeSnapshot true when Debezium must stream from the stored position before it snapshots
     *                                ({@link ResumingSnapshotter}): a recovery that takes a snapshot
     */
    private static StartPlan of(Kind kind, SnapshotMode mode, String explanation) {
        boolean recovery = kind == Kind.RECOVER_UNCOMMITTED || kind == Kind.RECOVER_INTERRUPTED_SNAPSHOT;
        return new StartPlan(kind, recovery && mode != SnapshotMode.NO_DATA, explanation);
    }

    /** Debezium properties this start needs on top of the configured ones. */
    public Map<String, String> debeziumOverrides() {
        Map<String, String> p = new LinkedHashMap<>();
        if (catchesUpBeforeSnapshot) {
            p.put("snapshot.mode", "custom");
            p.put("snapshot.mode.custom.name", ResumingSnapshotter.NAME);
        }
        return p;
    }

    /**
     * The position to store before the engine starts, for {@link Kind#RECOVER_UNCOMMITTED}: the slot's position, as
     * Debezium writes it mid-snapshot (so that it snapshots again after catching up) or, with no_data, as a streaming
     * position.
     */
    static Map<String, Object> uncommittedRecoveryOffset(long slotPosition, SnapshotMode mode, Instant now) {
        Map<String, Object> offset = new LinkedHashMap<>();
        offset.put(StoredOffset.LSN, slotPosition);
        offset.put("ts_usec", now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000);
        if (mode != SnapshotMode.NO_DATA) {
            offset.put(StoredOffset.SNAPSHOT, "INITIAL");
            offset.put(StoredOffset.LAST_SNAPSHOT_RECORD, false);
            offset.put(StoredOffset.SNAPSHOT_COMPLETED, false);
        }
        return offset;
    }
}
