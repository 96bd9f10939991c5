package dev.strangler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.cli.dba.CliRun;
import org.junit.jupiter.api.Test;

/** The production CLI lists demo and says where it is, without holding it (it has no embedded servers). */
class DemoPlaceholderCommandTest {

    @Test
    void theHelpListsDemoWithWhereItRuns() {
        CliRun help = CliRun.of(StranglerCommand.newCommandLine(), "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("demo", "Not in this jar", "./strangler demo");
    }

    @Test
    void demoWithAnyOptionsSaysWhereTheDemoIsAndExitsWithUsage() {
        CliRun demo = CliRun.of(StranglerCommand.newCommandLine(), "demo", "--duration", "10s", "--rate", "40");
        assertThat(demo.exit()).isEqualTo(ExitCodes.USAGE);
        assertThat(demo.err()).startsWith("strangler: error: the demo is not part of this artifact")
                .contains("./strangler demo", "java -jar demo/target/strangler-demo.jar demo");
        assertThat(demo.out()).isEmpty();
    }
}
