package dev.strangler.engine.kafka;

import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Drops the changes Debezium sends again after a restart from a position inside a source transaction. Strangler
 * commits a position after every batch, and a batch can end between two changes of one transaction; Debezium 3.6.1
 * then sometimes resumes from the transaction's BEGIN (seen twice under exactly-once: the transaction's first change,
 * already in Kafka, published again). The stored position names the transaction (txId), the LSN of its last
 * published change and how many published changes share that LSN ({@link #EVENTS_AT_LSN}, written by the publisher):
 * a change of that transaction at an earlier LSN, or one of the first that many at that LSN, is a re-send. The first
 * change past them, or of another transaction, ends the guard.
 */
final class ResumeGuard {

    /** Offset key the publisher adds to a stored position: published changes of its transaction at its LSN. */
    static final String EVENTS_AT_LSN = "strangler_events_at_lsn";
    private static final Set<String> DATA_MESSAGES = Set.of("INSERT", "UPDATE", "DELETE");

    static final ResumeGuard NONE = new ResumeGuard(-1, -1, 0);

    private final long txId;
    private final long lsn;
    private final long eventsAtLsn;
    private long seenAtLsn;
    private boolean done;

    private ResumeGuard(long txId, long lsn, long eventsAtLsn) {
        this.txId = txId;
        this.lsn = lsn;
        this.eventsAtLsn = eventsAtLsn;
        this.done = eventsAtLsn == 0;
    }

    /** For a start from {@code stored}; a guard that drops nothing when the position is not inside a transaction. */
    static ResumeGuard from(Map<String, ?> stored) {
        if (stored == null || !DATA_MESSAGES.contains(String.valueOf(stored.get("messageType")))
                || !(stored.get("txId") instanceof Number tx) || !(stored.get("lsn") instanceof Number at)) {
            return NONE;
        }
        long events = stored.get(EVENTS_AT_LSN) instanceof Number n ? n.longValue() : 1;
        return new ResumeGuard(tx.longValue(), at.longValue(), Math.max(1, events));
    }

    /** True for a change already published before the restart. */
    boolean isResent(SourceRecord record) {
        if (done || !isChange(record)) {
            return false;
        }
        Object tx = record.sourceOffset().get("txId");
        Object at = record.sourceOffset().get("lsn");
        if (!(tx instanceof Number t) || !(at instanceof Number l) || t.longValue() != txId || l.longValue() > lsn) {
            done = true;
            return false;
        }
        if (l.longValue() < lsn) {
            return true;
        }
        if (seenAtLsn < eventsAtLsn) {
            seenAtLsn++;
            return true;
        }
        done = true;
        return false;
    }

    /** A streamed row change (not a read, a heartbeat or a notification). */
    static boolean isChange(SourceRecord record) {
        if (record.sourceOffset() == null || !(record.value() instanceof Struct value)
                || value.schema().field("op") == null) {
            return false;
        }
        String op = value.getString("op");
        return "c".equals(op) || "u".equals(op) || "d".equals(op);
    }
}
