package dev.strangler.parity.model;

/**
 * The classes of difference between a table and its event stream. The {@link #code()} is what {@code report.json}
 * and the history store: stable across versions, whatever the constant is called in Java.
 */
public enum FindingKind {
    /** A row in the table whose key is not live in the stream at the cut. */
    MISSING_IN_STREAM("MISSING_IN_STREAM", "missing in stream", "the change never reached the topic: check the "
            + "publication covers the table and the pipeline ran since the row changed; a re-snapshot "
            + "(snapshot.mode=when_needed) repairs it"),
    /** A key live in the stream at the cut that the table does not have. */
    EXTRA_IN_STREAM("EXTRA_IN_STREAM", "extra in stream", "the topic holds a row the table does not: an event from "
            + "elsewhere, or a delete (e.g. TRUNCATE) that was not published"),
    /** Same key on both sides, different column values. */
    CONTENT_DIFFERS("CONTENT_DIFFERS", "content differs", "the event's values differ from the table's: a corrupted "
            + "or hand-written event, or a change that was not published"),
    /**
     * A row with a column the stream does not show ({@link ColumnGap#ABSENT} or {@link ColumnGap#UNAVAILABLE}):
     * compared on its other columns only. Counts against the tolerance unless the run accepts not-comparable rows.
     */
    NOT_COMPARABLE("NOT_COMPARABLE", "not comparable", "the stream does not show a column of these rows (see each "
            + "column's reason below), so they were compared on their other columns only; they count against the "
            + "tolerance unless the check runs with --accept-not-comparable"),
    /** An event that cannot happen in a correct stream (update of an unknown key, event after delete, ...). */
    STREAM_ANOMALY("STREAM_ANOMALY", "stream anomaly", "events out of order or for keys the stream never created: "
            + "read the sample, then check who else writes to the topic");

    private final String code;
    private final String label;
    private final String advice;

    FindingKind(String code, String label, String advice) {
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
