package dev.strangler.parity.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The long-keyed map a fold holds integer keys in: lookups, removals, and the order its entries are told in. */
class LongKeyedStatesTest {

    private static List<Long> keysInOrder(LongKeyedStates<String> states) {
        List<Long> keys = new ArrayList<>();
        LongKeyedStates<String>.Cursor cursor = states.cursor();
        while (cursor.advance()) {
            assertThat(cursor.value()).isEqualTo("v" + cursor.key());
            keys.add(cursor.key());
        }
        return keys;
    }

    /** Keys in shapes a table has: dense, sparse, negative, strided by powers of two, at a long's ends. */
    private static List<Long> keys(int n, Random random) {
        List<Long> keys = new ArrayList<>();
        for (long k = 0; k < n; k++) {
            keys.add(switch ((int) (k % 6)) {
                case 0 -> k;
                case 1 -> -k;
                case 2 -> k << 20;
                case 3 -> k * 1_000_003L;
                case 4 -> random.nextLong();
                default -> k % 12 == 5 ? Long.MAX_VALUE - k : Long.MIN_VALUE + k;
            });
        }
        return keys;
    }

    @Test
    void shouldHoldEveryKeyOnceAndTellThemInTheOrderTheyWereFirstPut() {
        Random random = new Random(11);
        List<Long> keys = keys(30_000, random);
        // a reference in insertion order, the same keys put again (a key's later events) changing nothing
        Map<Long, String> reference = new LinkedHashMap<>();
        LongKeyedStates<String> states = new LongKeyedStates<>(keys.size());
        for (int i = 0; i < keys.size() * 2; i++) {
            long key = keys.get(random.nextInt(keys.size()));
            if (states.get(key) == null) {
                states.putNew(key, "v" + key);
            }
            reference.putIfAbsent(key, "v" + key);
        }
        assertThat(keysInOrder(states)).containsExactlyElementsOf(reference.keySet());

        // drained in another order, some keys never held: what is left keeps its order
        List<Long> removing = new ArrayList<>(reference.keySet());
        java.util.Collections.shuffle(removing, random);
        for (long key : removing.subList(0, removing.size() / 2)) {
            assertThat(states.remove(key)).isEqualTo("v" + key);
            assertThat(states.remove(key)).isNull();
            assertThat(states.get(key)).isNull();
            reference.remove(key);
        }
        assertThat(states.remove(42_424_242L)).isNull();
        assertThat(keysInOrder(states)).containsExactlyElementsOf(reference.keySet());
        reference.keySet().forEach(key -> assertThat(states.get(key)).isEqualTo("v" + key));
    }

    @Test
    void shouldGrowPastItsSizeKeepingTheOrderAndTheRemovedKeys() {
        LongKeyedStates<String> states = new LongKeyedStates<>(1);
        List<Long> expected = new ArrayList<>();
        for (long key = 1_000; key > -1_000; key -= 7) {
            states.putNew(key << 32, "v" + (key << 32));
            expected.add(key << 32);
        }
        assertThat(states.remove(993L << 32)).isEqualTo("v" + (993L << 32));
        expected.remove(Long.valueOf(993L << 32));
        for (long key = 5_000; key < 6_000; key++) {
            states.putNew(key, "v" + key);
            expected.add(key);
        }
        assertThat(keysInOrder(states)).containsExactlyElementsOf(expected);
        assertThat(states.get(993L << 32)).isNull();
        assertThatThrownBy(() -> states.putNew(993L << 32, "again")).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> states.putNew(5_000, "twice")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldTellTheSameOrderWhateverSizeItWasMadeFor() {
        List<Long> keys = keys(5_000, new Random(5));
        LongKeyedStates<String> small = new LongKeyedStates<>(10);
        LongKeyedStates<String> large = new LongKeyedStates<>(100_000);
        for (long key : keys) {
            if (small.get(key) == null) {
                small.putNew(key, "v" + key);
                large.putNew(key, "v" + key);
            }
        }
        assertThat(keysInOrder(small)).containsExactlyElementsOf(keysInOrder(large)).hasSize(5_000);
    }
}
