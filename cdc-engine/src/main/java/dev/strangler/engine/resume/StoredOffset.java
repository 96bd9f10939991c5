package dev.strangler.engine.resume;

import java.util.Map;
import java.util.Optional;

/**
 * The position the Postgres connector last committed for this pipeline, as its offset map (keys of Debezium 3.x's
 * PostgresOffsetContext: {@code lsn}, {@code snapshot}, {@code snapshot_completed}, ...). Only what the start-up needs
 * to decide how to resume is read from it.
 */
public record StoredOffset(Map<String, Object> fields) {

    static final String LSN = "lsn";
    static final String LSN_COMMIT = "lsn_commit";
    static final String LSN_PROC = "lsn_proc";
    static final String SNAPSHOT = "snapshot";
    static final String SNAPSHOT_COMPLETED = "snapshot_completed";
    static final String LAST_SNAPSHOT_RECORD = "last_snapshot_record";

    public StoredOffset {
        fields = Map.copyOf(fields);
    }

    /** The WAL position streaming resumes from; empty for an offset without one (never written by Debezium). */
    public Optional<Long> lsn() {
        return number(LSN);
    }

    /**
     * The furthest position this offset lets Debezium confirm to the slot: it confirms {@code lsn_commit}, else
     * {@code lsn_proc}, and only after the offset is stored, so a slot confirmed past it has skipped changes.
     */
    public Optional<Long> confirmablePosition() {
        return java.util.stream.Stream.of(number(LSN_COMMIT), number(LSN_PROC), number(LSN))
                .flatMap(Optional::stream).max(Long::compare);
    }

    private Optional<Long> number(String key) {
        return fields.get(key) instanceof Number n ? Optional.of(n.longValue()) : Optional.empty();
    }

    /**
     * True when the position was committed in the middle of a snapshot: Debezium then snapshots again, and by default
     * streams from where the new snapshot starts, skipping what was written since the first one began.
     */
    public boolean snapshotInProgress() {
        // Debezium's own rule: only the initial snapshot ("INITIAL", or true before 3.x) counts; a blocking or
        // incremental snapshot's position is a streaming position
        Object snapshot = fields.get(SNAPSHOT);
        boolean snapshotting = snapshot != null && ("INITIAL".equalsIgnoreCase(snapshot.toString())
                || "true".equalsIgnoreCase(snapshot.toString()));
        return snapshotting && !"true".equalsIgnoreCase(String.valueOf(fields.get(SNAPSHOT_COMPLETED)))
                && !"true".equalsIgnoreCase(String.valueOf(fields.get(LAST_SNAPSHOT_RECORD)));
    }
}
