package dev.strangler.parity.compare;

import java.util.Arrays;

/**
 * A map from long keys to values, filled and then drained, that tells its entries back in the order their keys were
 * first put: open addressing over a primitive {@code long[]} of keys and a parallel array of values, so a lookup
 * reads two arrays instead of following a chain of nodes to a key object elsewhere on the heap. Sized up front for
 * the entries expected, it does not rehash while it fills (it grows if more come, keeping the order).
 *
 * <p>The order is the insertion order, whatever the keys and however the slots fall: two maps given the same keys in
 * the same order tell them in that order, whatever size each was made for. A removed key is not put back.
 */
final class LongKeyedStates<V> {

    /** A slot whose key was removed: a lookup probes past it, an insert does not reuse it. */
    private static final Object REMOVED = new Object();
    private static final long PHI = 0x9E3779B97F4A7C15L;
    private static final int LANE_BITS = 3;
    private static final int LANES = 1 << LANE_BITS;

    private long[] keys;
    /** Null for an empty slot, {@link #REMOVED}, or the key's value. */
    private Object[] values;
    /** The slots in the order their keys were put; {@link #size} of them are used. */
    private int[] order;
    private int size;
    private int shift;

    /** @param expected entries it holds without growing */
    LongKeyedStates(int expected) {
        allocate(Math.max(16, Integer.highestOneBit(Math.min(Math.max(1, expected), 1 << 28) * 2 - 1) << 1));
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        values = new Object[capacity];
        order = new int[capacity / 2];
        shift = 64 - (Integer.numberOfTrailingZeros(capacity) - LANE_BITS);
        size = 0;
    }

    /**
     * Where a key's probe starts: eight consecutive keys share a run of eight slots (one cache line of keys), and the
     * runs are spread by a multiplicative hash of the rest of the key. Keys read in order, as a table's rows mostly
     * are, then touch one line per eight keys; keys eight apart or more are spread like any hash's.
     */
    private int home(long key) {
        return (int) (((key >>> LANE_BITS) * PHI) >>> shift) << LANE_BITS | (int) key & LANES - 1;
    }

    /** The slot holding {@code key}, or minus one minus the empty slot where it would go. */
    private int slotOf(long key) {
        int mask = keys.length - 1;
        for (int slot = home(key); ; slot = (slot + 1) & mask) {
            Object v = values[slot];
            if (v == null) {
                return -1 - slot;
            }
            if (keys[slot] == key) {
                return slot;
            }
        }
    }

    /** The key's value, or null when it has none (never had, or was removed). */
    @SuppressWarnings("unchecked")
    V get(long key) {
        int slot = slotOf(key);
        Object v = slot < 0 ? null : values[slot];
        return v == REMOVED ? null : (V) v;
    }

    /** Puts a key that has no value yet; it comes last in the order. */
    void putNew(long key, V value) {
        int slot = slotOf(key);
        if (slot >= 0) {
            throw new IllegalStateException("key " + key + (values[slot] == REMOVED ? " was removed" : " is there"));
        }
        if (size == order.length) {
            grow();
            slot = slotOf(key);
        }
        slot = -1 - slot;
        keys[slot] = key;
        values[slot] = value;
        order[size++] = slot;
    }

    /** Removes the key's value and returns it, or null when it has none. */
    @SuppressWarnings("unchecked")
    V remove(long key) {
        int slot = slotOf(key);
        if (slot < 0 || values[slot] == REMOVED) {
            return null;
        }
        V v = (V) values[slot];
        values[slot] = REMOVED;
        return v;
    }

    /** Twice the slots, the same order: the entries (removed ones too, as markers) are put again in order. */
    private void grow() {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        int[] oldOrder = Arrays.copyOf(order, size);
        allocate(oldKeys.length * 2);
        for (int old : oldOrder) {
            int slot = -1 - slotOf(oldKeys[old]);
            keys[slot] = oldKeys[old];
            values[slot] = oldValues[old];
            order[size++] = slot;
        }
    }

    /** A cursor over the entries still held, in the order their keys were first put. */
    Cursor cursor() {
        return new Cursor();
    }

    final class Cursor {
        private int position = -1;
        private int slot = -1;

        /** Moves to the next entry still held; false when there is none. */
        boolean advance() {
            while (++position < size) {
                slot = order[position];
                if (values[slot] != REMOVED) {
                    return true;
                }
            }
            return false;
        }

        long key() {
            return keys[slot];
        }

        @SuppressWarnings("unchecked")
        V value() {
            return (V) values[slot];
        }
    }
}
