package dev.strangler.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.sink.config.Mapping;
import java.util.Map;

/**
 * What one event does to its table: the row's key, and the columns to write (for a delete only the version column,
 * when the event carries it). Values are the event's JSON, turned into column text by the writer.
 *
 * @param action {@link Mapping.Action#IGNORE} for an event passed over on purpose (a tombstone, an ignored type)
 */
record Change(MappingPlan plan, Mapping.Action action, Map<String, JsonNode> key, Map<String, JsonNode> values) {

    static Change ignored(MappingPlan plan) {
        return new Change(plan, Mapping.Action.IGNORE, Map.of(), Map.of());
    }

    /** The key as a person reads it in a log line: {@code {id=42}}. */
    String describeKey() {
        StringBuilder b = new StringBuilder("{");
        key.forEach((column, value) -> {
            if (b.length() > 1) {
                b.append(", ");
            }
            b.append(column).append('=').append(value == null ? "null" : value.isTextual() ? value.textValue()
                    : value.toString());
        });
        return b.append('}').toString();
    }
}
