package dev.strangler.sink.it;

import dev.strangler.sink.Sink;
import dev.strangler.sink.config.SinkConfig;
import dev.strangler.sink.config.SinkConfigLoader;
import java.nio.file.Path;

/**
 * Runs one sink in its own JVM so a test can kill it for real (SIGKILL: no rollback sent, no group left). Prints
 * RUNNING once it consumes; exits 0 after a clean stop (SIGTERM) and 1 with the error's class and message.
 */
public final class SinkProcessMain {
    public static void main(String[] args) throws Exception {
        SinkConfig config = SinkConfigLoader.withSystemEnvironment().load(Path.of(args[0]));
        Sink sink = new Sink(config, Sink.Options.defaults());
        Runtime.getRuntime().addShutdownHook(new Thread(sink::stop));
        try {
            sink.start();
            System.out.println("RUNNING");
            System.out.flush();
            sink.awaitTermination();
        } catch (RuntimeException e) {
            System.out.println("FAILED " + e.getClass().getSimpleName() + ": " + e.getMessage());
            System.out.flush();
            System.exit(1);
        }
    }
}
