package dev.strangler.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PacerTest {

    @Test
    void dueTimesComeFromTheStartSoTheyNeverDrift() {
        Pacer pacer = new Pacer(50);
        assertThat(pacer.dueOffsetNanos(0)).isZero();
        assertThat(pacer.dueOffsetNanos(1)).isEqualTo(20_000_000L);
        // a million operations later the schedule is still exact, not a million rounding errors off
        assertThat(pacer.dueOffsetNanos(1_000_000)).isEqualTo(Duration.ofSeconds(20_000).toNanos());
    }

    @Test
    void fractionalRatesAreAllowed() {
        Pacer pacer = new Pacer(0.5);
        assertThat(pacer.dueOffsetNanos(1)).isEqualTo(Duration.ofSeconds(2).toNanos());
        Pacer third = new Pacer(3);
        assertThat(third.dueOffsetNanos(1)).isEqualTo(333_333_333L);
        assertThat(third.dueOffsetNanos(3)).isEqualTo(1_000_000_000L);
    }

    @Test
    void waitsUntilDueAndNotAtAllWhenLate() {
        Pacer pacer = new Pacer(10);
        assertThat(pacer.nanosUntilDue(5, 400_000_000L)).isEqualTo(100_000_000L);
        // operation 5 is due at 500 ms: a slow operation before it does not push it back, it just runs at once
        assertThat(pacer.nanosUntilDue(5, 730_000_000L)).isZero();
        assertThat(pacer.nanosUntilDue(6, 730_000_000L)).isZero();
        assertThat(pacer.nanosUntilDue(8, 730_000_000L)).isEqualTo(70_000_000L);
    }

    @Test
    void countsTheOperationsDueWithinADuration() {
        assertThat(new Pacer(40).operationsWithin(Duration.ofSeconds(8).toNanos())).isEqualTo(320);
        assertThat(new Pacer(50).operationsWithin(Duration.ofSeconds(30).toNanos())).isEqualTo(1500);
        assertThat(new Pacer(3).operationsWithin(Duration.ofMillis(1001).toNanos())).isEqualTo(4);
        assertThat(new Pacer(0.5).operationsWithin(Duration.ofSeconds(1).toNanos())).isEqualTo(1);
    }

    @Test
    void rejectsRatesThatCannotBePaced() {
        assertThatThrownBy(() -> new Pacer(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Pacer(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Pacer(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Pacer(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
    }
}
