package dev.strangler.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.strangler.demo.LegacyWorkload.Kind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LegacyWorkloadTest {

    @Test
    void theSameSeedPicksTheSameOperations() {
        assertThat(picks(42, 500)).isEqualTo(picks(42, 500));
        assertThat(picks(42, 500)).isNotEqualTo(picks(43, 500));
    }

    @Test
    void operationsFollowTheirWeights() {
        int n = 200_000;
        Map<Kind, Integer> seen = new EnumMap<>(Kind.class);
        Random random = new Random(7);
        for (int i = 0; i < n; i++) {
            seen.merge(Kind.pick(random), 1, Integer::sum);
        }
        assertThat(seen).containsOnlyKeys(Kind.values());
        assertThat(seen.get(Kind.ORDER_PLACE) / (double) n).isCloseTo(18.0 / Kind.TOTAL_WEIGHT, within(0.01));
        assertThat(seen.get(Kind.ORDER_DELETE) / (double) n).isCloseTo(7.0 / Kind.TOTAL_WEIGHT, within(0.01));
        // more orders are placed than deleted, so the shop does not run out of orders
        assertThat(seen.get(Kind.ORDER_PLACE)).isGreaterThan(2 * seen.get(Kind.ORDER_DELETE));
    }

    @Test
    void keysAreStableNamesForSummaries() {
        assertThat(Kind.AUDIT_UPDATE.key()).isEqualTo("audit_update");
        assertThat(Kind.ORDER_PLACE.description()).contains("one transaction");
    }

    private static List<Kind> picks(long seed, int count) {
        Random random = new Random(seed);
        List<Kind> kinds = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            kinds.add(Kind.pick(random));
        }
        return kinds;
    }
}
