package dev.strangler.sandbox;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole local world of the pipeline: a {@link SandboxPostgres} with logical decoding and a
 * {@link SandboxKafka} broker, both real servers on loopback ports, started in parallel.
 *
 * <p>Why it exists: one object for integration tests and {@code strangler demo} to start, hand
 * out connection details from, and tear down. {@link #close()} stops Kafka first, then PostgreSQL,
 * and deletes their temporary directories; it is idempotent and safe to call from a JVM shutdown
 * hook, so {@link #registerShutdownHook()} makes Ctrl-C of the demo leave nothing behind.
 */
public final class Sandbox implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Sandbox.class);

    private final SandboxPostgres postgres;
    private final SandboxKafka kafka;
    private final AtomicBoolean closed = new AtomicBoolean();
    private Thread shutdownHook;
    private volatile boolean sharedInJvm;

    private Sandbox(SandboxPostgres postgres, SandboxKafka kafka) {
        this.postgres = postgres;
        this.kafka = kafka;
    }

    private static Sandbox shared;

    /**
     * The sandbox of this JVM for integration tests that leave the servers as they found them: started on first
     * use, closed when the JVM exits, and never closed by a test ({@link #close()} on it does nothing). Each test
     * class still works in databases, slots and topics of its own names; a test that stops, restarts or
     * reconfigures a server, or counts what the whole server holds, starts a sandbox of its own instead. With
     * Failsafe's reused forks this saves a start and a stop of both servers per test class.
     */
    public static synchronized Sandbox shared() {
        if (shared == null) {
            Sandbox sandbox = start();
            sandbox.sharedInJvm = true;
            sandbox.registerShutdownHook();
            shared = sandbox;
        }
        return shared;
    }

    /** Starts PostgreSQL and Kafka in parallel; if either fails, the other is closed again. */
    public static Sandbox start() {
        return start(null);
    }

    /**
     * Like {@link #start()}, with a SASL_SSL listener on the broker too when {@code saslSsl} is not null (see
     * {@link SandboxKafka}).
     */
    public static Sandbox start(SandboxKafka.SaslSsl saslSsl) {
        long started = System.nanoTime();
        ExecutorService executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "sandbox-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            CompletableFuture<SandboxPostgres> postgres = startAsync(SandboxPostgres::start, executor);
            CompletableFuture<SandboxKafka> kafka =
                    startAsync(() -> SandboxKafka.start(java.util.Map.of(), saslSsl), executor);
            RuntimeException failure = null;
            SandboxPostgres pg = null;
            SandboxKafka broker = null;
            try {
                pg = postgres.join();
            } catch (CompletionException e) {
                failure = unwrap(e);
            }
            try {
                broker = kafka.join();
            } catch (CompletionException e) {
                failure = addTo(failure, unwrap(e));
            }
            if (failure != null) {
                closeQuietly(broker);
                closeQuietly(pg);
                throw failure;
            }
            Sandbox sandbox = new Sandbox(pg, broker);
            LOG.info("Sandbox up in {} ms: {}", (System.nanoTime() - started) / 1_000_000, sandbox);
            return sandbox;
        } finally {
            executor.shutdown();
        }
    }

    public SandboxPostgres postgres() {
        return postgres;
    }

    public SandboxKafka kafka() {
        return kafka;
    }

    /**
     * Closes this sandbox, Kafka first, when the JVM exits (e.g. Ctrl-C of {@code strangler demo}).
     * Each server already carries its own safety-net hook, but JVM hooks run concurrently and in no
     * particular order; this one hook replaces them so the shutdown order holds. Calling it again
     * has no effect.
     */
    public synchronized Sandbox registerShutdownHook() {
        if (shutdownHook == null && !closed.get()) {
            shutdownHook = Internals.addShutdownHook("sandbox-shutdown", this::closeServers);
            kafka.removeShutdownHook();
            postgres.removeShutdownHook();
        }
        return this;
    }

    /** Stops Kafka, then PostgreSQL, and deletes their directories. Idempotent; nothing for {@link #shared()}. */
    @Override
    public void close() {
        if (sharedInJvm) {
            return;
        }
        closeServers();
    }

    private void closeServers() {
        if (closed.getAndSet(true)) {
            return;
        }
        RuntimeException failure = null;
        try {
            kafka.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        try {
            postgres.close();
        } catch (RuntimeException e) {
            failure = addTo(failure, e);
        }
        synchronized (this) {
            Internals.removeShutdownHook(shutdownHook);
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "Sandbox[postgres=" + postgres.jdbcUrl() + ", kafka=" + kafka.bootstrapServers() + "]";
    }

    private static <T> CompletableFuture<T> startAsync(Supplier<T> starter, ExecutorService executor) {
        return CompletableFuture.supplyAsync(starter, executor);
    }

    private static RuntimeException unwrap(CompletionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        return cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    }

    private static RuntimeException addTo(RuntimeException first, RuntimeException next) {
        if (first == null) {
            return next;
        }
        first.addSuppressed(next);
        return first;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("Could not close {} after a failed start", closeable, e);
        }
    }
}
