package dev.strangler.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ExitCodeReferenceTest {

    private static final String BEGIN = "<!-- exit-codes:begin -->\n";
    private static final String END = "<!-- exit-codes:end -->";

    @Test
    void shouldMatchTheReadmesExitCodeTable() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int from = readme.indexOf(BEGIN);
        int to = readme.indexOf(END);
        assertThat(from).as("README has the exit-codes markers").isNotNegative();
        assertThat(readme.substring(from + BEGIN.length(), to))
                .as("README's exit code table; regenerate it from ExitCode.markdownTable()")
                .isEqualTo(ExitCode.markdownTable());
    }

    @Test
    void shouldGiveEveryCodeOneMeaning() {
        assertThat(Arrays.stream(ExitCode.values()).map(ExitCode::code)).doesNotHaveDuplicates();
    }
}
