package dev.strangler.engine.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.engine.metrics.PipelineStatus.Phase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class PipelineStatusTest {

    private static final Duration MAX = Duration.ofSeconds(60);

    @Test
    void shouldBeReadyOnlyWhileStreamingWithinTheLag() {
        assertThat(PipelineStatus.readiness(Phase.STREAMING, OptionalDouble.of(3), MAX, true).ready()).isTrue();
        PipelineStatus.Readiness behind = PipelineStatus.readiness(Phase.STREAMING, OptionalDouble.of(61), MAX, true);
        assertThat(behind.ready()).isFalse();
        assertThat(behind.reason()).contains("61 s behind").contains("health.ready.max.lag is 60 s");
        assertThat(PipelineStatus.readiness(Phase.STREAMING, OptionalDouble.empty(), MAX, true).ready()).isFalse();
        for (Phase phase : List.of(Phase.STARTING, Phase.SNAPSHOTTING, Phase.WAITING_FOR_KAFKA,
                Phase.WAITING_FOR_POSTGRESQL, Phase.WAITING_FOR_SLOT, Phase.STANDBY, Phase.STOPPING, Phase.STOPPED,
                Phase.FAILED)) {
            assertThat(PipelineStatus.readiness(phase, OptionalDouble.of(0), MAX, true).ready()).as(phase.label())
                    .isFalse();
        }
        assertThat(PipelineStatus.readiness(Phase.WAITING_FOR_KAFKA, OptionalDouble.of(0), MAX, true).reason())
                .isEqualTo("waiting for Kafka");
    }

    @Test
    void shouldNotHoldAnIdleDatabaseAgainstAPipelineWithoutHeartbeats() {
        assertThat(PipelineStatus.readiness(Phase.STREAMING, OptionalDouble.empty(), MAX, false).ready()).isTrue();
        assertThat(PipelineStatus.readiness(Phase.STREAMING, OptionalDouble.of(600), MAX, false).ready()).isTrue();
    }

    @Test
    void shouldEstimateSnapshotProgressRateAndTimeLeft() {
        SnapshotProgress p = new SnapshotProgress();
        p.estimates(Map.of("shop.a", 1000L, "shop.b", -1L));
        for (int i = 0; i < 250; i++) {
            p.rowPublished("shop.a", 10_000 + i * 4L); // 250 rows in ~1 s
        }
        SnapshotProgress.Table a = p.tables(List.of("shop.a")).get(0);
        assertThat(a.fraction().getAsDouble()).isEqualTo(0.25);
        assertThat(a.ratePerSecond(11_000)).isEqualTo(250.0);
        assertThat(a.etaSeconds(11_000).getAsDouble()).isEqualTo(3.0);
        assertThat(p.fraction(List.of("shop.a", "shop.b"))).as("one estimate unknown").isEmpty();
        assertThat(p.fraction(List.of("shop.a"))).hasValue(0.25);
        p.finished(12_000);
        assertThat(p.running()).isFalse();
        p.started(13_000);
        assertThat(p.tables(List.of("shop.a")).get(0).rows()).as("a new snapshot counts from zero").isZero();
    }
}
