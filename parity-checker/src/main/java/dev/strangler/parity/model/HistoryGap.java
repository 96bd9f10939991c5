package dev.strangler.parity.model;

import dev.strangler.contract.Lsn;
import java.time.Instant;

/**
 * A stretch of WAL whose changes a topic does not show, bounded by the last position the topic did show before it and
 * the position it shows next (a snapshot's LSN). A bound the topic no longer holds (deleted records) is unknown.
 *
 * @param fromLsn  the last position shown before the gap (a streamed change or an earlier snapshot); -1 when unknown
 * @param toLsn    the position the topic shows again (the later snapshot's LSN); -1 when unknown
 * @param fromTime source.ts_ms of the event at {@code fromLsn}; null when unknown
 * @param toTime   source.ts_ms of the first event at {@code toLsn}; null when unknown
 * @param detail   what was seen, in a sentence
 */
public record HistoryGap(HistoryGapKind kind, long fromLsn, long toLsn, Instant fromTime, Instant toTime,
                         String detail) {

    /** "0/16B3748 .. 0/17000A0", with "?" for an unknown bound. */
    public String lsnRange() {
        return lsn(fromLsn) + " .. " + lsn(toLsn);
    }

    /** "2026-12-02T13:00:00Z .. 2026-12-02T13:05:00Z", with "?" for an unknown bound. */
    public String timeRange() {
        return (fromTime == null ? "?" : fromTime.toString()) + " .. " + (toTime == null ? "?" : toTime.toString());
    }

    /** The gap in one line: kind, WAL range, time range, what was seen. */
    public String describe() {
        return kind.label() + ": WAL " + lsnRange() + " (" + timeRange() + "): " + detail;
    }

    public static String lsn(long lsn) {
        return lsn < 0 ? "?" : Lsn.format(lsn);
    }
}
