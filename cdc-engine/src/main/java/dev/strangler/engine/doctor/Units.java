package dev.strangler.engine.doctor;

import java.time.Duration;
import java.util.Locale;

/** Byte counts and durations the way the doctor and slot status print them. */
public final class Units {

    private Units() {
    }

    /** 0 B, 512 B, 1.5 kB, 48 MB, 3.2 GB (powers of 1024, like pg_size_pretty). */
    public static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, value < 10 ? "%.1f %s" : "%.0f %s", value, units[unit]);
    }

    /** 250 ms, 42 s, 17 min, 5 h, 3 days. */
    public static String duration(Duration d) {
        long s = d.toSeconds();
        if (s < 1) {
            return d.toMillis() + " ms";
        }
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return (s / 60) + " min";
        }
        return s < 172800 ? (s / 3600) + " h" : (s / 86400) + " days";
    }
}
