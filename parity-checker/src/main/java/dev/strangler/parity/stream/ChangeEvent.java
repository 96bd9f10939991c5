package dev.strangler.parity.stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.parity.model.Operation;

/**
 * One record of a table topic, read as the standard Debezium envelope.
 *
 * @param key   the record key's payload (the primary key columns); may be null for a truncate, and is null in
 *              the record when {@code keyJson} holds it unread ({@link #key()} reads it then)
 * @param op    the operation; null for a tombstone (a record without a value)
 * @param after the row after the change (null for deletes and tombstones)
 * @param txId  source.txId as Debezium reports it (a 32-bit xid while streaming)
 * @param lsn   source.lsn
 * @param snapshotMarker source.snapshot as written ("first", "true", "last", "incremental", ...); null when absent
 * @param sourceTsMs     source.ts_ms (commit time of a change, read time of a snapshot row); -1 when absent
 * @param repair         written by {@code strangler repair} (header {@code strangler.repair}): a delete retracting a
 *                       key the table did not have, ordered by its topic position like a snapshot read
 * @param afterJson      the after-image as the record's own JSON bytes, when it was read without a tree
 *                       ({@link EnvelopeParser#parseForFold}; {@code after} is then null); else null
 * @param keyJson        the record key's own JSON bytes when they are one integer member, left unread (then
 *                       {@code key} is null): the fold builds its canonical key from them; else null
 */
public record ChangeEvent(JsonNode key, Operation op, JsonNode after, long txId, long lsn, boolean snapshot,
                          String snapshotMarker, long sourceTsMs, boolean repair, byte[] afterJson, byte[] keyJson) {

    /** An event whose key, if any, is read. */
    public ChangeEvent(JsonNode key, Operation op, JsonNode after, long txId, long lsn, boolean snapshot,
                       String snapshotMarker, long sourceTsMs, boolean repair, byte[] afterJson) {
        this(key, op, after, txId, lsn, snapshot, snapshotMarker, sourceTsMs, repair, afterJson, null);
    }

    /** The record key's payload, read from {@link #keyJson} when it was left unread. */
    @Override
    public JsonNode key() {
        return key == null && keyJson != null ? EnvelopeScanner.plainIntegerKeyNode(keyJson) : key;
    }

    /** An event read into a tree. */
    public ChangeEvent(JsonNode key, Operation op, JsonNode after, long txId, long lsn, boolean snapshot,
                       String snapshotMarker, long sourceTsMs, boolean repair) {
        this(key, op, after, txId, lsn, snapshot, snapshotMarker, sourceTsMs, repair, null);
    }

    /** A change of the source (or a snapshot read), not a repair's. */
    public ChangeEvent(JsonNode key, Operation op, JsonNode after, long txId, long lsn, boolean snapshot,
                       String snapshotMarker, long sourceTsMs) {
        this(key, op, after, txId, lsn, snapshot, snapshotMarker, sourceTsMs, false);
    }

    /** An event without a snapshot marker or source time (hand-made events in tests). */
    public ChangeEvent(JsonNode key, Operation op, JsonNode after, long txId, long lsn, boolean snapshot) {
        this(key, op, after, txId, lsn, snapshot, null, -1);
    }

    /** The tombstone Debezium writes after a delete, so compaction can drop the key. */
    public static ChangeEvent tombstone(JsonNode key) {
        return new ChangeEvent(key, null, null, -1, -1, false);
    }

    /** The same event, marked as written by a repair. */
    public ChangeEvent asRepair() {
        return new ChangeEvent(key, op, after, txId, lsn, snapshot, snapshotMarker, sourceTsMs, true, afterJson,
                keyJson);
    }

    /** Whether the event has an after-image (a tree or its JSON bytes). */
    public boolean hasAfter() {
        return after != null || afterJson != null;
    }

    /**
     * The after-image as JSON bytes: the record's own when it was read without a tree, else the tree written by
     * Jackson; null when the event has none. Both read back to the same values.
     */
    public byte[] afterBytes() {
        if (afterJson != null) {
            return afterJson;
        }
        return after == null ? null : after.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public boolean isTombstone() {
        return op == null;
    }
}
