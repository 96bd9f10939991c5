package dev.strangler.parity.stream;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One record of a table topic, read as the standard Debezium envelope. A tombstone has op {@code '\0'} and no value.
 *
 * @param key   the record key's payload (the primary key columns)
 * @param after the row after the change (null for deletes and tombstones)
 * @param txId  source.txId as Debezium reports it (a 32-bit xid while streaming)
 * @param lsn   source.lsn
 */
public record ChangeEvent(JsonNode key, char op, JsonNode after, long txId, long lsn, boolean snapshot) {

    public static final char TOMBSTONE = '\0';

    public boolean isTombstone() {
        return op == TOMBSTONE;
    }
}
