package dev.strangler.cli.dba;

import dev.strangler.cli.ExitCodes;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "slot", mixinStandardHelpOptions = true,
        description = "The pipeline's replication slot: its status, or dropping it at the end of a migration.",
        subcommands = {SlotStatusCommand.class, SlotDropCommand.class})
public final class SlotCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCodes.USAGE;
    }
}
