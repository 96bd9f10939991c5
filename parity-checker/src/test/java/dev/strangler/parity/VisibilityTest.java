package dev.strangler.parity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.parity.model.Cut;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class VisibilityTest {

    @Test
    void shouldSeeCommittedBeforeXminAndNotInProgressOrFutureTransactions() {
        Visibility v = new Visibility(new Cut(100, 110, List.of(103L, 107L), 0, Instant.EPOCH));
        assertThat(v.isVisible(99)).isTrue();
        assertThat(v.isVisible(100)).isTrue(); // >= xmin but committed: not in the in-progress list
        assertThat(v.isVisible(103)).isFalse();
        assertThat(v.isVisible(107)).isFalse();
        assertThat(v.isVisible(109)).isTrue();
        assertThat(v.isVisible(110)).isFalse();
        assertThat(v.isVisible(5000)).isFalse();
    }

    @Test
    void shouldWidenThirtyTwoBitXidsAcrossAnEpochBoundary() {
        long epoch2 = 2L << 32;
        Visibility v = new Visibility(new Cut(epoch2 + 5, epoch2 + 10, List.of(), 0, Instant.EPOCH));
        // 0xFFFFFFF0 is 26 transactions before xmax, in the previous epoch: committed long ago
        assertThat(v.widen(0xFFFFFFF0L)).isEqualTo(epoch2 - 16);
        assertThat(v.isVisible(0xFFFFFFF0L)).isTrue();
        assertThat(v.widen(7)).isEqualTo(epoch2 + 7);
        assertThat(v.isVisible(7)).isTrue();
        assertThat(v.isVisible(12)).isFalse();
    }

    @Test
    void shouldPassThroughXidsThatAlreadyCarryTheirEpoch() {
        long epoch1 = 1L << 32;
        Visibility v = new Visibility(new Cut(epoch1 + 50, epoch1 + 60, List.of(), 0, Instant.EPOCH));
        assertThat(v.widen(epoch1 + 40)).isEqualTo(epoch1 + 40);
        assertThat(v.isVisible(epoch1 + 40)).isTrue();
        assertThat(v.isVisible(epoch1 + 61)).isFalse();
    }
}
