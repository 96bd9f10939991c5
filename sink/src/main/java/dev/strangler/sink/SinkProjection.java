package dev.strangler.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.contract.TableId;
import dev.strangler.sink.config.Mapping;
import dev.strangler.sink.config.SinkConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What the sink makes of a record, without writing anything: the same decoding ({@link EventDecoder}) and the same
 * column text ({@link ColumnValues}) the sink binds, so a reader that folds a topic with it (the reverse parity check)
 * expects exactly the rows the sink writes. The one thing it cannot decide is a conflict that depends on the row
 * the table holds at apply time (keep-newer); each effect names the version column such a reader must compare.
 */
public final class SinkProjection {

    /** What an effect does to its row. */
    public enum Kind {
        /** insert, or update the given columns of an existing row */
        UPSERT,
        /** update the given columns of a row that must exist (the sink refuses the event when it does not) */
        UPDATE,
        DELETE,
        /** passed over on purpose: a tombstone, an event type mapped with action=ignore */
        IGNORED,
        /** an event the sink refuses (with sink.errors=dead-letter it goes to the dead-letter topic, unapplied) */
        BAD
    }

    /**
     * One record's effect on one row.
     *
     * @param key              key column to the text the sink binds for it
     * @param values           written column to its text (null for SQL NULL); for a delete only the version column
     *                         when the event carries it
     * @param keepNewerVersion the column keep-newer compares before this write, null when the mapping overwrites
     * @param reason           why the sink refuses a {@link Kind#BAD} event, null otherwise
     */
    public record Effect(Kind kind, TableId table, String mapping, Map<String, String> key,
                         Map<String, String> values, String keepNewerVersion, String reason) {
        public Effect {
            key = Collections.unmodifiableMap(new LinkedHashMap<>(key));
            values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }

        static Effect bad(TableId table, String mapping, String reason) {
            return new Effect(Kind.BAD, table, mapping, Map.of(), Map.of(), null, reason);
        }
    }

    /**
     * A table the sink writes.
     *
     * @param keyColumns the columns that identify a row (as every mapping of the table uses them)
     * @param topics     the topics whose mappings write it
     * @param expressions written column to the SQL expression that turns the bound text ({@code ?}) into the value
     *                   the sink stores: {@code CAST(? AS numeric(10,2))}, {@code decode(?, 'base64')} for bytea
     */
    public record Target(TableId table, List<String> keyColumns, List<String> topics,
                         Map<String, String> expressions) {
        public Target {
            keyColumns = List.copyOf(keyColumns);
            topics = List.copyOf(topics);
            expressions = Collections.unmodifiableMap(new LinkedHashMap<>(expressions));
        }
    }

    private final SinkConfig config;
    private final EventDecoder decoder;
    private final List<Target> targets;

    SinkProjection(SinkConfig config, List<MappingPlan> plans) {
        this.config = config;
        this.decoder = new EventDecoder(plans);
        this.targets = targets(plans);
    }

    /**
     * Reads the mapped tables' shape on {@code c} (any role that can see them; the sink's privileges are not needed).
     *
     * @throws TargetNotReadyException a mapped table, column or key the database lacks, as the sink itself refuses it
     */
    public static SinkProjection load(SinkConfig config, Connection c) throws SQLException {
        return new SinkProjection(config, SinkPreflight.plans(c, config, false));
    }

    public String name() {
        return config.name();
    }

    /** The consumer group whose positions (strangler.sink_offsets) say how far the sink applied each partition. */
    public String group() {
        return config.kafka().group();
    }

    public List<String> topics() {
        return config.topics();
    }

    public List<Target> targets() {
        return targets;
    }

    /** Where a dead letter came from: the record the sink passed over instead of applying it. */
    public record Origin(String topic, int partition, long offset) {
    }

    /** The topic the sink sends refused events to; empty with sink.errors=stop (it stops at them instead). */
    public Optional<String> deadLetterTopic() {
        return config.errors() == SinkConfig.Errors.DEAD_LETTER ? Optional.of(config.kafka().deadLetterTopic())
                : Optional.empty();
    }

