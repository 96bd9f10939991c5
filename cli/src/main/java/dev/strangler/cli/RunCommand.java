package dev.strangler.cli;

import dev.strangler.cli.ops.ServedPipeline;
import dev.strangler.engine.Pipeline;
import dev.strangler.engine.config.PipelineConfig;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Stream every change of the configured tables to Kafka until stopped.",
            "Ctrl-C or SIGTERM finishes the in-flight batch, commits its position and exits 0.",
            "Transient failures (PostgreSQL or Kafka unreachable) are ridden out with back-off; a second instance "
                + "of the same pipeline stands by and takes over when the active one stops.",
            "Serves /metrics (Prometheus), /health/live, /health/ready and /status on http.port (9393) unless "
                + "http.enabled=false; a port in use exits 78 before anything starts."})
public final class RunCommand implements Callable<Integer> {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RunCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Mixin
    PipelineConfigOption config;

    @Option(names = "--no-migrate",
            description = "Do not apply Strangler's own migrations (schema strangler) at start; a DBA applied them.")
    boolean noMigrate;

    @Override
    public Integer call() throws Exception {
        verbosity.apply();
        PipelineConfig pipelineConfig = config.load();
        LogFormat.apply(pipelineConfig.operations().logFormat());
        // binds the HTTP endpoint first: a port in use stops here, before anything connects
        try (ServedPipeline served = ServedPipeline.create(pipelineConfig,
                new Pipeline.Options(!noMigrate, Duration.ofSeconds(15), Duration.ofMinutes(5)))) {
            Pipeline pipeline = served.pipeline();
            GracefulStop.install(pipeline::stop);
            LOG.info("pipeline '{}': {}", pipelineConfig.pipelineName(), served.where());
            pipeline.start();
            spec.commandLine().getErr().printf(pipeline.state() == Pipeline.State.STANDBY
                    ? "strangler: pipeline '%s' stands by: another instance is active; this one takes over when it "
                            + "stops. Ctrl-C stops it%n"
                    : "strangler: pipeline '%s' running; Ctrl-C stops it%n", pipelineConfig.pipelineName());
            pipeline.awaitTermination();
            pipeline.stop(); // waits for a stop a signal started, so the process never exits half-way through it
        }
        return ExitCodes.OK;
    }
}
