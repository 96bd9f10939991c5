package dev.strangler.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.strangler.demo.NewServiceWorkload.Kind;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class NewServiceWorkloadTest {

    @Test
    void runsAtAQuarterOfTheLegacyRateButAtLeastOncePerSecond() {
        assertThat(NewServiceWorkload.rateFor(50)).isEqualTo(12.5);
        assertThat(NewServiceWorkload.rateFor(200)).isEqualTo(50);
        assertThat(NewServiceWorkload.rateFor(2)).isEqualTo(1);
        assertThat(NewServiceWorkload.rateFor(0.1)).isEqualTo(1);
    }

    @Test
    void transactionsFollowTheirWeightsAndSomeAreRolledBack() {
        int n = 120_000;
        Map<Kind, Integer> seen = new EnumMap<>(Kind.class);
        Random random = new Random(43);
        for (int i = 0; i < n; i++) {
            seen.merge(Kind.pick(random), 1, Integer::sum);
        }
        assertThat(seen).containsOnlyKeys(Kind.values());
        assertThat(seen.get(Kind.PLACE_ORDER) / (double) n).isCloseTo(6.0 / Kind.TOTAL_WEIGHT, within(0.01));
        assertThat(seen.get(Kind.ABANDON_CHECKOUT) / (double) n).isCloseTo(1.0 / Kind.TOTAL_WEIGHT, within(0.01));
    }

    @Test
    void aStepThatNeedsAnEarlierOneFallsBackToIt() {
        assertThat(NewServiceWorkload.feasible(Kind.CAPTURE_PAYMENT, false, false)).isEqualTo(Kind.PLACE_ORDER);
        assertThat(NewServiceWorkload.feasible(Kind.CAPTURE_PAYMENT, true, false)).isEqualTo(Kind.CONFIRM_ORDER);
        assertThat(NewServiceWorkload.feasible(Kind.CAPTURE_PAYMENT, false, true)).isEqualTo(Kind.CAPTURE_PAYMENT);
        assertThat(NewServiceWorkload.feasible(Kind.CONFIRM_ORDER, false, true)).isEqualTo(Kind.PLACE_ORDER);
        assertThat(NewServiceWorkload.feasible(Kind.CONFIRM_ORDER, true, false)).isEqualTo(Kind.CONFIRM_ORDER);
        assertThat(NewServiceWorkload.feasible(Kind.ABANDON_CHECKOUT, false, false)).isEqualTo(Kind.ABANDON_CHECKOUT);
        assertThat(NewServiceWorkload.feasible(Kind.PLACE_ORDER, true, true)).isEqualTo(Kind.PLACE_ORDER);
    }

    @Test
    void idsAreVersion4UuidsAndTheSameSeedGivesTheSameIds() {
        Random first = new Random(43);
        Random second = new Random(43);
        for (int i = 0; i < 1_000; i++) {
            UUID id = NewServiceWorkload.uuid(first);
            assertThat(id.version()).isEqualTo(4);
            assertThat(id.variant()).isEqualTo(2);
            assertThat(NewServiceWorkload.uuid(second)).isEqualTo(id);
        }
    }

    @Test
    void keysAreStableNamesForSummaries() {
        assertThat(Kind.ABANDON_CHECKOUT.key()).isEqualTo("abandon_checkout");
        assertThat(Kind.ABANDON_CHECKOUT.description()).contains("rolled back");
        assertThat(NewServiceWorkload.AGGREGATE_TYPES).containsExactly("order", "payment");
    }
}
