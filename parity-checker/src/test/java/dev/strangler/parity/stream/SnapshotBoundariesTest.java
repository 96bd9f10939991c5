package dev.strangler.parity.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SnapshotBoundariesTest {

    private static SnapshotBoundaries read(String... markers) {
        SnapshotBoundaries b = new SnapshotBoundaries();
        for (int offset = 0; offset < markers.length; offset++) {
            b.accept(offset, markers[offset]);
        }
        return b;
    }

    @Test
    void shouldFindTheStartOfTheLastCompleteSnapshot() {
        assertThat(read("first", "true", "last_in_data_collection", "false", null, "first_in_data_collection",
                "true", "last").completeSnapshotStart()).hasValue(5);
    }

    @Test
    void shouldNotCountASnapshotWhoseStartWasDeletedOrThatNeverEnded() {
        assertThat(read("true", "true", "last_in_data_collection", "false").completeSnapshotStart()).isEmpty();
        assertThat(read("false", "first", "true").completeSnapshotStart()).isEmpty();
        assertThat(read("first").completeSnapshotStart()).as("one record marked only first").isEmpty();
    }

    @Test
    void shouldKeepTheLastCompleteOneWhenALaterSnapshotWasInterrupted() {
        assertThat(read("first", "last", "false", "first", "true").completeSnapshotStart()).hasValue(0);
    }
}
