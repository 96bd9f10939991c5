package dev.strangler.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "version", description = "Print Strangler's version and the Debezium and Kafka versions it embeds.")
public final class VersionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        for (String line : new Provider().getVersion()) {
            spec.commandLine().getOut().println(line);
        }
        return ExitCodes.OK;
    }

    /** Reads the versions the build filtered into strangler-version.properties. */
    public static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = VersionCommand.class.getResourceAsStream("/strangler-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {
                "strangler " + p.getProperty("version", "unknown"),
                "debezium " + p.getProperty("debezium", "unknown") + ", kafka " + p.getProperty("kafka", "unknown")
                        + ", java " + System.getProperty("java.version")
            };
        }
    }
}
