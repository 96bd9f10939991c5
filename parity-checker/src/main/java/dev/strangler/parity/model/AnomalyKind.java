package dev.strangler.parity.model;

/**
 * Events that cannot happen in a correct stream of one table (each is a {@link FindingKind#STREAM_ANOMALY}). The
 * {@link #code()} is what {@code report.json} and the history store: stable across versions, unlike the description.
 */
public enum AnomalyKind {
    CREATE_OF_LIVE_KEY("CREATE_OF_LIVE_KEY", "create of a key that is already live"),
    UPDATE_OF_UNKNOWN_KEY("UPDATE_OF_UNKNOWN_KEY", "update of a key the stream never created"),
    UPDATE_AFTER_DELETE("UPDATE_AFTER_DELETE", "update after delete"),
    DELETE_OF_UNKNOWN_KEY("DELETE_OF_UNKNOWN_KEY", "delete of a key the stream never created"),
    DELETE_AFTER_DELETE("DELETE_AFTER_DELETE", "delete after delete"),
    /** A record that is not a readable Debezium change event (not JSON, no op, a key without the primary key). */
    UNREADABLE_RECORD("UNREADABLE_RECORD", "unreadable record"),
    /** A truncate (or message) event in a table topic: the check folds row events only. */
    OPERATION_NOT_FOLDED("OPERATION_NOT_FOLDED", "truncate or message event, which the check does not fold");

    private final String code;
    private final String description;

    AnomalyKind(String code, String description) {
        this.code = code;
        this.description = description;
    }

    /** The stable code written to report.json. */
    public String code() {
        return code;
    }

    /** What happened, in words, for people. */
    public String description() {
        return description;
    }
}
