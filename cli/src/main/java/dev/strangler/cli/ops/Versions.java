package dev.strangler.cli.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Strangler's version and the Debezium and Kafka versions it embeds, as the build filtered them in. */
public record Versions(String strangler, String debezium, String kafka, String java) {

    public static Versions read() {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("/strangler-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Versions(p.getProperty("version", "unknown"), p.getProperty("debezium", "unknown"),
                p.getProperty("kafka", "unknown"), System.getProperty("java.version"));
    }
}
