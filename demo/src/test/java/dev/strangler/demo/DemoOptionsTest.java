package dev.strangler.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.cli.ExitCodes;
import dev.strangler.cli.StranglerCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Bad options are refused before anything starts (no servers are needed for these). */
class DemoOptionsTest {

    @TempDir
    Path out;

    @Test
    void rateMustBePositive() {
        Result result = run("demo", "--rate", "0", "--out", out.toString());
        assertThat(result.exit).isEqualTo(ExitCodes.USAGE);
        assertThat(result.err).contains("--rate must be greater than 0");
    }

    @Test
    void durationMustBePositiveAndReadable() {
        assertThat(run("demo", "--duration", "0s", "--out", out.toString()).err)
                .contains("--duration must be greater than 0");
        Result unreadable = run("demo", "--duration", "soon", "--out", out.toString());
        assertThat(unreadable.exit).isEqualTo(ExitCodes.USAGE);
        assertThat(unreadable.err).contains("'soon' is not a duration");
    }

    @Test
    void helpListsTheOptions() {
        Result help = run("demo", "--help");
        assertThat(help.exit).isZero();
        assertThat(help.out).contains("--rate", "--duration", "--out", "--seed", "--verbose");
    }

    @Test
    void theDemoArtifactHasEveryCommandWithTheRealDemoWhereTheProductionJarListsItsPlaceholder() {
        CommandLine demoJar = DemoMain.newCommandLine();
        assertThat(demoJar.getSubcommands().keySet())
                .containsExactlyElementsOf(StranglerCommand.newCommandLine().getSubcommands().keySet());
        assertThat(demoJar.getSubcommands().get("demo").<Object>getCommand()).isInstanceOf(DemoCommand.class);
        assertThat(run("--help").out).contains("demo", "Run the whole picture on this machine", "parity");
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result run(String... args) {
        CommandLine cli = DemoMain.newCommandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }
}
