package dev.strangler.engine.admin;

import dev.strangler.contract.TableId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Which rows an incremental snapshot reads: tables, each with the condition that picks its rows (all of them when
 * it has none). A repair names different keys per table; {@code strangler snapshot --where} one condition for all.
 */
public record SnapshotScope(Map<TableId, Optional<String>> conditions) {

    public SnapshotScope {
        conditions = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(conditions));
    }

    /** The same condition (or none) for every table. */
    public static SnapshotScope of(List<TableId> tables, Optional<String> where) {
        Map<TableId, Optional<String>> conditions = new LinkedHashMap<>();
        tables.forEach(t -> conditions.put(t, where));
        return new SnapshotScope(conditions);
    }

    public List<TableId> tables() {
        return List.copyOf(conditions.keySet());
    }

    public Optional<String> conditionOf(TableId table) {
        return conditions.getOrDefault(table, Optional.empty());
    }

    /** The part of this scope for some of its tables (those a failed scan asks for again). */
    public SnapshotScope only(List<TableId> tables) {
        Map<TableId, Optional<String>> part = new LinkedHashMap<>();
        tables.forEach(t -> part.put(t, conditionOf(t)));
        return new SnapshotScope(part);
    }
}
