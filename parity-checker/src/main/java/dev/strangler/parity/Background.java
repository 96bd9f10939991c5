package dev.strangler.parity;

/**
 * One task on a thread of its own, joined by the thread that started it: how a check reads a table's topic while
 * the same check scans the table. A failure of the task is rethrown by {@link #join}; {@link #close} interrupts a
 * task still running and waits for it to end, so nothing it writes to outlives the caller's resources.
 */
final class Background implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Background.class);

    private final Thread thread;
    private volatile Throwable failure;

    private Background(String name, Runnable task) {
        this.thread = new Thread(() -> {
            long started = System.nanoTime();
            try {
                task.run();
            } catch (Throwable t) {
                failure = t;
            } finally {
                // how much of its time the task ran, for whoever profiles a check (CPU-bound, or waiting)
                LOG.debug("{} ended after {} ms, {} ms of CPU on its thread", name,
                        (System.nanoTime() - started) / 1_000_000,
                        java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000);
            }
        }, name);
        thread.setDaemon(true);
    }

    static Background start(String name, Runnable task) {
        Background b = new Background(name, task);
        b.thread.start();
        return b;
    }

    /** Whether the task already failed (the caller may stop its own part early). */
    boolean failed() {
        return failure != null;
    }

    /** Waits for the task to end; rethrows what it threw. */
    void join() throws InterruptedException {
        thread.join();
        Throwable t = failure;
        if (t instanceof RuntimeException e) {
            throw e;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void close() {
        if (!thread.isAlive()) {
            return;
        }
        thread.interrupt();
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
