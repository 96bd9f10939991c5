package dev.strangler.engine.resume;

import io.debezium.snapshot.mode.InitialSnapshotter;

/**
 * Debezium's {@code initial} snapshot mode, except that a snapshot taken again over an existing slot does not move the
 * stream's start to the new snapshot: the connector first streams from the stored position up to the current WAL
 * position ("catch-up streaming"), then snapshots, then streams on. Nothing written between the stored position and
 * the new snapshot is skipped, and per key the older changes come before the newer snapshot row. Used only for a start
 * that recovers an interrupted first snapshot (see {@link StartPlan}); registered for Debezium's {@code custom}
 * snapshot mode through {@code META-INF/services}.
 */
public class ResumingSnapshotter extends InitialSnapshotter {

    public static final String NAME = "strangler_resume";

    @Override
    public String name() {
        return NAME;
    }

    /** Whether this task start takes a snapshot; Debezium asks before it decides on catch-up streaming. */
    private volatile boolean snapshotting;

    @Override
    public boolean shouldSnapshotData(boolean offsetExists, boolean snapshotInProgress) {
        snapshotting = super.shouldSnapshotData(offsetExists, snapshotInProgress);
        return snapshotting;
    }

    /**
     * Catch up first only when a snapshot follows: Debezium's catch-up ends at a stop position that only a snapshot
     * clears, so a start without one (a task restart after the recovery finished) must stream as usual.
     */
    @Override
    public boolean shouldStreamEventsStartingFromSnapshot() {
        return !snapshotting;
    }
}
