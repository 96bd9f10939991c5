package dev.strangler.parity.model;

import java.util.Objects;

/**
 * One sampled finding, written so a person can act on it: which key, which column, the table's value against the
 * stream's value, and what it means.
 *
 * @param column      null when the finding is about the whole row
 * @param tableValue  canonical text of the table's value, null when the table has no such row
 * @param streamValue canonical text of the stream's value, null when the stream has no such row or no readable value
 *                    for the column ({@code gap} says which)
 * @param gap         why the stream shows no comparable value for {@code column}: {@link ColumnGap#ABSENT} or
 *                    {@link ColumnGap#UNAVAILABLE} for a {@link FindingKind#NOT_COMPARABLE} finding,
 *                    {@link ColumnGap#UNREADABLE} for a {@link FindingKind#CONTENT_DIFFERS} one; null otherwise
 * @param anomaly     for a {@link FindingKind#STREAM_ANOMALY}, which one; null for every other kind
 */
public record Finding(FindingKind kind, String key, String column, String tableValue, String streamValue,
                      ColumnGap gap, AnomalyKind anomaly, String note) {

    public Finding {
        Objects.requireNonNull(kind, "kind");
        if ((kind == FindingKind.STREAM_ANOMALY) != (anomaly != null)) {
            throw new IllegalArgumentException("a stream anomaly names its AnomalyKind, other findings none");
        }
        if ((kind == FindingKind.NOT_COMPARABLE) != (gap == ColumnGap.ABSENT || gap == ColumnGap.UNAVAILABLE)
                || gap == ColumnGap.UNREADABLE && kind != FindingKind.CONTENT_DIFFERS) {
            throw new IllegalArgumentException("a NOT_COMPARABLE finding is an ABSENT or UNAVAILABLE column, an "
                    + "UNREADABLE one differs; got " + kind + " with gap " + gap);
        }
        if (gap != null && (column == null || streamValue != null)) {
            throw new IllegalArgumentException("a column gap names its column and has no stream value");
        }
    }

    /** A finding about values (or a whole row), without a gap and not an anomaly. */
    public Finding(FindingKind kind, String key, String column, String tableValue, String streamValue, String note) {
        this(kind, key, column, tableValue, streamValue, null, null, note);
    }

    /** A column of a row whose value the stream does not show: why, and the table's value. */
    public static Finding gap(FindingKind kind, String key, String column, String tableValue, ColumnGap gap,
                              String note) {
        return new Finding(kind, key, column, tableValue, null, gap, null, note);
    }

    /** A stream anomaly: which key (or record), which anomaly, and what was seen. */
    public static Finding anomaly(AnomalyKind anomaly, String key, String note) {
        return new Finding(FindingKind.STREAM_ANOMALY, key, null, null, null, null, anomaly, note);
    }
}
