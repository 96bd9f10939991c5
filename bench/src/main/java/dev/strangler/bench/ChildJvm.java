package dev.strangler.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A measured part of a benchmark in its own JVM (same classpath as this one), so that its heap, RSS and CPU are its
 * own: the pipeline ({@link PipelineDrainMain}), the parity check ({@link ParityCheckMain}). It talks through stdout
 * lines {@code BENCH <kind> k=v ...} ({@code result}, {@code error <text>}, anything else is passed to the
 * listener); all its output also goes to a log file.
 */
final class ChildJvm implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ChildJvm.class);

    /** One {@code BENCH} line: its kind (first word) and its {@code k=v} fields. */
    record Line(String kind, Map<String, String> fields, String text, long atMillis) {
        long num(String key) {
            String v = fields.get(key);
            if (v == null) {
                throw new IllegalStateException("no " + key + " in BENCH " + kind + " " + text);
            }
            return Long.parseLong(v);
        }

        String str(String key) {
            return fields.get(key);
        }
    }

    private final String name;
    private final Process process;
    private final long launchMillis;
    private final Deque<String> tail = new ArrayDeque<>();
    private final Object lock = new Object();
    private Line result;
    private String error;
    private boolean ended;
    private final List<Line> lines = new ArrayList<>();
    private final Thread killOnExit;

    private ChildJvm(String name, Process process, long launchMillis) {
        this.name = name;
        this.process = process;
        this.launchMillis = launchMillis;
        this.killOnExit = new Thread(process::destroyForcibly, name + "-kill");
        Runtime.getRuntime().addShutdownHook(killOnExit); // Ctrl-C must not leave it behind
    }

    /**
     * Launches {@code java [-Xmx] [jvmArgs] -cp <this classpath> main args}; {@code xmx} "none" or null leaves the
     * JVM's default.
     */
    static ChildJvm launch(String name, String xmx, List<String> jvmArgs, Class<?> main, List<String> args, Path log,
                           Consumer<Line> listener) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        if (xmx != null && !xmx.equals("none")) {
            command.add("-Xmx" + xmx);
        }
        command.addAll(jvmArgs);
        if (System.getProperty("logback.configurationFile") != null) { // the bench's logback.xml, not the CLI's
            command.add("-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile"));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        long launch = System.currentTimeMillis();
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        ChildJvm child = new ChildJvm(name, p, launch);
        Thread pump = new Thread(() -> child.pump(log, listener), name + "-output");
        pump.setDaemon(true);
        pump.start();
        return child;
    }

    long pid() {
        return process.pid();
    }

    long launchMillis() {
        return launchMillis;
    }

    private void pump(Path log, Consumer<Line> listener) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8)); var w = Files.newBufferedWriter(log)) {
            String raw;
            while ((raw = r.readLine()) != null) {
                w.write(raw);
                w.newLine();
                w.flush();
                synchronized (tail) {
                    tail.addLast(raw);
                    if (tail.size() > 80) {
                        tail.removeFirst();
                    }
                }
                if (!raw.startsWith("BENCH ")) {
                    continue;
                }
                Line line = parse(raw.substring("BENCH ".length()), System.currentTimeMillis());
                synchronized (lock) {
                    lines.add(line);
                    if (line.kind().equals("result")) {
                        result = line;
                    } else if (line.kind().equals("error")) {
                        error = line.text();
                    }
                    lock.notifyAll();
                }
                if (listener != null) {
                    try {
                        listener.accept(line);
                    } catch (RuntimeException e) {
                        LOG.warn("{}: handling '{}' failed: {}", name, raw, e.toString());
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("{}: reading its output failed: {}", name, e.toString());
        } finally {
            synchronized (lock) {
                ended = true;
                lock.notifyAll();
            }
        }
    }

    static Line parse(String body, long atMillis) {
        int space = body.indexOf(' ');
        String kind = space < 0 ? body : body.substring(0, space);
        String text = space < 0 ? "" : body.substring(space + 1);
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : text.trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                fields.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return new Line(kind, fields, text, atMillis);
    }

    /** Waits for the first line of that kind; fails on an error line, the end of the output or the timeout. */
    Line await(String kind, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (true) {
                for (Line l : lines) {
                    if (l.kind().equals(kind)) {
                        return l;
                    }
                }
                if (error != null) {
                    throw new IllegalStateException(name + " failed: " + error + tail());
                }
                if (ended) {
                    throw new IllegalStateException(name + " exited without 'BENCH " + kind + "'" + tail());
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(name + " reported no '" + kind + "' within " + timeout.toSeconds()
                            + "s" + tail());
                }
                lock.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Its {@code BENCH result} line. */
    Line awaitResult(Duration timeout) throws InterruptedException {
        return await("result", timeout);
    }

    /** Writes a line to its stdin and closes it (a held pipeline stops then). */
    void release() {
        try (OutputStream in = process.getOutputStream()) {
            in.write("stop\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.debug("{}: stdin already closed: {}", name, e.toString());
        }
    }

    /** Waits for its exit, killing it after the timeout; returns its exit code (-1 when killed). */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
            LOG.warn("{} did not exit within {}s; killing it", name, timeout.toSeconds());
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            return -1;
        }
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String tail() {
        synchronized (tail) {
            return tail.isEmpty() ? "" : "\n--- last lines of " + name + "'s output ---\n" + String.join("\n", tail);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        try {
            Runtime.getRuntime().removeShutdownHook(killOnExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }
}
