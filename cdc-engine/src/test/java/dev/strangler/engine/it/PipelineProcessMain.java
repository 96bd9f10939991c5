package dev.strangler.engine.it;

import dev.strangler.engine.Pipeline;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs one pipeline in its own JVM so a test can kill it for real (SIGKILL, no graceful stop). Prints RUNNING once the
 * connector streams, or STANDBY when another instance holds the pipeline; exits 0 after a clean stop and 1 with the
 * error's class and message when the pipeline fails.
 *
 * <p>Arguments: the config file, then any {@code debezium.key=value} to apply <em>without</em> the configuration's
 * guard: the way a test puts a pipeline into a state no configuration may ask for (one that never confirms its slot).
 */
public final class PipelineProcessMain {
    public static void main(String[] args) throws Exception {
        PipelineConfig config = PipelineConfigLoader.withSystemEnvironment().load(Path.of(args[0]));
        Map<String, String> unguarded = new HashMap<>(config.debeziumOverrides());
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].substring("debezium.".length()).split("=", 2);
            unguarded.put(kv[0], kv[1]);
        }
        config = config.withDebeziumOverrides(unguarded);
        Pipeline pipeline = new Pipeline(config, Pipeline.Options.defaults());
        Runtime.getRuntime().addShutdownHook(new Thread(pipeline::stop));
        try {
            pipeline.start();
            System.out.println(pipeline.state() == Pipeline.State.STANDBY ? "STANDBY" : "RUNNING");
            System.out.flush();
            pipeline.awaitTermination();
        } catch (RuntimeException e) {
            System.out.println("FAILED " + e.getClass().getSimpleName() + ": " + e.getMessage());
            System.out.flush();
            System.exit(1);
        }
    }
}
