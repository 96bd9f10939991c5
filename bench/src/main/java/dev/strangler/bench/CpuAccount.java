package dev.strangler.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Where the CPU went between two samples: named groups of the benchmark's own processes (this JVM, a child JVM, the
 * PostgreSQL server with all its backends) and "other processes", the rest of the machine's busy time, which is the
 * noise of a shared machine. Processes are listed again at every sample, since backends come and go; CPU of a
 * process that ended between the samples is lost from its group and shows up as "other".
 */
final class CpuAccount {

    /** CPU times at one moment: the machine's busy time, and per group per pid. */
    record Sample(long atNanos, long machineBusyMillis, Map<String, Map<Long, Long>> groups) {
    }

    /** CPU used between two samples. */
    record Usage(long wallMillis, long machineMillis, Map<String, Long> groups) {
        /**
         * The same usage with one group's CPU replaced, e.g. by what a child JVM reported of itself (it may have
         * exited before the closing sample could read it).
         */
        Usage withGroup(String name, long millis) {
            Map<String, Long> g = new LinkedHashMap<>(groups);
            g.put(name, millis);
            return new Usage(wallMillis, machineMillis, g);
        }

        long ownMillis() {
            return groups.values().stream().mapToLong(Long::longValue).sum();
        }

        /** CPU of everything that is not one of the groups. */
        long foreignMillis() {
            return Math.max(0, machineMillis - ownMillis());
        }

        double foreignShareOfCore() {
            return wallMillis <= 0 ? 0 : (double) foreignMillis() / wallMillis;
        }

        /**
         * e.g. "pipeline JVM 12.3 s, PostgreSQL 4.1 s, this JVM 2.0 s, other processes 0.4 s (0.03 of a core); wall
         * 10.1 s".
         */
        String describe() {
            StringBuilder sb = new StringBuilder();
            groups.forEach((name, ms) -> sb.append(String.format(Locale.ROOT, "%s %.1f s, ", name, ms / 1000.0)));
            sb.append(String.format(Locale.ROOT, "other processes %.1f s (%.2f of a core); wall %.1f s",
                    foreignMillis() / 1000.0, foreignShareOfCore(), wallMillis / 1000.0));
            return sb.toString();
        }
    }

    private final Map<String, Supplier<Collection<Long>>> groups = new LinkedHashMap<>();

    /** Adds a named group whose processes are listed by {@code pids} at every sample. */
    CpuAccount group(String name, Supplier<Collection<Long>> pids) {
        groups.put(name, pids);
        return this;
    }

    static Supplier<Collection<Long>> self() {
        long pid = ProcessHandle.current().pid();
        return () -> List.of(pid);
    }

    static Supplier<Collection<Long>> pid(long pid) {
        return () -> List.of(pid);
    }

    /**
     * The PostgreSQL server of a data directory: the postmaster (first line of postmaster.pid) and all its
     * descendants (backends, walsenders, checkpointer, walwriter...).
     */
    static Supplier<Collection<Long>> postgres(Path dataDirectory) {
        return () -> {
            List<Long> pids = new ArrayList<>();
            try {
                long postmaster = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0)
                        .trim());
                pids.add(postmaster);
                ProcessHandle.of(postmaster).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
            } catch (IOException | RuntimeException e) {
                // not running: nothing to count
            }
            return pids;
        };
    }

    Sample sample() {
        Map<String, Map<Long, Long>> m = new LinkedHashMap<>();
        groups.forEach((name, pids) -> {
            Map<Long, Long> cpu = new HashMap<>();
            for (long pid : pids.get()) {
                long ms = Proc.cpuMillis(pid);
                if (ms >= 0) {
                    cpu.put(pid, ms);
                }
            }
            m.put(name, cpu);
        });
        return new Sample(System.nanoTime(), Proc.machineBusyMillis(), m);
    }

    /**
     * Starts sampling every 500 ms in a daemon thread until {@link Tracker#finish()}, so that a process that ends in
     * the meantime (a backend whose connection closed, a child JVM that exited) keeps the CPU it was last seen with.
     */
    Tracker track() {
        Tracker t = new Tracker(sample());
        t.start();
        return t;
    }

    /** See {@link #track()}. */
    final class Tracker extends Thread {
        private final Sample from;
        private final Map<String, Map<Long, Long>> seen = new LinkedHashMap<>();

        private Tracker(Sample from) {
            super("cpu-tracker");
            setDaemon(true);
            this.from = from;
            merge(from);
        }

        private synchronized void merge(Sample s) {
            s.groups().forEach((name, cpu) -> seen.computeIfAbsent(name, k -> new HashMap<>()).putAll(cpu));
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
                merge(sample());
            }
        }

        /** Stops sampling and returns the CPU used since the tracker started. */
        Usage finish() {
            interrupt();
            Sample last = sample();
            merge(last);
            synchronized (this) {
                return between(from, new Sample(last.atNanos(), last.machineBusyMillis(), seen));
            }
        }
    }

    static Usage between(Sample from, Sample to) {
        Map<String, Long> used = new LinkedHashMap<>();
        to.groups().forEach((name, cpu) -> {
            Map<Long, Long> before = from.groups().getOrDefault(name, Map.of());
            long sum = 0;
            for (var e : cpu.entrySet()) {
                sum += Math.max(0, e.getValue() - before.getOrDefault(e.getKey(), 0L));
            }
            used.put(name, sum);
        });
        return new Usage((to.atNanos() - from.atNanos()) / 1_000_000, to.machineBusyMillis()
                - from.machineBusyMillis(), used);
    }
}
