package dev.strangler.sink;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.strangler.sink.config.Mapping;
import dev.strangler.sink.config.Mapping.ValueSource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Turns a consumed record into the {@link Change} its mapping makes of it, or says why it cannot ({@link BadEvent}).
 * Pure: no database, no Kafka; everything about the table was resolved at start ({@link MappingPlan}).
 *
 * <p>Envelope topics (Debezium's change events, with or without Connect's schema wrapper): {@code c}, {@code u} and
 * {@code r} upsert the {@code after} row by key, {@code d} deletes by key (from the record key, else {@code before}),
 * tombstones are passed over; a field without a column is refused unless renamed or excluded. Outbox topics: the
 * mapping of the event's type ({@value #EVENT_TYPE_HEADER} header) picks each column's value from the payload by JSON
 * pointer, a header or the record key.
 */
final class EventDecoder {

    static final String EVENT_TYPE_HEADER = "eventType";
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // numbers exactly as written: 10.50 stays 10.50 (Jackson strips trailing zeros by default)
            .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));

    /** Why an event cannot be applied; the message is the reason a person reads. */
    static final class BadEvent extends Exception {
        private final String mapping;

        BadEvent(String reason) {
            this(reason, null);
        }

        private BadEvent(String reason, String mapping) {
            super(reason);
            this.mapping = mapping;
        }

        /** The id of the mapping the event was for, null when none took it. */
        String mapping() {
            return mapping;
        }

        BadEvent in(MappingPlan plan) {
            return mapping != null ? this : new BadEvent(getMessage(), plan.mapping().id());
        }
    }

    private final Map<String, List<MappingPlan>> byTopic = new HashMap<>();

    EventDecoder(List<MappingPlan> plans) {
        for (MappingPlan plan : plans) {
            byTopic.computeIfAbsent(plan.mapping().topic(), t -> new ArrayList<>()).add(plan);
        }
    }

    Change decode(ConsumerRecord<byte[], byte[]> record) throws BadEvent {
        List<MappingPlan> plans = byTopic.get(record.topic());
        if (plans == null) {
            throw new BadEvent("no mapping reads topic " + record.topic());
        }
        if (plans.get(0).mapping().format() == Mapping.Format.ENVELOPE) {
            try {
                return envelope(plans.get(0), record);
            } catch (BadEvent e) {
                throw e.in(plans.get(0));
            }
        }
        MappingPlan plan = outboxPlan(plans, record);
        try {
            return outbox(plan, record);
        } catch (BadEvent e) {
            throw e.in(plan);
        }
    }

    private static Change envelope(MappingPlan plan, ConsumerRecord<byte[], byte[]> record) throws BadEvent {
        Mapping m = plan.mapping();
        if (record.value() == null) {
            return Change.ignored(plan); // the tombstone after a delete: for compaction, nothing to apply
        }
        JsonNode value = unwrap(parse(record.value(), "value"));
        if (!value.isObject()) {
            throw new BadEvent("the value is not a change event (a JSON object with op, before, after)");
        }
        String op = value.path("op").asText("");
        if (m.action() == Mapping.Action.IGNORE) {
            return Change.ignored(plan);
        }
        switch (op) {
            case "c", "u", "r" -> {
                JsonNode after = value.path("after");
                if (!after.isObject()) {
                    throw new BadEvent("op '" + op + "' without an 'after' row");
                }
                Map<String, JsonNode> columns = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = after.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    if (m.excluded().contains(field.getKey())) {
                        continue;
                    }
                    String column = m.columnFor(field.getKey());
                    if (plan.table().column(column).isEmpty()) {
                        throw new BadEvent("field '" + field.getKey() + "' has no column " + column + " in "
                                + m.table() + "; rename it (mapping." + m.id() + ".rename." + field.getKey()
                                + "=COLUMN) or leave it out (mapping." + m.id() + ".exclude)");
                    }
                    if (!ColumnValues.unavailable(field.getValue())) {
                        columns.put(column, field.getValue()); // an unchanged TOASTed value keeps the column as it is
                    }
                }
                m.constants().forEach((column, text) -> columns.put(column, TextNode.valueOf(text)));
                return split(plan, Mapping.Action.UPSERT, columns);
            }
            case "d" -> {
                Map<String, JsonNode> key = new LinkedHashMap<>();
                JsonNode recordKey = record.key() == null ? null : unwrap(parse(record.key(), "key"));
                JsonNode before = value.path("before");
                for (String column : plan.keyColumns()) {
                    JsonNode v = field(m, recordKey, column).orElseGet(() -> field(m, before, column).orElse(null));
                    if (v == null || v.isNull()) {
                        throw new BadEvent("a delete whose key and 'before' lack key column " + column + " of "
                                + m.table() + " (with a key other than the source table's primary key, the source "
                                + "needs REPLICA IDENTITY FULL)");
                    }
                    key.put(column, v);
                }
                Map<String, JsonNode> values = new LinkedHashMap<>();
                m.versionColumn().flatMap(v -> field(m, before, v)).ifPresent(v -> values.put(
                        m.versionColumn().get(), v));
                return new Change(plan, Mapping.Action.DELETE, key, values);
            }
            default -> throw new BadEvent(op.isEmpty() ? "the value has no op: not a Debezium change event"
                    : "op '" + op + "' is not c, u, d or r");
        }
    }

    /** The value of the event field that is written to {@code column} (after renames), if the object has it. */
    private static Optional<JsonNode> field(Mapping m, JsonNode object, String column) {
        if (object == null || !object.isObject()) {
            return Optional.empty();
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!m.excluded().contains(field.getKey()) && m.columnFor(field.getKey()).equals(column)) {
                return Optional.of(field.getValue());
            }
        }
        return Optional.empty();
    }

    private static MappingPlan outboxPlan(List<MappingPlan> plans, ConsumerRecord<byte[], byte[]> record)
            throws BadEvent {
        String type = header(record, EVENT_TYPE_HEADER);
        if (type == null) {
            throw new BadEvent("no '" + EVENT_TYPE_HEADER + "' header: not a routed outbox event");
        }
        MappingPlan plan = plans.stream().filter(p -> p.mapping().eventType().filter(type::equals).isPresent())
                .findFirst().orElseGet(() -> plans.stream().filter(p -> p.mapping().eventType().isEmpty())
                        .findFirst().orElse(null));
        if (plan == null) {
            throw new BadEvent("event type " + type + " has no mapping for topic " + record.topic() + "; map it "
                    + "(mapping.<id>.event.type=" + type + ") or pass it over on purpose (mapping.<id>.action=ignore)");
        }
        return plan;
    }

    private static Change outbox(MappingPlan plan, ConsumerRecord<byte[], byte[]> record) throws BadEvent {
        Mapping m = plan.mapping();
        if (m.action() == Mapping.Action.IGNORE) {
            return Change.ignored(plan);
        }
        if (record.value() == null) {
            throw new BadEvent("an outbox event without a payload (null value)");
        }
        JsonNode payload = parse(record.value(), "payload");
        Map<String, JsonNode> columns = new LinkedHashMap<>();
        for (Map.Entry<String, ValueSource> column : m.columns().entrySet()) {
            columns.put(column.getKey(), resolve(column.getKey(), column.getValue(), payload, record));
        }
        m.constants().forEach((column, text) -> columns.put(column, TextNode.valueOf(text)));
        return split(plan, m.action(), columns);
    }

    private static JsonNode resolve(String column, ValueSource source, JsonNode payload,
                                    ConsumerRecord<byte[], byte[]> record) throws BadEvent {
        if (source instanceof ValueSource.Pointer p) {
            JsonNode v = payload.at(p.pointer());
            if (v.isMissingNode()) {
                throw new BadEvent("the payload has no " + p.pointer() + " (for column " + column + ")");
            }
            return v;
        }
        if (source instanceof ValueSource.Header h) {
            String text = header(record, h.name());
            if (text == null) {
                throw new BadEvent("no '" + h.name() + "' header (for column " + column + ")");
            }
            return TextNode.valueOf(text);
        }
        if (record.key() == null) {
            throw new BadEvent("no record key (for column " + column + ")");
        }
        return TextNode.valueOf(new String(record.key(), StandardCharsets.UTF_8));
    }

    /** Key columns out of the columns; a write without a value for every key column is refused. */
    private static Change split(MappingPlan plan, Mapping.Action action, Map<String, JsonNode> columns)
            throws BadEvent {
        Map<String, JsonNode> key = new LinkedHashMap<>();
        for (String column : plan.keyColumns()) {
            JsonNode v = columns.remove(column);
            if (v == null || v.isNull()) {
                throw new BadEvent("no value for key column " + column + " of " + plan.mapping().table());
            }
            key.put(column, v);
        }
        if (action == Mapping.Action.DELETE) {
            Map<String, JsonNode> version = new LinkedHashMap<>();
            plan.mapping().versionColumn().filter(columns::containsKey).ifPresent(v -> version.put(v,
                    columns.get(v)));
            return new Change(plan, action, key, version);
        }
        Optional<String> version = plan.mapping().versionColumn();
        if (plan.keepNewer() && version.isPresent() && !columns.containsKey(version.get())) {
            throw new BadEvent("no value for " + version.get() + ", the version column conflict=keep-newer "
                    + "compares");
        }
        return new Change(plan, action, key, columns);
    }

    private static JsonNode parse(byte[] bytes, String what) throws BadEvent {
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || node.isMissingNode()) {
                throw new BadEvent("the " + what + " is empty");
            }
            return node;
        } catch (IOException e) {
            throw new BadEvent("the " + what + " is not JSON: " + firstLine(e.getMessage()));
        }
    }

    /** Connect's JsonConverter with schemas on wraps the data: {"schema": ..., "payload": ...}. */
    private static JsonNode unwrap(JsonNode node) {
        return node.isObject() && node.has("schema") && node.has("payload") && node.size() == 2
                ? node.get("payload") : node;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static String firstLine(String message) {
        String m = String.valueOf(message);
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