    /**
     * The record a dead letter stands for, from the headers the sink adds; empty for a record that is not one of this
     * sink's dead letters (another sink may share the topic).
     */
    public Optional<Origin> deadLetterOrigin(ConsumerRecord<byte[], byte[]> deadLetter) {
        String sink = header(deadLetter, DeadLetters.SINK);
        String topic = header(deadLetter, DeadLetters.TOPIC);
        String partition = header(deadLetter, DeadLetters.PARTITION);
        String offset = header(deadLetter, DeadLetters.OFFSET);
        if (!config.name().equals(sink) || topic == null || partition == null || offset == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Origin(topic, Integer.parseInt(partition), Long.parseLong(offset)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        org.apache.kafka.common.header.Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The record's effect as the sink applies it. */
    public Effect project(ConsumerRecord<byte[], byte[]> record) {
        Change change;
        try {
            change = decoder.decode(record);
        } catch (EventDecoder.BadEvent e) {
            TableId table = config.mappings().stream().filter(m -> m.id().equals(e.mapping())).findFirst()
                    .map(Mapping::table).orElse(null);
            return Effect.bad(table, e.mapping(), e.getMessage());
        }
        MappingPlan plan = change.plan();
        Mapping m = plan.mapping();
        if (change.action() == Mapping.Action.IGNORE) {
            return new Effect(Kind.IGNORED, m.table(), m.id(), Map.of(), Map.of(), null, null);
        }
        Map<String, String> key = new LinkedHashMap<>();
        Map<String, String> values = new LinkedHashMap<>();
        try {
            for (Map.Entry<String, JsonNode> k : change.key().entrySet()) {
                key.put(k.getKey(), text(plan, k.getKey(), k.getValue()));
            }
            for (Map.Entry<String, JsonNode> v : change.values().entrySet()) {
                values.put(v.getKey(), text(plan, v.getKey(), v.getValue()));
            }
        } catch (IllegalArgumentException e) {
            return Effect.bad(m.table(), m.id(), e.getMessage());
        }
        Kind kind = switch (change.action()) {
            case UPSERT -> Kind.UPSERT;
            case UPDATE -> Kind.UPDATE;
            case DELETE -> Kind.DELETE;
            case IGNORE -> Kind.IGNORED;
        };
        String version = plan.keepNewer() ? m.versionColumn().orElse(null) : null;
        return new Effect(kind, m.table(), m.id(), key, values, version, null);
    }

    /** The text the sink binds, as {@link TableWriter} does; a value the column cannot take is a bad event there too. */
    private static String text(MappingPlan plan, String column, JsonNode value) {
        TargetCatalog.Column c = plan.table().column(column).orElseThrow(() -> new IllegalArgumentException(
                "column " + column + " of " + plan.mapping().table() + " does not exist"));
        try {
            return ColumnValues.text(c, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("column " + column + ": " + e.getMessage(), e);
        }
    }

    private static List<Target> targets(List<MappingPlan> plans) {
        Map<TableId, List<MappingPlan>> byTable = new LinkedHashMap<>();
        plans.forEach(p -> byTable.computeIfAbsent(p.mapping().table(), t -> new ArrayList<>()).add(p));
        List<Target> targets = new ArrayList<>();
        byTable.forEach((table, tablePlans) -> {
            Set<String> topics = new LinkedHashSet<>();
            Map<String, String> expressions = new LinkedHashMap<>();
            tablePlans.forEach(p -> topics.add(p.mapping().topic()));
            for (TargetCatalog.Column c : tablePlans.get(0).table().columns().values()) {
                expressions.put(c.name(), c.kind() == TargetCatalog.Kind.BYTEA ? "decode(?, 'base64')"
                        : "CAST(? AS " + c.type() + ")");
            }
            targets.add(new Target(table, tablePlans.get(0).keyColumns(), List.copyOf(topics), expressions));
        });
        return targets;
    }
}
