package dev.strangler.cli;

import dev.strangler.sink.Sink;
import dev.strangler.sink.config.SinkConfig;
import dev.strangler.sink.config.SinkConfigLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "sink", mixinStandardHelpOptions = true,
        description = {"Keep the lights on: apply the new services' events (Debezium-envelope and outbox topics) to "
                + "legacy tables until stopped, each batch in one database transaction with the positions it "
                + "reaches (strangler.sink_offsets), so a crash neither applies an event twice nor skips one.",
            "Several processes with the same sink.group share the partitions. Every transaction starts with a "
                + "marker row the pipeline recognises, so the sink's writes do not come back as events (pipeline key "
                + "sink.echo). Ctrl-C or SIGTERM commits the in-flight batch, leaves the group and exits 0; a bad "
                + "event stops it with exit 65 (or goes to the dead-letter topic with sink.errors=dead-letter)."})
public final class SinkCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The sink's properties file (keys in README, 'Keep the lights on: the sink'); "
                    + "STRANGLER_* environment variables override it.")
    Path file;

    @Option(names = "--migrate",
            description = "Apply Strangler's migrations (schema strangler) first; needs the owner of schema strangler. "
                    + "Without it the sink expects them applied (the pipeline's start applies them).")
    boolean migrate;

    @Override
    public Integer call() throws Exception {
        verbosity.apply();
        SinkConfig config = SinkConfigLoader.withSystemEnvironment().load(file);
        Sink sink = new Sink(config, new Sink.Options(migrate, Duration.ofSeconds(15)));
        GracefulStop.install(sink::stop);
        sink.start();
        spec.commandLine().getErr().printf("strangler: sink '%s' running (group %s); Ctrl-C stops it%n",
                config.name(), config.kafka().group());
        spec.commandLine().getErr().flush();
        sink.awaitTermination();
        sink.stop(); // waits for a stop a signal started, so the process never exits half-way through it
        var total = sink.metrics().total();
        spec.commandLine().getErr().printf("strangler: sink '%s' stopped: %d event(s) applied, %d conflict(s), %d "
                + "dead-lettered%n", config.name(), total.applied(), total.conflicts(), total.deadLettered());
        return ExitCodes.OK;
    }
}
