package dev.strangler.parity.model;

/**
 * Why the stream shows no comparable value for a column of a row, each with what to do about it. The
 * {@link #code()} is what {@code report.json} stores.
 */
public enum ColumnGap {
    /**
     * The event has no such field. When no event of the table carries it, the column never arrives (see
     * {@link TableResult#columnsNeverInStream()}) and the table cannot be verified; when only some rows' events lack
     * it, those rows are not comparable.
     */
    ABSENT("ABSENT", "absent from the event", "these rows' events do not carry the column: they were written before "
            + "the column was added, or while a connector column filter (column.exclude.list, column.include.list) "
            + "left it out; a new snapshot of the table (Debezium's incremental snapshot) writes every row with it"),
    /** Debezium's placeholder for an unchanged TOASTed value: the update did not carry the value. */
    UNAVAILABLE("UNAVAILABLE", "unavailable (TOAST placeholder)", "the stream carries Debezium's unavailable-value "
            + "placeholder for an unchanged TOASTed column: ALTER TABLE ... REPLICA IDENTITY FULL (the DBA scripts "
            + "print it) makes every update carry the whole row"),
    /** The field is there, but the configured encodings cannot read it: a difference, never skipped. */
    UNREADABLE("UNREADABLE", "unreadable", "the check cannot read the event's value with the encodings it was given: "
            + "pass the connector's settings (--decimal-handling-mode, --time-precision-mode, "
            + "--binary-handling-mode), or the event was corrupted");

    /** What to do about a column that no event of the table carries (the table is UNVERIFIABLE). */
    public static final String NEVER_IN_STREAM_ADVICE = "the connector never sends it: a column filter "
            + "(column.exclude.list, column.include.list) excludes it, or Debezium does not send its type (money[], "
            + "interval[]); capture the column, or the stream cannot show this table and parity cannot vouch for it";

    private final String code;
    private final String label;
    private final String advice;

    ColumnGap(String code, String label, String advice) {
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
