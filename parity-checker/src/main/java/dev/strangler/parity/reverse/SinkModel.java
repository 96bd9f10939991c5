package dev.strangler.parity.reverse;

import dev.strangler.contract.TableId;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the reverse check needs to know of a sink: which tables it writes from which topics, where it stores its
 * positions, and what each record does to a row, exactly as the sink applies it.
 */
public interface SinkModel {

    /**
     * Builds the model from the database the sink writes (its tables' columns and keys), on the cut's connection, so
     * the shape it reads is the one the snapshot holds.
     */
    @FunctionalInterface
    interface Loader {
        SinkModel load(java.sql.Connection c) throws java.sql.SQLException;
    }

    /** The sink's name, for the report. */
    String name();

    /** The consumer group whose rows in strangler.sink_offsets say how far each partition was applied. */
    String group();

    /** Every table the sink writes. */
    List<Target> targets();

    /** The record's effect on its row. */
    Effect project(ConsumerRecord<byte[], byte[]> record);

    /** The topic the sink sends the events it refuses to, or empty when it stops at them instead. */
    default java.util.Optional<String> deadLetterTopic() {
        return java.util.Optional.empty();
    }

    /** The record a dead letter of this sink stands for, or empty when the record is not one. */
    default java.util.Optional<RecordRef> deadLetterOrigin(ConsumerRecord<byte[], byte[]> deadLetter) {
        return java.util.Optional.empty();
    }

    /** A record of a topic: where it is. */
    record RecordRef(String topic, int partition, long offset) {
    }

    /** What an effect does to its row. */
    enum Kind {
        /** insert, or update the given columns of an existing row */
        UPSERT,
        /** update the given columns of a row that exists */
        UPDATE,
        DELETE,
        /** passed over on purpose (a tombstone, an ignored event type) */
        IGNORED,
        /** refused by the sink: not applied (stopped on, or dead-lettered) */
        BAD
    }

    /**
     * One record's effect on one row.
     *
     * @param key              key column to the text bound for it
     * @param values           written column to its text, null for SQL NULL
     * @param keepNewerVersion the column keep-newer compares, null when the write overwrites
     * @param reason           why a {@link Kind#BAD} record is refused, else null
     */
    record Effect(Kind kind, TableId table, Map<String, String> key, Map<String, String> values,
                  String keepNewerVersion, String reason) {
        public Effect {
            key = Collections.unmodifiableMap(new LinkedHashMap<>(key));
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }
    }

    /**
     * A table the sink writes.
     *
     * @param keyColumns  the columns that identify a row
     * @param topics      the topics whose records write it
     * @param expressions column to the SQL expression that makes the value the sink stores out of the bound text
     *                    ({@code ?}), e.g. {@code CAST(? AS numeric(10,2))}
     */
    record Target(TableId table, List<String> keyColumns, List<String> topics, Map<String, String> expressions) {
        public Target {
            keyColumns = List.copyOf(keyColumns);
            topics = List.copyOf(topics);
            expressions = Collections.unmodifiableMap(new LinkedHashMap<>(expressions));
        }
    }
}
