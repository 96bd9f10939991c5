package dev.strangler.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The run loop both workloads share, with a workload that touches no database (it has no connection). */
class PacedWorkloadTest {

    enum Step { WORKS, FAILS, NEEDS_WORK_FIRST }

    static final OperationMix<Step> MIX = OperationMix.of(Step.class).with(Step.WORKS, 3, "completes")
            .with(Step.FAILS, 1, "throws").with(Step.NEEDS_WORK_FIRST, 1, "runs once WORKS has");

    /** Performs by the given rule: null completes, an exception fails. */
    static final class Scripted extends PacedWorkload<Step> {
        private final Function<Step, Exception> outcome;
        private final boolean failPreparation;
        private boolean worked;

        Scripted(double rate, Duration duration, boolean failPreparation, Function<Step, Exception> outcome) {
            super(MIX, "test workload", "steps", null, 42, rate, duration);
            this.outcome = outcome;
            this.failPreparation = failPreparation;
        }

        @Override
        protected void prepare() {
            if (failPreparation) {
                abort("could not prepare");
            }
        }

        @Override
        protected Step feasible(Step wanted) {
            return wanted == Step.NEEDS_WORK_FIRST && !worked ? Step.WORKS : wanted;
        }

        @Override
        protected void perform(Step step) throws SQLException {
            Exception failure = outcome.apply(step);
            if (failure instanceof SQLException e) {
                throw e;
            }
            if (failure instanceof RuntimeException e) {
                throw e;
            }
            worked |= step == Step.WORKS;
        }
    }

    @Test
    void everyDueOperationRunsAndIsCountedByKindAndThePhaseLastsTheFullDuration() {
        Duration duration = Duration.ofMillis(150);
        Scripted workload = new Scripted(400, duration, false,
                step -> step == Step.FAILS ? new SQLException("refused") : null);
        workload.run();

        long completed = workload.completed().values().stream().mapToLong(Long::longValue).sum();
        long failed = workload.failed().values().stream().mapToLong(Long::longValue).sum();
        assertThat(completed + failed).isEqualTo(new Pacer(400).operationsWithin(duration.toNanos()));
        assertThat(workload.failed()).containsEntry(Step.WORKS, 0L).containsEntry(Step.NEEDS_WORK_FIRST, 0L);
        assertThat(workload.failed().get(Step.FAILS)).isPositive();
        assertThat(workload.completed().get(Step.NEEDS_WORK_FIRST)).isPositive();
        assertThat(workload.completed()).containsEntry(Step.FAILS, 0L);
        assertThat(workload.abortReason()).isNull();
        assertThat(workload.elapsed()).isGreaterThanOrEqualTo(duration);
        assertThat(workload.ratePerSecond()).isEqualTo(400);
    }

    @Test
    void givesUpAfterTwentyFailuresInARowWithTheLastReason() {
        Scripted workload = new Scripted(1000, Duration.ofMinutes(1), false,
                step -> new IllegalStateException("gone"));
        workload.run();

        assertThat(workload.abortReason()).isEqualTo("20 steps in a row failed, last: gone");
        assertThat(workload.failed().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(20);
        assertThat(workload.elapsed()).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void aFailedPreparationEndsTheWorkloadBeforeAnyOperation() {
        Scripted workload = new Scripted(1000, Duration.ofMinutes(1), true, step -> null);
        workload.run();

        assertThat(workload.abortReason()).isEqualTo("could not prepare");
        assertThat(workload.completed().values()).containsOnly(0L);
        assertThat(workload.elapsed()).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void stopEndsTheRunAfterTheOperationInProgress() throws InterruptedException {
        Scripted workload = new Scripted(20, Duration.ofHours(1), false, step -> null);
        Thread runner = new Thread(workload, "paced-workload-test");
        runner.start();
        workload.stop();
        runner.join(Duration.ofSeconds(10).toMillis());

        assertThat(runner.isAlive()).isFalse();
        assertThat(workload.abortReason()).isNull();
        assertThat(workload.elapsed()).isLessThan(Duration.ofSeconds(10));
    }
}
