package dev.strangler.demo;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.demo.NewServiceWorkload.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The new service's part of the demo summary: what it committed and rolled back through the outbox, against what an
 * independent consumer found in its outbox topics.
 *
 * @param table            the outbox table the pipeline routes
 * @param ratePerSecond    transactions per second asked of the new service
 * @param elapsed          how long the new service ran
 * @param topics           one line per outbox topic (aggregate type)
 * @param operations       transactions done, by kind (for the abandoned checkouts: rolled back on purpose)
 * @param failedOperations transactions that failed, by kind
 * @param ordersInTable    rows in the new service's own orders table at the end
 */
public record OutboxSection(String table, double ratePerSecond, Duration elapsed, List<TopicLine> topics,
                            Map<Kind, Long> operations, Map<Kind, Long> failedOperations, long ordersInTable) {

    public OutboxSection {
        topics = List.copyOf(topics);
        operations = Map.copyOf(operations);
        failedOperations = Map.copyOf(failedOperations);
    }

    /**
     * One outbox topic: the events the new service committed and rolled back for its aggregate type, and what the
     * topic holds. Delivery is at least once, so records and distinct event ids are counted apart; the comparison
     * with what was committed is by event id.
     *
     * @param partitions        0 when the topic does not exist
     * @param committed         events of committed transactions
     * @param records           records in the topic
     * @param distinctEventIds  distinct values of the {@code id} header
     * @param duplicates        records repeating an event id (re-sends after a restart; harmless)
     * @param withoutId         records without an {@code id} header: not outbox events at all
     * @param missing           committed events whose id is not in the topic: lost
     * @param unexpected        event ids in the topic that no committed transaction wrote (rolled-back ones included)
     * @param rolledBack        events written in transactions that were then rolled back
     * @param rolledBackInKafka of those, how many are in the topic: must be 0
     */
    public record TopicLine(String aggregateType, String topic, int partitions, long committed, long records,
                            long distinctEventIds, long duplicates, long withoutId, long missing, long unexpected,
                            long rolledBack, long rolledBackInKafka) {

        /** Compares what the new service committed and rolled back with what the census read, by event id. */
        public static TopicLine of(String aggregateType, String topic, Set<UUID> committed, Set<UUID> rolledBack,
                                   TopicCensus.OutboxCount seen) {
            Set<UUID> ids = seen.eventIds();
            long missing = committed.stream().filter(id -> !ids.contains(id)).count();
            Set<UUID> unexpected = new HashSet<>(ids);
            unexpected.removeAll(committed);
            long rolledBackInKafka = rolledBack.stream().filter(ids::contains).count();
            return new TopicLine(aggregateType, topic, seen.partitions(), committed.size(), seen.records(),
                    ids.size(), seen.duplicates(), seen.withoutId(), missing, unexpected.size(), rolledBack.size(),
                    rolledBackInKafka);
        }

        /** Exactly the committed events are in the topic, each at least once, and nothing else. */
        public boolean matches() {
            return missing == 0 && unexpected == 0 && withoutId == 0 && distinctEventIds == committed;
        }

        /** Why it does not match, for the check line; empty when it matches. */
        public List<String> problems() {
            List<String> problems = new ArrayList<>();
            if (missing > 0) {
                problems.add("missing " + TextTable.num(missing) + " of " + TextTable.num(committed)
                        + " committed events");
            }
            if (unexpected > 0) {
                problems.add(events(unexpected) + " never committed" + (rolledBackInKafka > 0
                        ? " (" + TextTable.num(rolledBackInKafka) + " from rolled-back transactions)" : ""));
            }
            if (withoutId > 0) {
                problems.add(TextTable.num(withoutId) + (withoutId == 1 ? " record" : " records")
                        + " without an id header");
            }
            if (problems.isEmpty() && distinctEventIds != committed) {
                problems.add(events(distinctEventIds) + " in Kafka but " + TextTable.num(committed) + " committed");
            }
            return problems;
        }

        private static String events(long n) {
            return TextTable.num(n) + (n == 1 ? " event" : " events");
        }
    }

    public boolean matches() {
        return topics.stream().allMatch(TopicLine::matches);
    }

    public long committedEvents() {
        return topics.stream().mapToLong(TopicLine::committed).sum();
    }

    public long distinctEventsInKafka() {
        return topics.stream().mapToLong(TopicLine::distinctEventIds).sum();
    }

    public long duplicates() {
        return topics.stream().mapToLong(TopicLine::duplicates).sum();
    }

    public long rolledBackEvents() {
        return topics.stream().mapToLong(TopicLine::rolledBack).sum();
    }

    public long rolledBackEventsInKafka() {
        return topics.stream().mapToLong(TopicLine::rolledBackInKafka).sum();
    }

    /** Transactions that committed (every kind but the deliberately abandoned checkouts). */
    public long committedTransactions() {
        return operations.entrySet().stream().filter(e -> e.getKey() != Kind.ABANDON_CHECKOUT)
                .mapToLong(Map.Entry::getValue).sum();
    }

    public long rolledBackTransactions() {
        return operations.getOrDefault(Kind.ABANDON_CHECKOUT, 0L);
    }

    public long failedTransactions() {
        return failedOperations.values().stream().mapToLong(Long::longValue).sum();
    }

    private static final OperationMix<Kind> MIX = NewServiceWorkload.MIX;
    private static final TextTable TABLE = new TextTable(
            new String[] {"outbox topic", "committed", "records", "distinct ids", "duplicates", "rolled back",
                "rolled back in Kafka"},
            new boolean[] {true, false, false, false, false, false, false});

    private List<String[]> rows() {
        List<String[]> rows = new ArrayList<>();
        for (TopicLine t : topics) {
            rows.add(new String[] {t.topic(), TextTable.num(t.committed()), TextTable.num(t.records()),
                TextTable.num(t.distinctEventIds()), TextTable.num(t.duplicates()), TextTable.num(t.rolledBack()),
                TextTable.num(t.rolledBackInKafka())});
        }
        return rows;
    }

    void appendText(StringBuilder out) {
        TABLE.appendText(out, rows());
        out.append('\n').append(workloadLine()).append('\n');
        for (Kind kind : MIX.kinds()) {
            long failed = failedOperations.getOrDefault(kind, 0L);
            out.append(String.format(Locale.ROOT, "  %-16s %8s%s  %s%n", MIX.key(kind),
                    TextTable.num(operations.getOrDefault(kind, 0L)),
                    failed == 0 ? "" : " (" + TextTable.num(failed) + " failed)", MIX.description(kind)));
        }
    }

    void appendMarkdown(StringBuilder out) {
        out.append("\n## New service (transactional outbox)\n\n").append(workloadLine()).append("\n\n");
        TABLE.appendMarkdown(out, rows());
        out.append("\n| transaction | count | failed | what |\n| --- | ---: | ---: | --- |\n");
        for (Kind kind : MIX.kinds()) {
            out.append("| `").append(MIX.key(kind)).append("` | ")
                    .append(TextTable.num(operations.getOrDefault(kind, 0L))).append(" | ")
                    .append(TextTable.num(failedOperations.getOrDefault(kind, 0L))).append(" | ")
                    .append(MIX.description(kind)).append(" |\n");
        }
    }

    void appendJson(ObjectNode node) {
        node.put("table", table);
        node.put("ratePerSecond", ratePerSecond);
        node.put("workloadSeconds", elapsed.toMillis() / 1000.0);
        node.put("ordersInTable", ordersInTable);
        node.put("matches", matches());
        node.putObject("transactions")
                .put("committed", committedTransactions())
                .put("rolledBack", rolledBackTransactions())
                .put("failed", failedTransactions());
        node.putObject("events")
                .put("committed", committedEvents())
                .put("distinctInKafka", distinctEventsInKafka())
                .put("duplicates", duplicates())
                .put("rolledBack", rolledBackEvents())
                .put("rolledBackInKafka", rolledBackEventsInKafka());
        ArrayNode topicNodes = node.putArray("topics");
        for (TopicLine t : topics) {
            topicNodes.addObject()
                    .put("topic", t.topic())
                    .put("aggregateType", t.aggregateType())
                    .put("partitions", t.partitions())
                    .put("committed", t.committed())
                    .put("records", t.records())
                    .put("distinctEventIds", t.distinctEventIds())
                    .put("duplicates", t.duplicates())
                    .put("withoutIdHeader", t.withoutId())
                    .put("missing", t.missing())
                    .put("unexpected", t.unexpected())
                    .put("rolledBack", t.rolledBack())
                    .put("rolledBackInKafka", t.rolledBackInKafka())
                    .put("matches", t.matches());
        }
        ObjectNode byKind = node.putObject("byKind");
        for (Kind kind : MIX.kinds()) {
            byKind.putObject(MIX.key(kind))
                    .put("completed", operations.getOrDefault(kind, 0L))
                    .put("failed", failedOperations.getOrDefault(kind, 0L));
        }
    }

    /** The problems of every topic that does not match, for the check line. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        for (TopicLine t : topics) {
            t.problems().forEach(p -> problems.add(t.topic() + ": " + p));
        }
        return problems;
    }

    private String workloadLine() {
        double seconds = elapsed.toMillis() / 1000.0;
        long transactions = committedTransactions() + rolledBackTransactions();
        return String.format(Locale.ROOT, "new service: %s transactions in %.1fs (%.1f/s, asked for %s/s), "
                        + "%s of them rolled back on purpose; %s events committed through %s, %s distinct events "
                        + "in Kafka (%s duplicate records); %s has %s rows",
                TextTable.num(transactions), seconds, seconds > 0 ? transactions / seconds : 0.0,
                DemoSummary.trim(ratePerSecond), TextTable.num(rolledBackTransactions()),
                TextTable.num(committedEvents()), table, TextTable.num(distinctEventsInKafka()),
                TextTable.num(duplicates()), DemoDatabase.NEW_SERVICE_ORDERS, TextTable.num(ordersInTable));
    }
}
