package dev.strangler.cli;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns SIGTERM and SIGINT (Ctrl-C) into a graceful stop. A JVM shutdown hook alone cannot do it: once the JVM has
 * begun shutting down, the process exits with 128+signal whatever the command returns, and an orchestrator reads that
 * as a crash. Handling the signals keeps the JVM alive until the stop finished, so the command can exit 0. The
 * shutdown hook stays as a fallback for other ways the JVM ends.
 */
public final class GracefulStop {

    private static final Logger LOG = LoggerFactory.getLogger(GracefulStop.class);

    private final AtomicBoolean requested = new AtomicBoolean();

    public static GracefulStop install(Runnable stop) {
        GracefulStop graceful = new GracefulStop();
        Runnable once = () -> {
            if (graceful.requested.compareAndSet(false, true)) {
                stop.run();
            }
        };
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    LOG.info("SIG{} received: finishing the in-flight batch, then stopping", name);
                    new Thread(once, "strangler-stop").start();
                });
            } catch (IllegalArgumentException e) {
                LOG.debug("cannot handle SIG{} here: {}", name, e.getMessage());
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(once, "strangler-shutdown"));
        return graceful;
    }

    boolean requested() {
        return requested.get();
    }
}
