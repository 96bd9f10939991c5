package dev.strangler.cli.parity;

import dev.strangler.parity.Progress;
import java.io.PrintWriter;
import java.time.Duration;

/** Progress lines on stderr: rewritten in place on a terminal, one line every few seconds otherwise. */
public final class StderrProgress implements Progress {

    private final PrintWriter err;
    private final boolean terminal;
    private long lastPlainLine;

    public StderrProgress(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    @Override
    public void waiting(String slot, long bytesBehind, Duration waited, Duration timeout) {
        show("waiting for the pipeline: slot " + slot + " is " + (bytesBehind < 0 ? "?" : bytesBehind)
                + " bytes behind the cut (" + waited.toSeconds() + "s of " + timeout.toSeconds() + "s)", false);
    }

    @Override
    public void consuming(String topic, long consumed, long total) {
        show("reading " + topic + ": " + consumed + " of " + total + " records" + percent(consumed, total),
                consumed >= total);
    }

    @Override
    public void scanning(String table, long rows, long estimatedRows) {
        show("scanning " + table + ": " + rows + " rows" + (estimatedRows > 0 ? " of ~" + estimatedRows
                + percent(rows, estimatedRows) : ""), false);
    }

    private static String percent(long part, long whole) {
        return whole <= 0 ? "" : " (" + Math.min(100, part * 100 / whole) + "%)";
    }

    private synchronized void show(String line, boolean done) {
        if (terminal) {
            err.print("\r\033[K" + line + (done ? "\n" : ""));
            err.flush();
            return;
        }
        long now = System.nanoTime();
        if (done || now - lastPlainLine > 5_000_000_000L) {
            err.println("strangler parity: " + line);
            err.flush();
            lastPlainLine = now;
        }
    }

    /** Ends a rewritten line so the next output starts on its own line. */
    public synchronized void finish() {
        if (terminal) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
