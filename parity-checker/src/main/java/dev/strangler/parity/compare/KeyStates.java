package dev.strangler.parity.compare;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One partition's folded states by canonical key text, told back in one order: the same in every pass that puts the
 * same keys in the same order (the scan's fold, the DIGEST pass's fold, the REFOLD pass's keys read back in the order
 * the DIGEST pass told them). Filled, then drained: a key removed is not put back.
 */
interface KeyStates<V> {

    /** The key's value, made by {@code create} when it has none yet. */
    V computeIfAbsent(String key, Supplier<V> create);

    /** Puts a key that has no value yet. */
    void put(String key, V value);

    /** Removes the key's value and returns it, or null when it has none. */
    V remove(String key);

    /** The entries still held, in this map's order. */
    Iterable<Map.Entry<String, V>> entries();

    /**
     * By the key texts' hashes: a HashMap sized for every record being a key of its own (a snapshot), so it does not
     * rehash while it fills; of the same size in every pass, its keys come out in the same order.
     */
    static <V> KeyStates<V> byText(int records) {
        Map<String, V> map = new HashMap<>((int) Math.min(1 << 30, records * 4L / 3 + 1));
        return new KeyStates<>() {
            @Override
            public V computeIfAbsent(String key, Supplier<V> create) {
                return map.computeIfAbsent(key, k -> create.get());
            }

            @Override
            public void put(String key, V value) {
                map.put(key, value);
            }

            @Override
            public V remove(String key) {
                return map.remove(key);
            }

            @Override
            public Iterable<Map.Entry<String, V>> entries() {
                return map.entrySet();
            }
        };
    }
}
