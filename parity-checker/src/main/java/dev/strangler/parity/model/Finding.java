package dev.strangler.parity.model;

import java.util.Objects;

/**
 * One sampled finding, written so a person can act on it: which key, which column, the table's value against the
 * stream's value, and what it means.
 *
 * @param column      null when the finding is about the whole row
 * @param tableValue  canonical text of the table's value, null when the table has no such row
 * @param streamValue canonical text of the stream's value, null when the stream has no such row
 * @param anomaly     for a {@link FindingKind#STREAM_ANOMALY}, which one; null for every other kind
 */
public record Finding(FindingKind kind, String key, String column, String tableValue, String streamValue,
                      AnomalyKind anomaly, String note) {

    public Finding {
        Objects.requireNonNull(kind, "kind");
        if ((kind == FindingKind.STREAM_ANOMALY) != (anomaly != null)) {
            throw new IllegalArgumentException("a stream anomaly names its AnomalyKind, other findings none");
        }
    }

    /** A finding that is not a stream anomaly. */
    public Finding(FindingKind kind, String key, String column, String tableValue, String streamValue, String note) {
        this(kind, key, column, tableValue, streamValue, null, note);
    }

    /** A stream anomaly: which key (or record), which anomaly, and what was seen. */
    public static Finding anomaly(AnomalyKind anomaly, String key, String note) {
        return new Finding(FindingKind.STREAM_ANOMALY, key, null, null, null, anomaly, note);
    }
}
