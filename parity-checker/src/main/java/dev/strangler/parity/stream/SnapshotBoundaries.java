package dev.strangler.parity.stream;

import java.util.OptionalLong;

/**
 * Finds, in one partition read in offset order, where its last complete Debezium snapshot starts: a record whose
 * {@code source.snapshot} is {@code first} or {@code first_in_data_collection}, followed by one that is {@code last}
 * or {@code last_in_data_collection}. A topic whose early records were deleted can be folded from there: a complete
 * snapshot holds every row that existed when it was taken, and every later change follows it. A snapshot whose first
 * record was deleted is not complete, so a table snapshotted as one record (marked only {@code last...}) or none (an
 * empty table) can never be rebuilt this way.
 */
public final class SnapshotBoundaries {

    private long currentStart = -1;
    private long completeStart = -1;

    /** @param marker the record's {@code source.snapshot}, null for a tombstone or a record without one */
    public void accept(long offset, String marker) {
        if (marker == null) {
            return;
        }
        switch (marker) {
            case "first", "first_in_data_collection" -> currentStart = offset;
            case "last", "last_in_data_collection" -> {
                if (currentStart >= 0) {
                    completeStart = currentStart;
                    currentStart = -1;
                }
            }
            default -> { }
        }
    }

    /** The offset of the first record of the last complete snapshot, if there is one. */
    public OptionalLong completeSnapshotStart() {
        return completeStart >= 0 ? OptionalLong.of(completeStart) : OptionalLong.empty();
    }
}
