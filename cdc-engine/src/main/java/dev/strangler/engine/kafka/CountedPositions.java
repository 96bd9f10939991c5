package dev.strangler.engine.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The positions a batch reaches, one per source partition, each with how many changes of its transaction at its LSN
 * were handled up to it ({@link ResumeGuard#EVENTS_AT_LSN}), so that a restart inside a source transaction knows which
 * of them were published.
 *
 * <p>Only a batch's last position per partition is ever stored, so nothing is copied per change: the count lives in
 * primitive fields, each partition keeps a reference to its last offset, and the map to store is built once per
 * partition and batch, when the positions are sent. The count runs across batches: a batch can end inside a
 * transaction, even between two changes at one LSN.
 */
final class CountedPositions {

    /** The last counted change's transaction and LSN, and how many changes in a row had both. */
    private long runTxId = -1;
    private long runLsn = -1;
    private long runCount;
    private final Map<Map<String, ?>, Reached> reached = new LinkedHashMap<>();

    /** A partition's last offset in the batch, and its count (0: not a counted change, stored as it is). */
    private static final class Reached {
        Map<String, ?> offset;
        long eventsAtLsn;
    }

    /** Forgets the previous batch's positions (not the count). */
    void newBatch() {
        reached.clear();
    }

    /** Counts a row change, and makes a record with an offset its partition's position in this batch. */
    void handled(SourceRecord record) {
        long eventsAtLsn = count(record);
        Map<String, ?> offset = record.sourceOffset();
        // a notification sent outside the stream carries an empty offset of no partition: not a position
        if (offset != null && !offset.isEmpty()) {
            Reached last = reached.computeIfAbsent(record.sourcePartition(), partition -> new Reached());
            last.offset = offset;
            last.eventsAtLsn = eventsAtLsn;
        }
    }

    /** How many changes in a row, up to the last counted one, had its transaction and LSN. */
    long eventsAtLsn() {
        return runCount;
    }

    /** Hands each partition's position to store to {@code out}, in the order the partitions first came. */
    void forEach(BiConsumer<Map<String, ?>, Map<String, ?>> out) {
        reached.forEach((partition, last) -> out.accept(partition, withCount(last.offset, last.eventsAtLsn)));
    }

    /** The offset as it is stored: with {@code eventsAtLsn} added, unless it is 0. */
    static Map<String, ?> withCount(Map<String, ?> offset, long eventsAtLsn) {
        if (eventsAtLsn == 0) {
            return offset;
        }
        Map<String, Object> position = new LinkedHashMap<>(offset);
        position.put(ResumeGuard.EVENTS_AT_LSN, eventsAtLsn);
        return position;
    }

    /** The record's place in its run of changes with one transaction and LSN, 0 for anything else. */
    private long count(SourceRecord record) {
        if (!ResumeGuard.isChange(record) || !(record.sourceOffset().get("txId") instanceof Number tx)
                || !(record.sourceOffset().get("lsn") instanceof Number at)) {
            return 0;
        }
        if (tx.longValue() == runTxId && at.longValue() == runLsn) {
            runCount++;
        } else {
            runTxId = tx.longValue();
            runLsn = at.longValue();
            runCount = 1;
        }
        return runCount;
    }
}
