package dev.strangler.cli;

import dev.strangler.cli.dba.DoctorCommand;
import dev.strangler.cli.dba.SlotCommand;
import dev.strangler.cli.dba.SqlCommand;
import dev.strangler.cli.parity.ParityCommand;
import dev.strangler.cli.parity.RepairCommand;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/**
 * The one {@code strangler} command; subcommands wire the modules and render their results. {@code demo} is a
 * placeholder here: the demo artifact ({@code dev.strangler.demo.DemoMain}) puts the real one in its place.
 */
@Command(name = "strangler",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Legacy PostgreSQL changes as Kafka events, and the evidence to cut over.",
        subcommands = {RunCommand.class, StatusCommand.class, SinkCommand.class, DemoPlaceholderCommand.class, DoctorCommand.class, SlotCommand.class,
            SqlCommand.class, SnapshotCommand.class, ParityCommand.class, RepairCommand.class, VersionCommand.class, CommandLine.HelpCommand.class})
public final class StranglerCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (tests call this instead of main). */
    public static int execute(String... args) {
        return newCommandLine().execute(args);
    }

    public static CommandLine newCommandLine() {
        CommandLine cli = new CommandLine(new StranglerCommand());
        cli.setExecutionExceptionHandler(new ErrorReporter());
        cli.setParameterExceptionHandler(ErrorReporter::handleParameterException);
        cli.setExitCodeExceptionMapper(ExitCodes::forException);
        return cli;
    }

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.USAGE;
    }
}
