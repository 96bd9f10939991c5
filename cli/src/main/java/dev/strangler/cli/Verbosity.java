package dev.strangler.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;

/** The --verbose option every subcommand mixes in: stack traces on error and DEBUG logs for Strangler. */
public final class Verbosity {

    @Option(names = {"-v", "--verbose"}, description = "Print stack traces on error and debug logs.")
    boolean verbose;

    static boolean isVerbose(ParseResult parseResult) {
        ParseResult current = parseResult;
        while (current != null) {
            if (current.hasMatchedOption("--verbose")) {
                return true;
            }
            current = current.subcommand();
        }
        return false;
    }

    /** Applies the log level; call first thing in a command. */
    public void apply() {
        if (verbose) {
            ((Logger) LoggerFactory.getLogger("dev.strangler")).setLevel(Level.DEBUG);
        }
    }
}
