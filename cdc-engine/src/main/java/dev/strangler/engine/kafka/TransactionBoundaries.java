package dev.strangler.engine.kafka;

import dev.strangler.contract.TableId;
import dev.strangler.contract.TransactionMetadata;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.source.StranglerObjects;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Which of Debezium's BEGIN and END records ({@code transactions.metadata=true}) the publisher sends, and what an END
 * counts, so that an END names exactly the events a consumer finds in the table topics with that transaction's id.
 *
 * <p>Debezium announces every transaction it decodes and counts every change it streams, the pipeline's own included:
 * a heartbeat is a transaction of strangler.heartbeat, a sink's write carries a strangler.sink_marker row, an outbox
 * row is routed to its aggregate's topic without a transaction block, and before PostgreSQL 15 even a transaction
 * that touched no published table is announced. None of those events reaches a table topic. So:
 * <ul>
 *   <li>an END's counts leave out strangler.heartbeat, strangler.sink_marker and the outbox tables;</li>
 *   <li>a BEGIN is held back until the first published change of its transaction, and sent just before it;</li>
 *   <li>an END that counts nothing (a heartbeat, an empty transaction, a sink's write dropped as an echo) is not sent,
 *       nor is its BEGIN;</li>
 * </ul>
 * A BEGIN may be held from one batch to the next (a batch can end right after it). Everything is sent in the Kafka
 * transaction of the batch it is sent with, in source order with the events. One case loses a BEGIN: a restart
 * between a batch that ended after it and the next, since the committed position is past the BEGIN and Debezium does
 * not announce a transaction again when it resumes inside it; its events and END are published as usual (an END
 * alone is enough for a consumer, or strangler parity, to know the transaction is whole). Not thread-safe: batches
 * come one at a time.
 */
public final class TransactionBoundaries {

    private final String topic;
    private final Set<String> unpublishedCollections;
    private SourceRecord heldBegin;
    private Long heldTxId;
    private Long announcedTxId;

    /**
     * @param topic                  the transaction topic Debezium writes BEGIN and END records to
     * @param unpublishedCollections data collections ({@code schema.table}) whose events never reach a table topic
     */
    public TransactionBoundaries(String topic, Set<String> unpublishedCollections) {
        this.topic = topic;
        this.unpublishedCollections = Set.copyOf(unpublishedCollections);
    }

    /** The pipeline's boundaries, or null when it does not publish transaction metadata. */
    public static TransactionBoundaries forPipeline(PipelineConfig config) {
        return config.transactionTopic().map(t -> new TransactionBoundaries(t, Stream.concat(
                Stream.of(StranglerObjects.HEARTBEAT_TABLE, StranglerObjects.SINK_MARKER_TABLE),
                config.outbox().tables().stream()).map(TableId::toString).collect(Collectors.toSet())))
                .orElse(null);
    }

    /** Whether the record is a BEGIN or END record. */
    public boolean isBoundary(SourceRecord record) {
        return topic.equals(record.topic());
    }

    /**
     * What to send for a BEGIN or END record: nothing for a BEGIN (held back), for an END the held BEGIN if still
     * held and the END with its published counts, or nothing when it counts nothing and no BEGIN went out.
     *
     * @param dropped the transaction's changes were all dropped (a sink's write with sink.echo=drop)
     */
    public List<SourceRecord> onBoundary(SourceRecord record, boolean dropped) {
        Long txId = txId(record);
        if (!(record.value() instanceof Struct value)
                || !TransactionMetadata.STATUS_END.equals(value.getString(TransactionMetadata.STATUS))) {
            heldBegin = record;
            heldTxId = txId;
            return List.of();
        }
        boolean held = heldBegin != null && txId != null && txId.equals(heldTxId);
        boolean announced = txId != null && txId.equals(announcedTxId);
        SourceRecord begin = held ? heldBegin : null;
        heldBegin = null;
        heldTxId = null;
        announcedTxId = null;
        Struct counted = published(value, dropped);
        if (eventCount(counted) == 0 && !announced) {
            return List.of();
        }
        SourceRecord end = counted == value ? record : record.newRecord(record.topic(), record.kafkaPartition(),
                record.keySchema(), record.key(), value.schema(), counted, record.timestamp(), record.headers());
        return begin == null ? List.of(end) : List.of(begin, end);
    }

    /** Before a change that is published: the held BEGIN of its transaction, to send first; null when none. */
    public SourceRecord beforeChange(SourceRecord change) {
        Long txId = txId(change);
        if (heldBegin == null || txId == null || !txId.equals(heldTxId)) {
            return null;
        }
        return release();
    }

    private SourceRecord release() {
        SourceRecord begin = heldBegin;
        announcedTxId = heldTxId;
        heldBegin = null;
        heldTxId = null;
        return begin;
    }

    /** The END without the collections whose events are not published (all of them when the changes were dropped). */
    private Struct published(Struct end, boolean dropped) {
        List<?> collections = end.schema().field(TransactionMetadata.DATA_COLLECTIONS) == null ? null
                : end.getArray(TransactionMetadata.DATA_COLLECTIONS);
        if (collections == null) {
            return end;
        }
        List<Object> kept = new ArrayList<>(collections.size());
        long events = 0;
        for (Object o : collections) {
            if (o instanceof Struct c && !dropped
                    && !unpublishedCollections.contains(c.getString(TransactionMetadata.DATA_COLLECTION))) {
                kept.add(c);
                events += c.get(TransactionMetadata.EVENT_COUNT) instanceof Number n ? n.longValue() : 0;
            }
        }
        if (kept.size() == collections.size()) {
            return end;
        }
        Struct copy = new Struct(end.schema());
        for (Field f : end.schema().fields()) {
            copy.put(f, end.get(f));
        }
        copy.put(TransactionMetadata.DATA_COLLECTIONS, kept);
        copy.put(TransactionMetadata.EVENT_COUNT, events);
        return copy;
    }

    private static long eventCount(Struct end) {
        return end.get(TransactionMetadata.EVENT_COUNT) instanceof Number n ? n.longValue() : 0;
    }

    private static Long txId(SourceRecord record) {
        Map<String, ?> offset = record.sourceOffset();
        Object value = offset == null ? null : offset.get("txId");
        return value instanceof Number n ? n.longValue() : null;
    }
}
