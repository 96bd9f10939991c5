package dev.strangler.parity.transactions;

/**
 * Expected and found event counts per (table, transaction), in two primitive arrays (open addressing, linear
 * probing): no object per transaction and none per event. A slot is 16 bytes (key and value); the table doubles at
 * 3/4 full, so a pair costs 21 to 43 bytes, about 32 on average: a million transactions that each touch two checked
 * tables take about 64 MB. It refuses to grow beyond {@code maxPairs} (the caller then reports the check as not
 * done rather than run out of memory).
 *
 * <p>The key packs the table's index (1-based, in the top 15 bits) and the 64-bit transaction id widened against the
 * cut (its low 48 bits: 2^48 transactions, far more than any server has had); the value packs expected (high 32 bits)
 * and found (low 32 bits). Only transactions an END announced are tracked: an event of any other transaction is not
 * counted at all.
 */
final class TransactionCounts {

    /** Transaction ids must fit in the key's low 48 bits. */
    static final long MAX_XID = (1L << 48) - 1;
    static final int MAX_TABLES = (1 << 15) - 1;

    private final long maxPairs;
    private long[] keys;
    private long[] values;
    private int size;
    private boolean full;

    TransactionCounts(long maxPairs) {
        this.maxPairs = maxPairs;
        this.keys = new long[1024];
        this.values = new long[1024];
    }

    static long key(int table, long xid) {
        if (table < 0 || table >= MAX_TABLES || xid < 0 || xid > MAX_XID) {
            throw new IllegalArgumentException("table " + table + ", transaction " + xid + " out of range");
        }
        return ((long) (table + 1) << 48) | xid;
    }

    static int table(long key) {
        return (int) (key >>> 48) - 1;
    }

    static long xid(long key) {
        return key & MAX_XID;
    }

    /**
     * Records what an END counts for a table; the same END read twice (a re-send) sets the same number.
     *
     * @return false when the pair would exceed {@code maxPairs}: nothing was recorded
     */
    boolean expect(int table, long xid, long events) {
        long key = key(table, xid);
        int slot = slot(key);
        if (keys[slot] == 0) {
            if (size >= maxPairs) {
                full = true;
                return false;
            }
            keys[slot] = key;
            size++;
        }
        values[slot] = (Math.min(events, Integer.MAX_VALUE) << 32) | (values[slot] & 0xFFFF_FFFFL);
        if (size * 4L > keys.length * 3L) {
            grow();
        }
        return true;
    }

    /** Counts one event of a table's transaction, if an END announced that transaction for that table. */
    void found(int table, long xid) {
        if (xid < 0 || xid > MAX_XID) {
            return;
        }
        long key = key(table, xid);
        int slot = slot(key);
        if (keys[slot] != 0 && (values[slot] & 0xFFFF_FFFFL) < Integer.MAX_VALUE) {
            values[slot]++;
        }
    }

    int size() {
        return size;
    }

    /** Whether an END could not be recorded because {@code maxPairs} was reached. */
    boolean full() {
        return full;
    }

    /** Calls back for every pair whose found count differs from the expected one. */
    void forEachMismatch(Mismatch callback) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] == 0) {
                continue;
            }
            long expected = values[i] >>> 32;
            long found = values[i] & 0xFFFF_FFFFL;
            if (expected != found) {
                callback.accept(table(keys[i]), xid(keys[i]), expected, found);
            }
        }
    }

    @FunctionalInterface
    interface Mismatch {
        void accept(int table, long xid, long expected, long found);
    }

    /** The slot holding {@code key}, or the empty slot where it belongs. */
    private int slot(long key) {
        int mask = keys.length - 1;
        int i = (int) mix(key) & mask;
        while (keys[i] != 0 && keys[i] != key) {
            i = (i + 1) & mask;
        }
        return i;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        keys = new long[oldKeys.length * 2];
        values = new long[oldValues.length * 2];
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                int slot = slot(oldKeys[i]);
                keys[slot] = oldKeys[i];
                values[slot] = oldValues[i];
            }
        }
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
