package dev.strangler.sink.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SinkConfigReferenceTest {

    private static final String BEGIN = "<!-- sink-config-reference:begin -->\n";
    private static final String END = "<!-- sink-config-reference:end -->";

    @Test
    void shouldMatchTheReadmesSinkConfigurationTable() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int from = readme.indexOf(BEGIN);
        int to = readme.indexOf(END);
        assertThat(from).as("README has the sink-config-reference markers").isNotNegative();
        assertThat(readme.substring(from + BEGIN.length(), to))
                .as("README's sink configuration table; regenerate it from SinkConfigReference.markdownTable()")
                .isEqualTo(SinkConfigReference.markdownTable());
    }
}
