package dev.strangler.parity;

import dev.strangler.parity.model.Cut;
import java.util.HashSet;
import java.util.Set;

/**
 * Decides whether a source transaction is visible in the cut's snapshot. Debezium reports the 32-bit xid of the
 * transaction (pgoutput carries no epoch); it is widened to 64 bits against the snapshot's xmax: the nearest full
 * xid with the same low 32 bits, looking back at most 2^31 transactions, as PostgreSQL itself compares xids.
 */
final class Visibility {

    private final long xmin;
    private final long xmax;
    private final Set<Long> inProgress;

    Visibility(Cut cut) {
        this.xmin = cut.xmin();
        this.xmax = cut.xmax();
        this.inProgress = new HashSet<>(cut.inProgress());
    }

    /** Widens a 32-bit xid (or passes through a full one already above 2^32) relative to xmax. */
    long widen(long xid) {
        if (xid > 0xffffffffL) {
            return xid;
        }
        int diff = (int) (xid - (xmax & 0xffffffffL));
        return xmax + diff;
    }

    boolean isVisible(long xid) {
        long full = widen(xid);
        if (full >= xmax) {
            return false;
        }
        return full < xmin || !inProgress.contains(full);
    }
}
