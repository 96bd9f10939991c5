package dev.strangler.engine.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.contract.TableId;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * A request to a running pipeline, as Debezium's Kafka signal channel reads it: the record's key is the connector's
 * logical name (the topic prefix), its value {@code {"id", "type", "data"}}. Tables are named by a quoted regular
 * expression because Debezium matches the names it is given as patterns ({@code shop.orders} would also match
 * {@code shopXorders}).
 *
 * @param id   the signal's id; Debezium repeats it in the notifications of the snapshot it starts
 * @param json the record value
 */
public record SnapshotSignal(String id, String json) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** An incremental snapshot of {@code tables}, of the rows {@code where} selects when given (all rows else). */
    public static SnapshotSignal execute(List<TableId> tables, Optional<String> where) {
        return execute(SnapshotScope.of(tables, where));
    }

    /** An incremental snapshot of the scope's tables, each of the rows its condition selects (all rows if none). */
    public static SnapshotSignal execute(SnapshotScope scope) {
        String id = "strangler-" + UUID.randomUUID();
        ObjectNode data = JSON.createObjectNode();
        ArrayNode collections = data.putArray("data-collections");
        scope.tables().forEach(t -> collections.add(pattern(t)));
        data.put("type", "incremental");
        if (scope.conditions().values().stream().anyMatch(Optional::isPresent)) {
            ArrayNode conditions = data.putArray("additional-conditions");
            scope.conditions().forEach((t, predicate) -> predicate.ifPresent(p ->
                    conditions.addObject().put("data-collection", pattern(t)).put("filter", p)));
        }
        return new SnapshotSignal(id, envelope(id, "execute-snapshot", data));
    }

    /** Stops the incremental snapshot of {@code tables}: the rows read so far stay published. */
    public static SnapshotSignal stop(List<TableId> tables) {
        String id = "strangler-" + UUID.randomUUID();
        ObjectNode data = JSON.createObjectNode();
        ArrayNode collections = data.putArray("data-collections");
        tables.forEach(t -> collections.add(pattern(t)));
        data.put("type", "incremental");
        return new SnapshotSignal(id, envelope(id, "stop-snapshot", data));
    }

    private static String envelope(String id, String type, ObjectNode data) {
        ObjectNode signal = JSON.createObjectNode();
        signal.put("id", id);
        signal.put("type", type);
        signal.set("data", data);
        return signal.toString();
    }

    /** The table's name as a pattern that matches exactly it. */
    static String pattern(TableId table) {
        return Pattern.quote(table.schema() + "." + table.table());
    }
}
