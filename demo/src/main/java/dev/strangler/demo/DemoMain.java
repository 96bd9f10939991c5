package dev.strangler.demo;

import dev.strangler.cli.StranglerCommand;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/**
 * The demo artifact's entry point: the production command line with the real {@code demo} in place of the
 * placeholder the production jar lists, so {@code strangler-demo.jar} runs every command and the demo. The production
 * CLI does not know this module; this module knows the CLI.
 */
public final class DemoMain {

    private DemoMain() {
    }

    public static void main(String[] args) {
        System.exit(newCommandLine().execute(args));
    }

    /** The production command line, same error handling and exit codes, with {@link DemoCommand} as {@code demo}. */
    public static CommandLine newCommandLine() {
        CommandLine cli = StranglerCommand.newCommandLine();
        // removed and added again in their order, so the help lists demo where the placeholder was
        Map<String, CommandLine> subcommands = new LinkedHashMap<>(cli.getSubcommands());
        subcommands.keySet().forEach(cli.getCommandSpec()::removeSubcommand);
        subcommands.forEach((name, sub) -> cli.addSubcommand(name,
                name.equals("demo") ? new CommandLine(new DemoCommand()) : sub));
        return cli;
    }
}
