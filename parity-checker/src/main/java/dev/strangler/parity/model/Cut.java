package dev.strangler.parity.model;

import java.time.Instant;
import java.util.List;

/**
 * The consistent cut a run speaks for: the REPEATABLE READ snapshot of the table side and the WAL position after it.
 * Every transaction visible in the snapshot committed before {@code walLsn}.
 *
 * @param xmin       lowest transaction id still running when the snapshot was taken (64-bit, epoch included)
 * @param xmax       first transaction id not yet assigned (64-bit)
 * @param inProgress transaction ids between xmin and xmax that were running (not visible)
 * @param walLsn     pg_current_wal_insert_lsn() right after the snapshot, as a number
 * @param takenAt    server time of the snapshot
 */
public record Cut(long xmin, long xmax, List<Long> inProgress, long walLsn, Instant takenAt) {

    public Cut {
        inProgress = List.copyOf(inProgress);
    }

    /** PostgreSQL's text form of the snapshot, xmin:xmax:xip,... */
    public String snapshotText() {
        StringBuilder s = new StringBuilder().append(xmin).append(':').append(xmax).append(':');
        for (int i = 0; i < inProgress.size(); i++) {
            s.append(i == 0 ? "" : ",").append(inProgress.get(i));
        }
        return s.toString();
    }

    /** The WAL position the way PostgreSQL prints it (0/16B3748). */
    public String walLsnText() {
        return Long.toHexString(walLsn >>> 32).toUpperCase() + "/" + Long.toHexString(walLsn & 0xffffffffL).toUpperCase();
    }
}
