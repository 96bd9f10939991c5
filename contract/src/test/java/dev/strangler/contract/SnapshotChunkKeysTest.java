package dev.strangler.contract;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SnapshotChunkKeysTest {

    @Test
    void aSingleNumericKeyGivesTheShareReadRoundedDown() {
        assertThat(SnapshotChunkKeys.percent("[250]", "[1000]")).contains(25);
        assertThat(SnapshotChunkKeys.percent("[333]", "[1000]")).contains(33);
        assertThat(SnapshotChunkKeys.percent(" [ 1000 ] ", "[1000]")).contains(100);
        assertThat(SnapshotChunkKeys.percent("42.5", "85")).as("without brackets").contains(50);
    }

    @Test
    void staysBetweenZeroAndAHundred() {
        assertThat(SnapshotChunkKeys.percent("[1200]", "[1000]")).as("rows added past the highest key at the start")
                .contains(100);
        assertThat(SnapshotChunkKeys.percent("[-5]", "[1000]")).contains(0);
    }

    @Test
    void noShareForOtherKeysAMissingKeyOrAHighestKeyOfZeroOrLess() {
        assertThat(SnapshotChunkKeys.percent("[abc]", "[xyz]")).isEmpty();
        assertThat(SnapshotChunkKeys.percent("[abc, 7]", "[zzz, 9]")).as("several columns").isEmpty();
        assertThat(SnapshotChunkKeys.percent(null, "[1000]")).isEmpty();
        assertThat(SnapshotChunkKeys.percent("[5]", null)).isEmpty();
        assertThat(SnapshotChunkKeys.percent("[0]", "[0]")).isEmpty();
        assertThat(SnapshotChunkKeys.percent("[-7]", "[-1]")).isEmpty();
    }
}
