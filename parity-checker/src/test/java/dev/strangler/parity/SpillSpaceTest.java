package dev.strangler.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.parity.spill.SpillDirectory;
import dev.strangler.parity.spill.SpillEstimate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillSpaceTest {

    @TempDir
    Path root;

    @Test
    void shouldRefuseARunThatNeedsMoreSpaceThanTheDiskHasBeforeWritingAnything() throws Exception {
        long free = Files.getFileStore(root).getUsableSpace();
        SpillEstimate tooMuch = (c, tables) -> new SpillEstimate.Need(free + (1L << 40), "demanded by the test");
        assertThatThrownBy(() -> SpillSpace.prepare(config(root), null, tooMuch))
                .isInstanceOf(ParityException.class)
                .hasMessageStartingWith("not enough free space for the parity check's spill files in " + root + ": ")
                .hasMessageContaining(" free, " + (free + (1L << 40)) + " bytes (")
                .hasMessageContaining("demanded by the test")
                .hasMessageContaining("point --work-dir at a file system with more room")
                .hasMessageNotContaining("\n");
        try (var left = Files.list(root)) {
            assertThat(left).as("nothing left behind, not even the run's directory").isEmpty();
        }
    }

    @Test
    void shouldPrepareADirectoryWhenTheSpaceSuffices() throws Exception {
        try (SpillDirectory dir = SpillSpace.prepare(config(root), null,
                (c, tables) -> new SpillEstimate.Need(1, "one byte"))) {
            assertThat(dir.path().getParent()).isEqualTo(root);
        }
    }

    @Test
    void shouldNameAWorkDirectoryItCannotCreate() throws Exception {
        Path file = Files.createFile(root.resolve("a-file"));
        assertThatThrownBy(() -> SpillSpace.prepare(config(file.resolve("spill")), null, SpillEstimate.NONE))
                .isInstanceOf(ParityException.class)
                .hasMessageContaining(file.resolve("spill").toString())
                .hasMessageContaining("--work-dir");
    }

    @Test
    void shouldShowSizesForPeople() {
        assertThat(SpillSpace.human(999)).isEqualTo("999 B");
        assertThat(SpillSpace.human(5_200_000_000L)).isEqualTo("5.2 GB");
    }

    private static ParityConfig config(Path workDirectory) {
        return new ParityConfig("jdbc:postgresql://localhost/legacy", "strangler", "secret", "slot", "localhost:9092",
                Map.of(), "p", List.of("shop.t"), 0, Map.of(), Duration.ofSeconds(1), 10, workDirectory,
                ParityConfig.DEBEZIUM_UNAVAILABLE_VALUE);
    }
}
