package dev.strangler.cli;

import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * Where {@code strangler demo} would be. The demo needs an embedded PostgreSQL (binaries for four operating systems)
 * and a Kafka broker with Scala, which have no place in the artifact that runs against real servers, so it lives in
 * its own module and artifact ({@code demo/}, {@code strangler-demo.jar}), which replaces this command with the real
 * one. This one keeps {@code demo} in the production jar's help, and says where to find it instead of "unknown
 * command".
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The whole picture on this machine, with embedded PostgreSQL and Kafka. Not in this jar: "
                + "./strangler demo (in a source checkout) builds and runs " + DemoPlaceholderCommand.DEMO_JAR + ".",
            "This artifact is the one that runs against real servers, so it holds no embedded PostgreSQL or Kafka; "
                    + "the demo (the sandbox, a legacy workload, a new service with an outbox, the pipeline and a "
                    + "parity check) is its own artifact."})
final class DemoPlaceholderCommand implements Callable<Integer> {

    static final String DEMO_JAR = "demo/target/strangler-demo.jar";

    @Spec
    CommandSpec spec;

    /** Whatever options were meant for the real demo: the answer is the same. */
    @Unmatched
    List<String> demoArguments;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("strangler: error: the demo is not part of this artifact (it holds no "
                + "embedded PostgreSQL or Kafka); in a source checkout run './strangler demo', or "
                + "'java -jar " + DEMO_JAR + " demo'");
        spec.commandLine().getErr().flush();
        return ExitCodes.USAGE;
    }
}
