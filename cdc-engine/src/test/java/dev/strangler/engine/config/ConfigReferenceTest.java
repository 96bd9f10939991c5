package dev.strangler.engine.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {

    private static final String BEGIN = "<!-- config-reference:begin -->\n";
    private static final String END = "<!-- config-reference:end -->";

    @Test
    void shouldMatchTheReadmesConfigurationTable() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int from = readme.indexOf(BEGIN);
        int to = readme.indexOf(END);
        assertThat(from).as("README has the config-reference markers").isNotNegative();
        String documented = readme.substring(from + BEGIN.length(), to);
        assertThat(documented)
                .as("README's configuration table; regenerate it from ConfigReference.markdownTable()")
                .isEqualTo(ConfigReference.markdownTable());
    }
}
