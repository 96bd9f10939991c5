package dev.strangler.cli;

import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option of every command that works on a pipeline, and the one way it is loaded. */
public final class PipelineConfigOption {

    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE",
            description = "The pipeline's properties file, the one `strangler run` uses (keys in README, "
                    + "'Configuration'); STRANGLER_* environment variables override it.")
    Path file;

    /** The validated configuration; a bad file or value is a ConfigException naming it. */
    public PipelineConfig load() {
        return PipelineConfigLoader.withSystemEnvironment().load(file);
    }
}
