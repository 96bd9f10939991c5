package dev.strangler.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Prints a failed command's error as one line ("strangler: error: ...") and returns its exit code. The stack trace
 * is printed only with --verbose, because the message already names the problem and the fix.
 */
final class ErrorReporter implements IExecutionExceptionHandler {

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        err.println("strangler: error: " + oneLine(e));
        if (Verbosity.isVerbose(parseResult)) {
            e.printStackTrace(err);
        } else if (ExitCodes.forException(e) == ExitCodes.INTERNAL) {
            err.println("strangler: this looks like a bug; run again with --verbose for the stack trace");
        }
        err.flush();
        return ExitCodes.forException(e);
    }

    /** A bad command line: one line and where to look, instead of picocli's full usage dump. */
    static int handleParameterException(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("strangler: error: " + oneLine(e));
        err.println("strangler: see '" + cmd.getCommandSpec().qualifiedName() + " --help'");
        err.flush();
        return ExitCodes.USAGE;
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage();
        if (message == null || message.isBlank()) {
            message = e.getClass().getSimpleName();
        }
        return message.replaceAll("\\s*\\R\\s*", " ");
    }
}
