package dev.strangler.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Linux /proc readings: resident memory of this JVM and CPU time of any process (e.g. a walsender). */
final class Proc {

    /** USER_HZ: the unit of utime/stime in /proc/PID/stat; 100 on every mainstream Linux. */
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private Proc() {
    }

    /** A field of /proc/self/status in bytes (VmRSS, VmHWM...), or -1 when unavailable. */
    static long selfStatusBytes(String field) {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/status"));
            for (String line : lines) {
                if (line.startsWith(field + ":")) {
                    String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024; // always kB
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /**
     * CPU time the whole machine spent busy (all cores: user, nice, system, irq, softirq, steal) in milliseconds, from
     * /proc/stat, or -1. Compared with the benchmark's own processes it shows whether anything else was running.
     */
    static long machineBusyMillis() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).get(0); // "cpu  user nice system idle iowait ..."
            String[] f = line.trim().split("\\s+");
            long busy = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                busy += Long.parseLong(f[i]);
            }
            return busy * 1000 / CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** User plus system CPU time of a process in milliseconds, or -1 when it is gone or unreadable. */
    static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // The command name (field 2) is in parentheses and may contain spaces: split after the last ')'.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
            long utime = Long.parseLong(fields[11]); // field 14 overall
            long stime = Long.parseLong(fields[12]); // field 15 overall
            return (utime + stime) * 1000 / CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * CPU time of a process and its children in milliseconds, or -1: its own user and system time, the time of the
     * children it has reaped (cutime, cstime) and that of its live children. For the PostgreSQL server: the
     * postmaster, every backend, the walsenders and the background processes, past and present.
     */
    static long treeCpuMillis(long rootPid) {
        try {
            String[] root = statFields(rootPid);
            long ticks = Long.parseLong(root[11]) + Long.parseLong(root[12]) + Long.parseLong(root[13])
                    + Long.parseLong(root[14]);
            try (var dirs = Files.list(Path.of("/proc"))) {
                for (Path dir : (Iterable<Path>) dirs::iterator) {
                    String name = dir.getFileName().toString();
                    if (!name.chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    try {
                        String[] f = statFields(Long.parseLong(name));
                        if (Long.parseLong(f[1]) == rootPid) { // field 4 overall: the parent
                            ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                        }
                    } catch (IOException | RuntimeException gone) {
                        // exited meanwhile: reaped into the parent's cutime
                    }
                }
            }
            return ticks * 1000 / CLOCK_TICKS_PER_SECOND;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The fields of /proc/PID/stat after the command name: index 0 is the state (field 3 overall). */
    private static String[] statFields(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
    }
}
