package dev.strangler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The production artifact, {@code target/strangler.jar} as the package phase shaded it (hence an IT: Failsafe runs
 * after package): every command, and none of what only the demo and the tests need. The sandbox is a test-scope
 * dependency of this module; a compile-scope one would bring back about 100 MB of PostgreSQL binaries for four
 * operating systems, a Kafka broker and Scala.
 */
class ProductionJarIT {

    private static final Path JAR = Path.of("target", "strangler.jar");
    /** About 42 MB when this was written (147 MB with the sandbox in it): room to grow, not room for a server. */
    private static final long MAX_BYTES = 64L * 1024 * 1024;

    @Test
    void holdsTheCommandsAndNoEmbeddedServerNorTheDemo() throws IOException {
        assertThat(JAR).exists();
        List<String> entries;
        try (JarFile jar = new JarFile(JAR.toFile())) {
            entries = jar.stream().map(ZipEntry::getName).toList();
            assertThat(jar.getManifest().getMainAttributes().getValue("Main-Class"))
                    .isEqualTo(StranglerCommand.class.getName());
        }
        assertThat(entries).contains("dev/strangler/cli/StranglerCommand.class",
                "dev/strangler/cli/DemoPlaceholderCommand.class", "strangler-version.properties");
        assertThat(entries).as("PostgreSQL binaries").noneMatch(e -> e.matches("postgres-.*\\.txz"));
        assertThat(entries).as("the sandbox, zonky, the demo").noneMatch(e -> e.startsWith("dev/strangler/sandbox/")
                || e.startsWith("io/zonky/") || e.startsWith("dev/strangler/demo/"));
        assertThat(entries).as("the Kafka broker (Scala classes in package kafka) and Scala").noneMatch(e ->
                e.startsWith("scala/") || e.startsWith("kafka/server/"));
        assertThat(Files.size(JAR)).as("size of %s", JAR).isLessThan(MAX_BYTES);
    }
}
