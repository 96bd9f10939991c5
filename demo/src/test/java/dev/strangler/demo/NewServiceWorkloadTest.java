package dev.strangler.demo;

import static dev.strangler.demo.NewServiceWorkload.MIX;
import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.demo.NewServiceWorkload.Kind;
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
    void someCheckoutsAreAbandonedButFewerThanOrdersPlaced() {
        assertThat(MIX.weight(Kind.ABANDON_CHECKOUT)).isPositive().isLessThan(MIX.weight(Kind.PLACE_ORDER));
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
        assertThat(MIX.key(Kind.ABANDON_CHECKOUT)).isEqualTo("abandon_checkout");
        assertThat(MIX.description(Kind.ABANDON_CHECKOUT)).contains("rolled back");
        assertThat(NewServiceWorkload.AGGREGATE_TYPES).containsExactly("order", "payment");
    }
}
