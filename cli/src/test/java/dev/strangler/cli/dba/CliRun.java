package dev.strangler.cli.dba;

import dev.strangler.cli.ExitCodes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * Runs one of this package's commands the way the strangler root command does (errors as one line, exit codes from
 * ExitCodes), capturing what it prints. Until the commands are registered in StranglerCommand, this is how tests
 * reach them.
 */
public record CliRun(int exit, String out, String err) {

    public static CliRun of(Object command, String... args) {
        CommandLine cli = new CommandLine(command);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("strangler: error: " + e.getMessage());
            return ExitCodes.forException(e);
        });
        cli.setExitCodeExceptionMapper(ExitCodes::forException);
        return of(cli, args);
    }

    /** Runs a command line as it is built (e.g. {@code StranglerCommand.newCommandLine()}), capturing its output. */
    public static CliRun of(CommandLine cli, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new CliRun(exit, out.toString(), err.toString());
    }

    /** Writes a pipeline.properties with these settings into {@code dir} and returns its path. */
    public static Path config(Path dir, Map<String, String> settings) {
        Path file = dir.resolve("pipeline-" + Math.abs(settings.hashCode()) + ".properties");
        String text = settings.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + "=" + e.getValue().replace("\\", "\\\\")).collect(Collectors.joining("\n"));
        try {
            Files.writeString(file, text + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
