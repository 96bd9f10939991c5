package dev.strangler.contract;

import java.util.OptionalLong;

/**
 * Debezium's transaction metadata as the engine publishes it and the parity checker reads it: a BEGIN and an END
 * record per source transaction on {@link TopicNames#transactions the transaction topic}, and a {@code transaction}
 * block ({@code id}, {@code total_order}, {@code data_collection_order}) in every change event of the transaction.
 *
 * <p>An END record's value: {@code {"status":"END","id":"757:26556816","event_count":4,"data_collections":
 * [{"data_collection":"shop.orders","event_count":3}, ...],"ts_ms":<commit time>}}. PostgreSQL's connector writes
 * the id as {@code <xid>:<lsn>}, where the LSN is that of the record carrying it: BEGIN, each event and END all have
 * different ids, and only the xid before the colon (the same number as the events' {@code source.txId}) ties them
 * together. The END's LSN is the transaction's commit.
 */
public final class TransactionMetadata {

    /** Debezium's {@code topic.transaction}: the transaction topic is {@code <topic.prefix>.<suffix>}. */
    public static final String TOPIC_SUFFIX = "transaction";
    public static final String STATUS = "status";
    public static final String STATUS_BEGIN = "BEGIN";
    public static final String STATUS_END = "END";
    public static final String ID = "id";
    public static final String EVENT_COUNT = "event_count";
    public static final String DATA_COLLECTIONS = "data_collections";
    public static final String DATA_COLLECTION = "data_collection";
    public static final String TS_MS = "ts_ms";
    /** The block Debezium adds to every change event of a transaction. */
    public static final String EVENT_BLOCK = "transaction";

    private TransactionMetadata() {
    }

    /** The xid of a PostgreSQL transaction id {@code <xid>:<lsn>} (or a bare xid); empty for any other form. */
    public static OptionalLong xid(String id) {
        return number(id, 0);
    }

    /** The LSN of a PostgreSQL transaction id {@code <xid>:<lsn>}; empty when it has none. */
    public static OptionalLong lsn(String id) {
        return number(id, 1);
    }

    private static OptionalLong number(String id, int part) {
        if (id == null) {
            return OptionalLong.empty();
        }
        int colon = id.indexOf(':');
        String text = part == 0 ? (colon < 0 ? id : id.substring(0, colon))
                : (colon < 0 ? "" : id.substring(colon + 1));
        if (text.isEmpty() || text.length() > 19 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
