package dev.strangler.engine.resume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.contract.Lsn;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StoredOffsetTest {

    @Test
    void shouldTellASnapshotInProgressFromACompletedOneAndFromStreaming() {
        assertThat(new StoredOffset(Map.of("lsn", 1L, "snapshot", "INITIAL", "last_snapshot_record", false,
                "snapshot_completed", false)).snapshotInProgress()).isTrue();
        assertThat(new StoredOffset(Map.of("lsn", 1L, "snapshot", true)).snapshotInProgress()).isTrue();
        assertThat(new StoredOffset(Map.of("lsn", 1L, "snapshot", "INITIAL", "last_snapshot_record", true))
                .snapshotInProgress()).isFalse();
        assertThat(new StoredOffset(Map.of("lsn", 1L, "snapshot", "INITIAL", "snapshot_completed", true))
                .snapshotInProgress()).isFalse();
        assertThat(new StoredOffset(Map.of("lsn", 1L, "snapshot", false)).snapshotInProgress()).isFalse();
        assertThat(new StoredOffset(Map.of("lsn", 1L, "lsn_proc", 1L)).snapshotInProgress()).isFalse();
    }

    @Test
    void shouldReadTheLsnWhateverNumberTypeTheConverterProduced() {
        assertThat(new StoredOffset(Map.of("lsn", 42)).lsn()).contains(42L);
        assertThat(new StoredOffset(Map.of("ts_usec", 1L)).lsn()).isEmpty();
    }

    @Test
    void shouldConvertWalPositionsBothWays() {
        assertThat(Lsn.parse("16/B374D848")).isEqualTo(0x16B374D848L);
        assertThat(Lsn.format(0x16B374D848L)).isEqualTo("16/B374D848");
        assertThat(Lsn.format(Lsn.parse("0/0"))).isEqualTo("0/0");
        assertThatThrownBy(() -> Lsn.parse("16B374D848")).hasMessageContaining("not a WAL position");
    }
}
