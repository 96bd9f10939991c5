package dev.strangler.outbox.routing;

import dev.strangler.engine.Pipeline;
import dev.strangler.engine.config.PipelineConfigLoader;
import java.nio.file.Path;

/**
 * Runs one pipeline in its own JVM so a test can kill it for real (SIGKILL, no graceful stop). Prints RUNNING once the
 * connector streams. A copy of the engine tests' PipelineProcessMain (test classes are not shared between modules).
 */
public final class OutboxPipelineProcessMain {
    public static void main(String[] args) throws Exception {
        Pipeline pipeline = new Pipeline(PipelineConfigLoader.withSystemEnvironment().load(Path.of(args[0])),
                Pipeline.Options.defaults());
        pipeline.start();
        System.out.println("RUNNING");
        System.out.flush();
        pipeline.awaitTermination();
    }
}
