package dev.strangler.parity.model;

/**
 * Why a topic's history is not continuous: its consumers may not have seen every change, even when the state at the
 * cut matches. The {@link #code()} is what {@code report.json} writes: stable across versions, whatever the constant
 * is called in Java.
 */
public enum HistoryGapKind {
    /**
     * A new blocking snapshot after the pipeline had finished one: Debezium snapshots again only when it lost its
     * position (a dropped slot and {@code snapshot.mode=when_needed}, cleared offsets), so changes between its last
     * position and the new snapshot were never streamed; the snapshot shows their end state, not the changes.
     */
    RESNAPSHOT_AFTER_STREAMING("RESNAPSHOT_AFTER_STREAMING", "re-snapshot after streaming",
            "the pipeline started over with a new snapshot after it had already snapshotted and streamed: the changes "
            + "written between its last position and the new snapshot never reached the topic (only their end "
            + "state did); consumers that need every change must be told, or the run accepts it with "
            + "--accept-history-gaps"),
    /** The topic's early records were deleted and the check rebuilt its state from a later complete snapshot. */
    REBUILT_FROM_LATER_SNAPSHOT("REBUILT_FROM_LATER_SNAPSHOT", "history deleted before a later snapshot",
            "records before the snapshot the check folded from were deleted by retention or compaction, so the "
            + "topic no longer shows the changes before it; raise retention (retention.ms=-1) to keep the history, "
            + "or accept it with --accept-history-gaps");

    private final String code;
    private final String label;
    private final String advice;

    HistoryGapKind(String code, String label, String advice) {
        this.code = code;
        this.label = label;
        this.advice = advice;
    }

    /** The stable code written to report.json. */
    public String code() {
        return code;
    }

    public String label() {
        return label;
    }

    public String advice() {
        return advice;
    }
}
