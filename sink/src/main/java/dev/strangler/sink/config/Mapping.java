package dev.strangler.sink.config;

import dev.strangler.contract.TableId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How one kind of event reaches one legacy table, typed once from the {@code mapping.<id>.*} keys.
 *
 * @param keyColumns    the columns that identify a row; empty means the table's primary key
 * @param eventType     outbox: the event type taken, empty for every type no other mapping of the topic names
 * @param renames       envelope: event field to column, for the fields whose names differ
 * @param excluded      envelope: event fields not written
 * @param columns       outbox: column to where its value comes from, in declaration order
 * @param constants     column to constant text, written on every insert and update
 * @param versionColumn the column {@link Conflict#KEEP_NEWER} compares; empty with {@link Conflict#OVERWRITE}
 */
public record Mapping(String id, String topic, Format format, TableId table, List<String> keyColumns,
                      Optional<String> eventType, Action action, Map<String, String> renames, Set<String> excluded,
                      Map<String, ValueSource> columns, Map<String, String> constants, Conflict conflict,
                      Optional<String> versionColumn) {

    public Mapping {
        keyColumns = List.copyOf(keyColumns);
        renames = Map.copyOf(renames);
        excluded = Set.copyOf(excluded);
        columns = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(columns));
        constants = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(constants));
    }

    /** What a topic carries. */
    public enum Format {
        /** Debezium change events: before, after, source, op. */
        ENVELOPE,
        /** Routed outbox events: the payload as value, the event type in a header. */
        OUTBOX
    }

    /** What an event does to its row. */
    public enum Action { UPSERT, UPDATE, DELETE, IGNORE }

    /** Who wins when the legacy app changed the row too. */
    public enum Conflict { OVERWRITE, KEEP_NEWER }

    /** Where an outbox column's value comes from. */
    public sealed interface ValueSource {
        /** A JSON pointer into the payload, e.g. {@code /order/total}. */
        record Pointer(com.fasterxml.jackson.core.JsonPointer pointer) implements ValueSource {
            @Override
            public String toString() {
                return pointer.toString();
            }
        }

        /** A record header's value as UTF-8 text. */
        record Header(String name) implements ValueSource {
            @Override
            public String toString() {
                return "header:" + name;
            }
        }

        /** The record key as UTF-8 text (an outbox event's aggregate id). */
        record Key() implements ValueSource {
            @Override
            public String toString() {
                return "key";
            }
        }
    }

    /** The column an envelope field is written to. */
    public String columnFor(String field) {
        return renames.getOrDefault(field, field);
    }

    /** Names the mapping in messages: {@code mapping 'orders' (topic t -> shop.orders)}. */
    public String describe() {
        return "mapping '" + id + "' (" + topic + eventType.map(t -> " " + t).orElse("") + " -> " + table + ")";
    }
}
