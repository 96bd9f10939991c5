package dev.strangler.engine.doctor;

import java.time.Duration;

/**
 * Whether a standby source lets a long parity check finish. The check holds one REPEATABLE READ snapshot on the
 * standby for its whole run (the cut); when replaying the primary's WAL conflicts with it (the primary's vacuum removed
 * row versions the snapshot still sees, which {@code hot_standby_feedback} prevents, or replay needs a lock or a page
 * the check holds, which nothing prevents) the standby waits {@code max_standby_streaming_delay}, then cancels the
 * check. The default, 30 s, is shorter than a check of a large table.
 */
final class StandbyDelayCheck {

    static final String NAME = "max_standby_streaming_delay";
    /** Longer than a parity check of tens of millions of rows (bench/README: 10M rows in about 90 s). */
    static final Duration LONG_ENOUGH = Duration.ofMinutes(15);

    private StandbyDelayCheck() {
    }

    /** @param delayMillis the setting in milliseconds, -1 for "wait for ever" */
    static Check of(long delayMillis, boolean hotStandbyFeedback) {
        if (delayMillis < 0) {
            return Check.pass(NAME, "-1: replay waits for a parity check's cut instead of cancelling it (the standby "
                    + "lags behind the primary meanwhile)");
        }
        Duration delay = Duration.ofMillis(delayMillis);
        if (delay.compareTo(LONG_ENOUGH) >= 0) {
            return Check.pass(NAME, Units.duration(delay) + ": replay waits that long for a parity check's cut "
                    + "before cancelling it");
        }
        return Check.warn(NAME, Units.duration(delay) + ": a parity check holds one snapshot here for its whole run, "
                + "and the standby cancels it once replay has waited that long for it ("
                + (hotStandbyFeedback ? "a lock or a page replay needs"
                        : "with hot_standby_feedback off, after any vacuum on the primary of rows it still sees")
                + "); the check then fails with 'a recovery conflict' and has to be run again",
                "on the standby: ALTER SYSTEM SET max_standby_streaming_delay = '" + LONG_ENOUGH.toMinutes()
                        + "min'; SELECT pg_reload_conf(); (longer than your longest parity run; -1 never cancels; "
                        + "either lets replay lag behind the primary while a check holds it up)");
    }
}
