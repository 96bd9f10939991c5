package dev.strangler.engine.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StandbyDelayCheckTest {

    @Test
    void theDefaultThirtySecondsWarnsWithWhatToSet() {
        Check check = StandbyDelayCheck.of(30_000, true);
        assertThat(check.status()).isEqualTo(Status.WARN);
        assertThat(check.detail()).startsWith("30 s:").contains("cancels it", "a lock or a page replay needs");
        assertThat(check.fix()).contains("ALTER SYSTEM SET max_standby_streaming_delay = '15min'",
                "SELECT pg_reload_conf()", "-1 never cancels");
    }

    @Test
    void withoutFeedbackTheWarningSaysAnyVacuumOnThePrimaryCancelsTheCheck() {
        assertThat(StandbyDelayCheck.of(0, false).detail()).startsWith("0 ms:")
                .contains("hot_standby_feedback off, after any vacuum on the primary");
    }

    @Test
    void waitingForEverOrLongerThanALongCheckPasses() {
        assertThat(StandbyDelayCheck.of(-1, true).status()).isEqualTo(Status.PASS);
        assertThat(StandbyDelayCheck.of(15 * 60_000, true).status()).isEqualTo(Status.PASS);
        assertThat(StandbyDelayCheck.of(15 * 60_000 - 1, true).status()).isEqualTo(Status.WARN);
    }
}
