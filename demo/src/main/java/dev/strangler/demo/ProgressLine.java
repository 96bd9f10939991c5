package dev.strangler.demo;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The demo's live status on stderr, once per second. On a terminal it rewrites one line in place ('\r'); when stderr
 * goes to a file or a CI log, rewriting would leave a mess of carriage returns, so it prints a plain line every
 * {@link #PLAIN_EVERY_TICKS} seconds instead.
 */
public final class ProgressLine implements AutoCloseable {

    static final int PLAIN_EVERY_TICKS = 5;

    private final PrintWriter err;
    private final boolean rewrite;
    private final Duration total;
    private final LongSupplier published;
    private final Supplier<OptionalLong> slotLag;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demo-progress");
        t.setDaemon(true);
        return t;
    });
    private volatile String phase = "workload";
    private long startNanos;
    private long lastNanos;
    private long lastPublished;
    private long ticks;
    private int lastLength;

    public ProgressLine(PrintWriter err, boolean rewrite, Duration total, LongSupplier published,
                        Supplier<OptionalLong> slotLag) {
        this.err = err;
        this.rewrite = rewrite;
        this.total = total;
        this.published = published;
        this.slotLag = slotLag;
    }

    public void start() {
        startNanos = System.nanoTime();
        lastNanos = startNanos;
        lastPublished = published.getAsLong();
        ticker.scheduleAtFixedRate(this::tickQuietly, 1, 1, TimeUnit.SECONDS);
    }

    /** What the demo is doing now ("workload", "catching up", ...), shown from the next tick. */
    public void phase(String phase) {
        this.phase = phase;
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            // a failed status line must not end the schedule (and with it every later line)
        }
    }

    private synchronized void tick() {
        long now = System.nanoTime();
        long count = published.getAsLong();
        long perSecond = now == lastNanos ? 0 : Math.round((count - lastPublished) * 1e9 / (now - lastNanos));
        lastNanos = now;
        lastPublished = count;
        ticks++;
        if (!rewrite && ticks % PLAIN_EVERY_TICKS != 0) {
            return;
        }
        String line = format(Duration.ofNanos(now - startNanos), total, phase, count, perSecond, slotLag.get());
        if (rewrite) {
            // pad with blanks so a shorter line fully covers the previous one
            err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
            lastLength = line.length();
        } else {
            err.println(line);
        }
        err.flush();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (rewrite && lastLength > 0) {
                err.println();
                err.flush();
                lastLength = 0;
            }
        }
    }

    static String format(Duration elapsed, Duration total, String phase, long published, long perSecond,
                         OptionalLong lagBytes) {
        return String.format(Locale.ROOT, "demo %s / %s %-11s | %,d events published | %,d ev/s | slot lag %s",
                clock(elapsed), clock(total), phase, published, perSecond,
                lagBytes.isPresent() ? bytes(lagBytes.getAsLong()) : "-");
    }

    static String clock(Duration d) {
        long seconds = d.toSeconds();
        return seconds >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%02d:%02d", seconds / 60, seconds % 60);
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
