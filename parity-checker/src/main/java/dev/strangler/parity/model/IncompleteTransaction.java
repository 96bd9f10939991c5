package dev.strangler.parity.model;

import java.time.Instant;

/**
 * A source transaction visible at the cut whose END record (transaction metadata) counts a different number of
 * events of one table than the table's topic holds with its transaction id: an event lost, or one too many.
 *
 * @param id         the transaction id as the END record gives it ({@code <xid>:<commit lsn>} for PostgreSQL)
 * @param xid        the source transaction id (the number the table topic's events carry as source.txId)
 * @param commitLsn  the END's LSN (the commit); -1 when unknown
 * @param commitTime the END's ts_ms (the commit time); null when unknown
 * @param expected   events of this table the END counts
 * @param found      events of this table in its topic with this transaction id (duplicates of a re-send not
 *                   counted)
 */
public record IncompleteTransaction(String id, long xid, long commitLsn, Instant commitTime, long expected,
                                    long found) {

    /** "transaction 757 (id 757:26556816, commit at WAL 0/1953B90, 2026-12-02T18:52:32.541Z): ..." in one line. */
    public String describe() {
        return "transaction " + xid + " (id " + id + ", commit at WAL " + HistoryGap.lsn(commitLsn) + ", "
                + (commitTime == null ? "time unknown" : commitTime.toString()) + "): its END counts " + expected
                + (expected == 1 ? " event" : " events") + " of this table, the topic holds " + found;
    }
}
