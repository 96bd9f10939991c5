package dev.strangler.parity.stream;

import dev.strangler.parity.model.HistoryGap;
import dev.strangler.parity.model.HistoryGapKind;
import dev.strangler.parity.model.Operation;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Watches one table topic for places where its history is not continuous (README, "History continuity"), from the
 * events alone, fed in offset order per partition.
 *
 * <p>The rule: all rows of one Debezium snapshot carry the same {@code source.lsn} (where the snapshot's transaction
 * started), and the record marked {@code last} ends the pipeline's whole snapshot (it lands in the topic of the last
 * table snapshotted, so the finished snapshots are gathered over every topic of the run and handed to
 * {@link #gaps}). Once a snapshot has finished, the pipeline's stored position says so, and Debezium takes a new
 * blocking snapshot only when it lost that position (a dropped slot and {@code snapshot.mode=when_needed}, cleared
 * offsets): it then streams from the new snapshot's position, so whatever was written between its last position and
 * the new snapshot was never streamed. A later blocking snapshot in a topic that already showed the table's history,
 * after a finished one, is therefore a gap from the last position the topic showed before it to the new snapshot.
 *
 * <p>What is not a gap: Strangler's own recovery of an interrupted first snapshot (README, "Delivery guarantees")
 * streams the changes since the slot's position first and then snapshots again; the interrupted snapshot never
 * published its {@code last} record, so no finished snapshot precedes the new one. Incremental snapshots (marker
 * {@code incremental}) run beside streaming and are never a restart.
 */
public final class HistoryContinuity {

    /** A position the topic showed: the largest LSN seen so far and the source time of its event. */
    private record Shown(long lsn, long tsMs) {
        Shown max(long otherLsn, long otherTsMs) {
            return otherLsn > lsn ? new Shown(otherLsn, otherTsMs) : this;
        }
    }

    /** One blocking snapshot seen in the topic, by its LSN. */
    private static final class Snapshot {
        final long lsn;
        long firstTsMs;
        Shown before = new Shown(-1, -1);

        Snapshot(long lsn, long firstTsMs) {
            this.lsn = lsn;
            this.firstTsMs = firstTsMs;
        }
    }

    private final Map<Integer, Shown> streamed = new HashMap<>();
    private final Map<Integer, Set<Long>> snapshotsInPartition = new HashMap<>();
    private final TreeMap<Long, Snapshot> snapshots = new TreeMap<>();
    private final Set<Long> finished = new HashSet<>();
    private long watchedOffset = -1;
    private Shown watched;

    /** Remembers the LSN and time of the record at this offset of partition 0 (the snapshot a topic is rebuilt from). */
    public void watch(long offset) {
        watchedOffset = offset;
    }

    public void accept(int partition, long offset, ChangeEvent e) {
        if (e.isTombstone() || e.lsn() < 0 || e.repair()) {
            return; // a repair's delete is no source change: it shows no position
        }
        if (partition == 0 && offset == watchedOffset) {
            watched = new Shown(e.lsn(), e.sourceTsMs());
        }
        boolean blockingRead = e.op() == Operation.READ && !"incremental".equals(e.snapshotMarker());
        if (blockingRead) {
            Snapshot s = snapshots.computeIfAbsent(e.lsn(), lsn -> new Snapshot(lsn, e.sourceTsMs()));
            if (snapshotsInPartition.computeIfAbsent(partition, p -> new HashSet<>()).add(e.lsn())) {
                // what this partition had shown before the snapshot's first row in it
                Shown before = streamed.getOrDefault(partition, new Shown(-1, -1));
                s.before = s.before.max(before.lsn, before.tsMs);
                if (e.sourceTsMs() >= 0 && (s.firstTsMs < 0 || e.sourceTsMs() < s.firstTsMs)) {
                    s.firstTsMs = e.sourceTsMs();
                }
            }
            if ("last".equals(e.snapshotMarker())) {
                finished.add(e.lsn());
            }
        } else if (e.op() != Operation.READ && !e.snapshot()) {
            streamed.merge(partition, new Shown(e.lsn(), e.sourceTsMs()), (a, b) -> a.max(b.lsn, b.tsMs));
        }
    }

    /** LSNs of the pipeline snapshots this topic shows finishing (their record marked {@code last}). */
    public Set<Long> finishedSnapshots() {
        return Set.copyOf(finished);
    }

    /**
     * The re-snapshots after streaming, given the snapshots every topic of the run shows finishing.
     *
     * @param finishedInRun LSNs of snapshots whose {@code last} record some topic of the run holds
     */
    public List<HistoryGap> gaps(Set<Long> finishedInRun) {
        List<HistoryGap> gaps = new ArrayList<>();
        for (Snapshot s : snapshots.values()) {
            long finishedBefore = finishedInRun.stream().filter(l -> l < s.lsn).mapToLong(Long::longValue).max()
                    .orElse(-1);
            Shown before = s.before;
            Snapshot earlier = snapshots.lowerEntry(s.lsn) == null ? null : snapshots.lowerEntry(s.lsn).getValue();
            if (earlier != null) {
                before = before.max(earlier.lsn, earlier.firstTsMs);
            }
            if (finishedBefore < 0 || before.lsn < 0) {
                continue; // the first snapshot, a recovery of an unfinished one, or a table new to this topic
            }
            gaps.add(new HistoryGap(HistoryGapKind.RESNAPSHOT_AFTER_STREAMING, before.lsn, s.lsn, time(before.tsMs),
                    time(s.firstTsMs), "the topic shows this table up to WAL " + HistoryGap.lsn(before.lsn)
                    + ", then a new snapshot at WAL " + HistoryGap.lsn(s.lsn) + " although the pipeline had "
                    + "finished its snapshot at WAL " + HistoryGap.lsn(finishedBefore) + ": the stream started over, "
                    + "and changes written in between were not streamed"));
        }
        return gaps;
    }

    /**
     * The gap of a topic whose records before {@code offset} were deleted and that was folded from the snapshot
     * starting there; the watched offset must have been set to it before reading.
     */
    public HistoryGap rebuiltFrom(long offset, long firstKeptOffset) {
        long lsn = watched == null ? -1 : watched.lsn;
        return new HistoryGap(HistoryGapKind.REBUILT_FROM_LATER_SNAPSHOT, -1, lsn, null,
                watched == null ? null : time(watched.tsMs), "records before offset " + firstKeptOffset
                + " were deleted by retention or compaction; the check folded the topic from the snapshot at offset "
                + offset + " (WAL " + HistoryGap.lsn(lsn) + "), and what changed before it can no longer be shown");
    }

    private static Instant time(long tsMs) {
        return tsMs < 0 ? null : Instant.ofEpochMilli(tsMs);
    }
}
