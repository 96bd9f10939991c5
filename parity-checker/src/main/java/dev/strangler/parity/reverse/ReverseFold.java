package dev.strangler.parity.reverse;

import dev.strangler.parity.model.Operation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One sink table's expected state: the effects of every record the sink applied, folded per key in offset order, as
 * the sink's statements leave the row. An upsert or update writes only the columns it carries (the others keep their
 * value, or their default on insert), so a row's expected columns are the ones written since it was last inserted by
 * the sink; a delete leaves no row.
 *
 * <p>Per partition the order is the sink's order. Across partitions (two topics writing one table) the sink has none:
 * when two partitions write the same column of a key, or one deletes a row another wrote, the row's final state
 * depends on an interleaving the topics do not record, and the row is set aside as order-dependent, never guessed.
 */
final class ReverseFold {

    /** The expected state of one key. */
    static final class Row {
        private final Map<String, String> key;
        private boolean live;
        private final Map<String, String> columns = new LinkedHashMap<>();
        private final Map<String, String> writer = new LinkedHashMap<>(); // column -> partition that wrote it last
        private final Set<String> partitions = new HashSet<>();
        private String deletedBy;
        private String keepNewerVersion;
        private String origin;
        private boolean orderDependent;

        Row(Map<String, String> key) {
            this.key = Map.copyOf(key);
        }

        Map<String, String> key() {
            return key;
        }

        boolean live() {
            return live;
        }

        /** Written columns (not the key) to the text the sink bound, null for SQL NULL; for a deleted row only the
         *  delete's version column, when it carried one. */
        Map<String, String> columns() {
            return columns;
        }

        /** The version column keep-newer compares for the row's last effect, null when it overwrote. */
        String keepNewerVersion() {
            return keepNewerVersion;
        }

        /** Topic, partition and offset of the row's last effect, for findings. */
        String origin() {
            return origin;
        }

        boolean orderDependent() {
            return orderDependent;
        }
    }

    private final List<String> keyColumns;
    private final Map<String, Row> rows = new LinkedHashMap<>();
    private final Map<Operation, Long> applied = new EnumMap<>(Operation.class);
    private final Map<Operation, Long> notYetApplied = new EnumMap<>(Operation.class);
    private long ignored;
    private long refused;
    private final List<String> refusedSample = new ArrayList<>();
    private String keyProblem;

    ReverseFold(List<String> keyColumns) {
        this.keyColumns = List.copyOf(keyColumns);
    }

    /** An effect of a record below the sink's stored position: the table holds it. */
    void applied(SinkModel.Effect effect, String topic, int partition, long offset) {
        String where = topic + " partition " + partition + " offset " + offset;
        switch (effect.kind()) {
            case IGNORED -> ignored++;
            case BAD -> {
                refused++;
                if (refusedSample.size() < 3) {
                    refusedSample.add(where + ": " + effect.reason());
                }
            }
            case UPSERT, UPDATE, DELETE -> fold(effect, topic + "/" + partition, where);
            default -> throw new IllegalStateException(effect.kind().name());
        }
    }

    /** A record below the stored position that the sink dead-lettered (the database refused it): not applied. */
    void deadLettered(String topic, int partition, long offset) {
        refused++;
        if (refusedSample.size() < 3) {
            refusedSample.add(topic + " partition " + partition + " offset " + offset + ": in the dead-letter topic");
        }
    }

    /** An effect of a record at or past the stored position: not applied at the cut, counted only. */
    void notYetApplied(SinkModel.Effect effect) {
        Operation op = switch (effect.kind()) {
            case UPSERT -> Operation.CREATE;
            case UPDATE -> Operation.UPDATE;
            case DELETE -> Operation.DELETE;
            default -> null;
        };
        if (op != null) {
            notYetApplied.merge(op, 1L, Long::sum);
        }
    }

    private void fold(SinkModel.Effect effect, String partition, String where) {
        if (!effect.key().keySet().equals(new HashSet<>(keyColumns))) {
            // mappings of one table identify rows by different columns: their rows cannot be matched to each other
            keyProblem = "a record at " + where + " identifies rows by " + effect.key().keySet() + ", another "
                    + "mapping of the table by " + keyColumns + "; give every mapping of the table the same "
                    + "mapping.<id>.key to check it";
            return;
        }
        Map<String, String> key = new LinkedHashMap<>();
        keyColumns.forEach(c -> key.put(c, effect.key().get(c)));
        Row row = rows.computeIfAbsent(key.toString(), k -> new Row(key));
        boolean otherPartition = !row.partitions.isEmpty() && !row.partitions.equals(Set.of(partition));
        row.partitions.add(partition);
        row.origin = where;
        row.keepNewerVersion = effect.keepNewerVersion();
        if (effect.kind() == SinkModel.Kind.DELETE) {
            applied.merge(Operation.DELETE, 1L, Long::sum);
            if (otherPartition && row.writer.values().stream().anyMatch(p -> !p.equals(partition))) {
                row.orderDependent = true;
            }
            row.live = false;
            row.deletedBy = partition;
            row.columns.clear();
            row.writer.clear();
            row.columns.putAll(effect.values());
            return;
        }
        applied.merge(row.live || effect.kind() == SinkModel.Kind.UPDATE ? Operation.UPDATE : Operation.CREATE,
                1L, Long::sum);
        if (!row.live) {
            if (row.deletedBy != null && !row.deletedBy.equals(partition)) {
                row.orderDependent = true;
            }
            row.columns.clear(); // (re)inserted: the columns written before a delete are gone with the row
            row.writer.clear();
        }
        for (Map.Entry<String, String> value : effect.values().entrySet()) {
            String last = row.writer.put(value.getKey(), partition);
            if (last != null && !last.equals(partition)) {
                row.orderDependent = true;
            }
            row.columns.put(value.getKey(), value.getValue());
        }
        row.live = true;
    }

    Collection<Row> rows() {
        return rows.values();
    }

    List<String> keyColumns() {
        return keyColumns;
    }

    Map<Operation, Long> applied() {
        return applied;
    }

    Map<Operation, Long> notYetApplied() {
        return notYetApplied;
    }

    long ignored() {
        return ignored;
    }

    /** Records below the stored position the sink refuses: it can only have passed them to its dead-letter topic. */
    long refused() {
        return refused;
    }

    List<String> refusedSample() {
        return refusedSample;
    }

    /** Why the table's rows cannot be matched, or null. */
    String keyProblem() {
        return keyProblem;
    }
}
