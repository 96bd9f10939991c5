package dev.strangler.demo;

/**
 * Drift-free pacing: operation n is due at {@code n / rate} seconds after the start, however long earlier operations
 * took. Sleeping a fixed period after each operation would add every operation's own duration to the schedule and
 * fall behind the requested rate; computing each due time from the start keeps the long-run rate exact, and a late
 * operation simply runs at once.
 */
public final class Pacer {

    private static final double NANOS_PER_SECOND = 1_000_000_000d;

    private final double ratePerSecond;

    public Pacer(double ratePerSecond) {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("rate must be a positive number, got " + ratePerSecond);
        }
        this.ratePerSecond = ratePerSecond;
    }

    /** Nanoseconds from the start at which operation {@code n} (0-based) is due. */
    public long dueOffsetNanos(long n) {
        return Math.round(n * NANOS_PER_SECOND / ratePerSecond);
    }

    /** How long to wait before operation {@code n} when {@code elapsedNanos} have passed since the start; 0 if late. */
    public long nanosUntilDue(long n, long elapsedNanos) {
        return Math.max(0, dueOffsetNanos(n) - elapsedNanos);
    }

    /** How many operations are due within {@code durationNanos}: those with a due time strictly before its end. */
    public long operationsWithin(long durationNanos) {
        long n = (long) Math.ceil(durationNanos * ratePerSecond / NANOS_PER_SECOND);
        // floating point may land one off either side of an exact boundary
        while (n > 0 && dueOffsetNanos(n - 1) >= durationNanos) {
            n--;
        }
        while (dueOffsetNanos(n) < durationNanos) {
            n++;
        }
        return n;
    }
}
