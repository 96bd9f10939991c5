package dev.strangler.engine.it;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per table and key, the changes the legacy app committed, in commit order ({@code c:<name>}, {@code u:<name>},
 * {@code d}); compared with what a read_committed consumer reads, change by change, not only the final state.
 */
final class ExpectedHistory {

    private final Map<String, Map<Long, List<String>>> byTable = new HashMap<>();

    synchronized void add(String table, long key, String change) {
        byTable.computeIfAbsent(table, t -> new LinkedHashMap<>()).computeIfAbsent(key, k -> new ArrayList<>())
                .add(change);
    }

    synchronized int size() {
        return byTable.values().stream().flatMap(m -> m.values().stream()).mapToInt(List::size).sum();
    }

    /** What the comparison found; {@link #exact()} when every change arrived once, in order. */
    record Comparison(String scenario, int expected, int delivered, int duplicates, int missing, int outOfOrder,
                      int unexpected, List<String> samples) {
        boolean exact() {
            return duplicates == 0 && missing == 0 && outOfOrder == 0 && unexpected == 0;
        }

        boolean complete() {
            return missing == 0;
        }

        @Override
        public String toString() {
            return String.format("%s: %d changes expected, %d delivered, %d duplicates, %d missing, %d out of order, "
                    + "%d unexpected%s", scenario, expected, delivered, duplicates, missing, outOfOrder, unexpected,
                    samples.isEmpty() ? "" : " " + samples);
        }
    }

    /**
     * Compares with the change events of the tables' topics (snapshot reads and tombstones are not changes). Keys the
     * writer never touched must have no change events at all.
     *
     * @param events per table name (as passed to {@link #add}), the topic's records as key and value JSON in offset
     *               order
     */
    synchronized Comparison compare(String scenario, Map<String, List<Event>> events) {
        int expected = 0;
        int delivered = 0;
        int duplicates = 0;
        int missing = 0;
        int outOfOrder = 0;
        int unexpected = 0;
        List<String> samples = new ArrayList<>();
        for (var table : events.entrySet()) {
            Map<Long, List<String>> want = byTable.getOrDefault(table.getKey(), Map.of());
            Map<Long, List<String>> got = new LinkedHashMap<>();
            for (Event e : table.getValue()) {
                if (e.value() == null || e.op().equals("r")) {
                    continue;
                }
                got.computeIfAbsent(e.id(), k -> new ArrayList<>()).add(e.change(table.getKey()));
            }
            for (var entry : want.entrySet()) {
                List<String> w = entry.getValue();
                List<String> g = got.getOrDefault(entry.getKey(), List.of());
                expected += w.size();
                delivered += g.size();
                List<String> distinct = new ArrayList<>(new java.util.LinkedHashSet<>(g));
                duplicates += g.size() - distinct.size();
                List<String> absent = new ArrayList<>(w);
                absent.removeAll(distinct);
                missing += absent.size();
                if (absent.isEmpty() && !distinct.equals(w)) {
                    outOfOrder++;
                }
                if (samples.size() < 5 && !g.equals(w)) {
                    samples.add(table.getKey() + " " + entry.getKey() + ": expected " + w + " got " + g);
                }
            }
            for (var entry : got.entrySet()) {
                if (!want.containsKey(entry.getKey())) {
                    unexpected += entry.getValue().size();
                    if (samples.size() < 5) {
                        samples.add(table.getKey() + " " + entry.getKey() + ": unexpected " + entry.getValue());
                    }
                }
            }
        }
        return new Comparison(scenario, expected, delivered, duplicates, missing, outOfOrder, unexpected, samples);
    }

    /** One record of a table topic: the key's id and the Debezium envelope (null for a tombstone). */
    record Event(long id, JsonNode value) {
        String op() {
            return value.path("op").asText();
        }

        String change(String table) {
            String op = op();
            if (op.equals("d")) {
                return "d";
            }
            String field = table.equals("products") ? "title" : "name";
            return op + ":" + value.path("after").path(field).asText();
        }
    }
}
