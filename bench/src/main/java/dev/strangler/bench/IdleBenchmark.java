package dev.strangler.bench;

import dev.strangler.sandbox.SandboxKafka;
import dev.strangler.sandbox.SandboxPostgres;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * What a running pipeline costs while the source is idle: {@code strangler run} (the CLI, in its own JVM with the
 * launcher's default flags) on a sandbox table of 1,000 rows, left to settle after its snapshot, then its CPU time
 * over a quiet window, once per {@code debezium.poll.interval.ms} asked for. A migration's pipeline runs for weeks,
 * much of it idle.
 *
 * <p>Arguments: {@code --out DIR} (from run-idle.sh), {@code --poll-intervals 10,100,500} (ms; default 10,100,500),
 * {@code --settle-seconds N} (default 30), {@code --seconds N} (default 60).
 */
public final class IdleBenchmark {

    private IdleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Long> intervals = List.of(10L, 100L, 500L);
        int settle = 30;
        int seconds = 60;
        Path out = Path.of("bench/target/idle-last");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--poll-intervals" -> intervals = java.util.Arrays.stream(args[++i].split(","))
                        .map(Long::parseLong).toList();
                case "--settle-seconds" -> settle = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> {
                    System.err.println("IdleBenchmark [--poll-intervals 10,100,500] [--settle-seconds 30] "
                            + "[--seconds 60] [--out DIR]");
                    System.exit(2);
                }
            }
        }
        Files.createDirectories(out);
        List<String> lines = new ArrayList<>();
        try (SandboxKafka kafka = SandboxKafka.start(); SandboxPostgres pg = SandboxPostgres.start()) {
            pg.createDatabase("idle");
            try (Connection c = pg.connect("idle"); Statement st = c.createStatement()) {
                st.execute("CREATE TABLE public.items (id bigint PRIMARY KEY, v text)");
                st.execute("INSERT INTO public.items SELECT g, md5(g::text) FROM generate_series(1, 1000) g");
            }
            for (long interval : intervals) {
                String name = "idle" + interval;
                Path config = out.resolve(name + ".properties");
                Files.write(config, List.of("pipeline.name=" + name, "source.url=" + pg.jdbcUrl("idle"),
                        "source.user=" + pg.superuser(), "source.password=" + pg.superuserPassword(),
                        "source.tables=public.items", "source.slot=" + name, "source.publication=" + name,
                        "kafka.bootstrap.servers=" + kafka.bootstrapServers(), "topic.prefix=" + name,
                        "http.port=0", "debezium.poll.interval.ms=" + interval));
                // the launcher's defaults for `strangler run` (see ./strangler)
                Process p = new ProcessBuilder("java", "-Xmx384m", "-XX:+UseParallelGC", "-cp",
                        System.getProperty("java.class.path"), "dev.strangler.cli.StranglerCommand", "run",
                        "--config", config.toString())
                        .redirectErrorStream(true).redirectOutput(new File(out.resolve(name + ".log").toString()))
                        .start();
                try {
                    Thread.sleep(settle * 1000L);
                    if (!p.isAlive()) {
                        throw new IllegalStateException("the pipeline stopped; see " + out.resolve(name + ".log"));
                    }
                    long cpu0 = Proc.cpuMillis(p.pid());
                    long wall0 = System.nanoTime();
                    Thread.sleep(seconds * 1000L);
                    long cpu = Proc.cpuMillis(p.pid()) - cpu0;
                    double wall = (System.nanoTime() - wall0) / 1e9;
                    String line = String.format("poll.interval.ms %5d: %6.2f CPU-s in %5.1f s idle = %5.1f%% of a core",
                            interval, cpu / 1000.0, wall, cpu / 10.0 / wall);
                    System.out.println(line);
                    lines.add(line);
                } finally {
                    p.destroy();
                    p.waitFor();
                }
                pg.dropReplicationSlot(name);
            }
        }
        System.out.println();
        System.out.println("Idle benchmark: strangler run (-Xmx384m -XX:+UseParallelGC) on an idle 1,000-row table, "
                + settle + " s to settle, then " + seconds + " s measured, "
                + Runtime.getRuntime().availableProcessors() + " cores");
        lines.forEach(System.out::println);
    }
}
