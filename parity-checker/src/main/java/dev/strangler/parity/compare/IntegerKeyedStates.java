package dev.strangler.parity.compare;

import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * {@link KeyStates} of a table whose key is one integer column: each canonical key text {@code {"id":42}} is held as
 * its long in a {@link LongKeyedStates}, and its text is made again only for the entries told back. Entries come back
 * in the order their keys were first put.
 *
 * <p>Only texts in the one form the canonical rules give an integer ({@code -?[1-9][0-9]*} or {@code 0}, within a
 * long), all with the same column name, map to a long and back to the same text; putting any other throws
 * {@link NotIntegerKey}, and the caller folds the partition by text instead. A text in another form is never held,
 * so it is never found.
 */
final class IntegerKeyedStates<V> implements KeyStates<V> {

    /** A key put that is not in the one form an integer key has: this partition is folded by text. */
    static final class NotIntegerKey extends RuntimeException {
        NotIntegerKey(String key) {
            super("not a canonical one-column integer key: " + key, null, false, false);
        }
    }

    private final LongKeyedStates<V> states;
    /** {@code {"name":}} of the first key put; every key must start with it. */
    private String prefix;

    /** @param records the records to fold: entries held without growing */
    IntegerKeyedStates(int records) {
        this.states = new LongKeyedStates<>(records);
    }

    @Override
    public V computeIfAbsent(String key, Supplier<V> create) {
        long value = valueToPut(key);
        V v = states.get(value);
        if (v == null) {
            v = create.get();
            states.putNew(value, v);
        }
        return v;
    }

    @Override
    public void put(String key, V value) {
        states.putNew(valueToPut(key), value);
    }

    @Override
    public V remove(String key) {
        int end = key.length() - 1;
        if (prefix == null || !key.startsWith(prefix) || !isInteger(key, prefix.length(), end)) {
            return null;
        }
        return states.remove(Long.parseLong(key, prefix.length(), end, 10));
    }

    @Override
    public Iterable<Map.Entry<String, V>> entries() {
        return () -> new Iterator<>() {
            private final LongKeyedStates<V>.Cursor cursor = states.cursor();
            private boolean ahead;

            @Override
            public boolean hasNext() {
                if (!ahead) {
                    ahead = cursor.advance();
                }
                return ahead;
            }

            @Override
            public Map.Entry<String, V> next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ahead = false;
                return Map.entry(prefix + cursor.key() + "}", cursor.value());
            }
        };
    }

    private long valueToPut(String key) {
        if (prefix == null) {
            int colon = key.lastIndexOf(':');
            if (colon < 1 || key.charAt(0) != '{') {
                throw new NotIntegerKey(key);
            }
            prefix = key.substring(0, colon + 1);
        }
        int end = key.length() - 1;
        if (!key.startsWith(prefix) || !isInteger(key, prefix.length(), end)) {
            throw new NotIntegerKey(key);
        }
        return Long.parseLong(key, prefix.length(), end, 10);
    }

    /**
     * Whether {@code key} ends with a brace after an integer in the canonical form from {@code from} to {@code end}:
     * what {@link Long#toString(long)} gives back.
     */
    private static boolean isInteger(String key, int from, int end) {
        if (end < from + 1 || key.charAt(end) != '}') {
            return false;
        }
        int start = key.charAt(from) == '-' ? from + 1 : from;
        int digits = end - start;
        if (digits < 1 || digits > 19 || (key.charAt(start) == '0' && (digits > 1 || start > from))) {
            return false;
        }
        for (int i = start; i < end; i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        // nineteen digits may be past a long's range: the one case the parse can refuse
        return digits < 19 || fitsInLong(key, from, end);
    }

    private static boolean fitsInLong(String key, int from, int end) {
        try {
            Long.parseLong(key, from, end, 10);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
