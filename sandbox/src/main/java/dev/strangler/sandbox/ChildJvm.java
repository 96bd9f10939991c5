package dev.strangler.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A main class in a JVM of its own, on this JVM's classpath, so a test can kill it for real (SIGKILL: no shutdown
 * hook, no final commit). Its output goes to a log file; {@link #start} returns once it printed its ready line.
 *
 * <p>The operating system writes the output to the file itself (a redirect, no pump thread in this JVM): a pump
 * reading the process's pipe loses what the process prints just before it exits, when the JDK closes the pipe under
 * it, and those are the lines a graceful-stop test looks for.
 */
public final class ChildJvm implements AutoCloseable {

    private final Process process;
    private final Path log;

    private ChildJvm(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java [jvmOptions] -cp <this classpath> main args} and waits until it prints {@code readyLine}.
     *
     * @throws IllegalStateException when it exits or stays silent for {@code timeout} first (with its output)
     */
    public static ChildJvm start(Class<?> main, List<String> args, List<String> jvmOptions, Path log,
                                 String readyLine, Duration timeout) throws IOException, InterruptedException {
        return start(main, args, jvmOptions, log, List.of(readyLine), timeout);
    }

    /** As {@link #start(Class, List, List, Path, String, Duration)}, ready at the first of several lines. */
    public static ChildJvm start(Class<?> main, List<String> args, List<String> jvmOptions, Path log,
                                 List<String> readyLines, Duration timeout) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile())).start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!printed(log, readyLines)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                throw new IllegalStateException(main.getSimpleName() + " did not print " + readyLines + " within "
                        + timeout.toSeconds() + "s; its output:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            Thread.sleep(100);
        }
        return new ChildJvm(p, log);
    }

    private static boolean printed(Path log, List<String> lines) throws IOException {
        if (!Files.exists(log)) {
            return false;
        }
        return Files.readString(log, StandardCharsets.UTF_8).lines().anyMatch(lines::contains);
    }

    /** SIGKILL, and waits until it is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM (a graceful stop), then SIGKILL if it is still running after {@code grace}. */
    public void stop(Duration grace) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
        }
    }

    /** SIGSTOP: the process freezes with its sockets open, as a stalled VM or a long pause would. */
    public void suspend() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT after {@link #suspend()}. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** Waits until the process exits on its own and returns its exit code, or throws after {@code timeout}. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("the process did not exit within " + timeout.toSeconds() + "s");
        }
        return process.exitValue();
    }

    /** Waits until its output holds {@code text}, or throws after {@code timeout}. */
    public void awaitOutput(String text, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output().contains(text)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the process did not print '" + text + "' within "
                        + timeout.toSeconds() + "s; its output:\n" + output());
            }
            Thread.sleep(100);
        }
    }

    public Process process() {
        return process;
    }

    public String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(60));
    }
}
