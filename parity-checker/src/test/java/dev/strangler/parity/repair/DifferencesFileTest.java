package dev.strangler.parity.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.contract.TableId;
import dev.strangler.parity.model.FindingKind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DifferencesFileTest {

    private static final TableId T = TableId.parse("shop.t");

    @Test
    void shouldReadBackEveryKeyCountingPastTheLimitsAndAppearOnlyWhenCommitted(@TempDir Path dir) {
        Path file = dir.resolve(DifferencesFile.NAME);
        try (DifferencesFile.Writer w = DifferencesFile.create(file, "run-1")) {
            w.accept(T, FindingKind.MISSING_IN_STREAM, "{\"id\":1}", -1, -1);
            w.accept(T, FindingKind.CONTENT_DIFFERS, "{\"id\":2}", -1, -1);
            w.accept(T, FindingKind.NOT_COMPARABLE, "{\"id\":3}", -1, -1);
            w.accept(T, FindingKind.EXTRA_IN_STREAM, "{\"id\":9}", 2, 1234);
            assertThat(file).doesNotExist();
            w.commit();
        }
        DifferencesFile.Contents contents = DifferencesFile.read(file, 2, 10);
        assertThat(contents.runId()).isEqualTo("run-1");
        DifferencesFile.TableKeys keys = contents.byTable().get(T);
        assertThat(keys.reReadCount()).isEqualTo(3);
        assertThat(keys.reRead()).hasSize(2);
        assertThat(keys.extras()).containsExactly(new DifferencesFile.Extra(keys.extras().get(0).key(), 2, 1234));
        assertThat(keys.extras().get(0).key().path("id").asInt()).isEqualTo(9);
    }

    @Test
    void shouldLeaveNothingBehindWhenNotCommitted(@TempDir Path dir) throws Exception {
        try (DifferencesFile.Writer w = DifferencesFile.create(dir.resolve(DifferencesFile.NAME), "run-2")) {
            w.accept(T, FindingKind.MISSING_IN_STREAM, "{\"id\":1}", -1, -1);
        }
        try (var files = Files.list(dir)) {
            assertThat(files).isEmpty();
        }
    }

    @Test
    void shouldRefuseAMissingFileOrAnotherFormat(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> DifferencesFile.read(dir.resolve("none.jsonl"), 1, 1))
                .isInstanceOf(RepairRefusedException.class).hasMessageContaining("does not exist");
        Path other = Files.writeString(dir.resolve("other.jsonl"), "{\"format\":\"x\"}\n");
        assertThatThrownBy(() -> DifferencesFile.read(other, 1, 1)).isInstanceOf(RepairRefusedException.class)
                .hasMessageContaining("not a Strangler differences file");
    }
}
