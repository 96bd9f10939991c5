package dev.strangler.parity.reverse;

import dev.strangler.contract.TableId;
import dev.strangler.parity.Progress;
import dev.strangler.parity.canonical.Canonicalizer;
import dev.strangler.parity.canonical.ColumnCatalog;
import dev.strangler.parity.canonical.ColumnType;
import dev.strangler.parity.model.Direction;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.model.Verdict;
import dev.strangler.parity.stream.TopicReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;

/**
 * The reverse check of one sink, inside the cut's transaction: the sink's stored positions read as of the cut's
 * snapshot, each of its topics read and projected with the sink's own mapping ({@link SinkModel}), records below the
 * stored position folded per table ({@link ReverseFold}), and each table matched against the folded rows
 * ({@link ReverseComparison}). Because the sink commits its rows and its positions in one transaction, the snapshot
 * holds exactly the effects of the records below the positions it shows, however fast the sink is applying: no wait,
 * no tolerance for lag.
 */
public final class ReverseParity {

    private final SinkModel sink;
    private final Canonicalizer canonicalizer;
    private final int sampleSize;
    private final ToLongFunction<TableId> tolerance;
    private final Progress progress;

    public ReverseParity(SinkModel sink, Canonicalizer canonicalizer, int sampleSize,
                         ToLongFunction<TableId> tolerance, Progress progress) {
        this.sink = sink;
        this.canonicalizer = canonicalizer;
        this.sampleSize = sampleSize;
        this.tolerance = tolerance;
        this.progress = progress;
    }

    /** One result per table the sink writes, in the order its mappings name them. */
    public List<TableResult> check(Connection cut, TopicReader reader) throws SQLException {
        Optional<Map<String, Map<Integer, Long>>> stored = SinkPositions.read(cut, sink.group());
        if (stored.isEmpty()) {
            return sink.targets().stream().map(t -> unverifiable(t, SinkPositions.TABLE + " does not exist in this "
                    + "database: apply Strangler's migrations (strangler sql print migrations) and run the sink, "
                    + "or point --config at the database the sink writes")).toList();
        }
        Map<TableId, ReverseFold> folds = new LinkedHashMap<>();
        Map<TableId, String> problems = new LinkedHashMap<>();
        sink.targets().forEach(t -> folds.put(t.table(), new ReverseFold(t.keyColumns())));
        Set<SinkModel.RecordRef> deadLettered = deadLettered(reader);
        for (String topic : topics()) {
            Map<Integer, Long> positions = stored.get().getOrDefault(topic, Map.of());
            String problem = read(reader, topic, positions, folds, deadLettered);
            if (problem != null) {
                sink.targets().stream().filter(t -> t.topics().contains(topic))
                        .forEach(t -> problems.putIfAbsent(t.table(), problem));
            }
        }
        List<TableResult> results = new ArrayList<>();
        for (SinkModel.Target target : sink.targets()) {
            ReverseFold fold = folds.get(target.table());
            String problem = problems.getOrDefault(target.table(), fold.keyProblem());
            results.add(problem != null ? unverifiable(target, problem)
                    : compare(cut, target, fold, stored.get()));
        }
        return results;
    }

    private List<String> topics() {
        List<String> topics = new ArrayList<>();
        sink.targets().forEach(t -> t.topics().stream().filter(topic -> !topics.contains(topic)).forEach(topics::add));
        return topics;
    }

    /**
     * The records the sink passed to its dead-letter topic: with sink.errors=dead-letter an event the database refused
     * (a constraint) is not applied although its mapping projects it fine. A dead letter is acknowledged before the
     * transaction that moves past its record commits, so every one below a position in the cut is in the topic now.
     */
    private Set<SinkModel.RecordRef> deadLettered(TopicReader reader) {
        Set<SinkModel.RecordRef> refs = new HashSet<>();
        Optional<String> topic = sink.deadLetterTopic();
        if (topic.isEmpty()) {
            return refs;
        }
        TopicReader.TopicExtent extent = reader.extent(topic.get(), Duration.ofSeconds(30));
        if (extent.exists()) {
            reader.read(topic.get(), extent, record -> sink.deadLetterOrigin(record).ifPresent(refs::add), progress);
        }
        return refs;
    }

    /** Reads the topic to its end; returns why its records cannot be folded, or null. */
    private String read(TopicReader reader, String topic, Map<Integer, Long> positions,
                        Map<TableId, ReverseFold> folds, Set<SinkModel.RecordRef> deadLettered) {
        TopicReader.TopicExtent extent = reader.extent(topic, Duration.ofSeconds(30));
        if (!extent.exists()) {
            return positions.isEmpty() ? null : "topic " + topic + " does not exist, yet the sink stored positions "
                    + "in it " + positions + ": it was deleted after the sink applied it; nothing can be compared";
        }
        for (Map.Entry<Integer, Long> p : positions.entrySet()) {
            long end = extent.end().getOrDefault(p.getKey(), -1L);
            long earliest = extent.earliest().getOrDefault(p.getKey(), 0L);
            if (end < p.getValue()) {
                return "the sink's stored position " + p.getValue() + " in " + topic + " partition " + p.getKey()
                        + " lies past the partition's end (" + end + "): the topic was recreated after the sink "
                        + "applied it";
            }
            if (earliest > 0 && p.getValue() > 0) {
                return "records of " + topic + " partition " + p.getKey() + " before offset " + earliest + " were "
                        + "deleted by retention or compaction after the sink applied them, so what the table should "
                        + "hold cannot be rebuilt; keep the sink's topics (retention.ms=-1) to check its tables";
            }
        }
        reader.read(topic, extent, record -> {
            SinkModel.Effect effect = sink.project(record);
            ReverseFold fold = effect.table() == null ? null : folds.get(effect.table());
            if (fold == null) {
                return; // a record no mapping takes: the sink refuses it, and it belongs to no table
            }
            if (record.offset() < positions.getOrDefault(record.partition(), 0L)) {
                if (!deadLettered.isEmpty() && deadLettered.contains(new SinkModel.RecordRef(topic,
                        record.partition(), record.offset()))) {
                    fold.deadLettered(topic, record.partition(), record.offset());
                    return;
                }
                fold.applied(effect, topic, record.partition(), record.offset());
            } else {
                fold.notYetApplied(effect);
            }
        }, progress);
        return null;
    }

    private TableResult compare(Connection cut, SinkModel.Target target, ReverseFold fold,
                                Map<String, Map<Integer, Long>> stored) throws SQLException {
        TableId table = target.table();
        long allowed = tolerance.applyAsLong(table);
        List<ColumnType> columns = ColumnCatalog.load(cut, table.schema(), table.table());
        if (columns.isEmpty()) {
            return unverifiable(target, "table " + table + " does not exist in the database the cut was taken on "
                    + "(or the role cannot see it): point --config at the database the sink writes");
        }
        ReverseComparison.Outcome outcome = new ReverseComparison(cut, table, columns, target.expressions(),
                canonicalizer, sampleSize).compare(fold);
        if (outcome.unreadable() != null) {
            return unverifiable(target, outcome.unreadable());
        }
        long rows = count(cut, table);
        long live = fold.rows().stream().filter(ReverseFold.Row::live).count();
        long orderDependent = fold.rows().stream().filter(ReverseFold.Row::orderDependent).count();
        long findings = outcome.counts().values().stream().mapToLong(Long::longValue).sum();
        Verdict verdict = findings > allowed ? Verdict.NO_GO : orderDependent > 0 ? Verdict.UNVERIFIABLE : Verdict.GO;
        String reason = verdict != Verdict.UNVERIFIABLE ? null : orderDependent + " key(s) were written from more "
                + "than one partition (the same column, or a delete and a write), and the sink applies partitions "
                + "in no order the topics record, so their rows cannot be expected; keep the events of one row on "
                + "one topic (one aggregate type) to check them";
        return new TableResult(table, topicsText(target), verdict, reason, allowed, false, rows, live,
                fold.applied(), fold.notYetApplied(), outcome.counts(), Map.of(), 0, List.of(), List.of(),
                outcome.sample(), scope(target, fold, stored, rows, outcome), Direction.TOPIC_TO_TABLE);
    }

    /** How the topics were folded and what was left out, in sentences. */
    private String scope(SinkModel.Target target, ReverseFold fold, Map<String, Map<Integer, Long>> stored,
                         long rows, ReverseComparison.Outcome outcome) {
        List<String> parts = new ArrayList<>();
        String positions = target.topics().stream().map(topic -> topic + " " + new TreeMap<>(stored.getOrDefault(
                topic, Map.of())).entrySet().stream().map(e -> "[" + e.getKey() + "]<" + e.getValue())
                .collect(Collectors.joining(" "))).collect(Collectors.joining("; "));
        parts.add("Folded sink '" + sink.name() + "' (group " + sink.group() + ") up to the positions it stored at the "
                + "cut: " + positions + ".");
        long notFromSink = rows - outcome.presentRows();
        parts.add(num(notFromSink) + " of the table's " + num(rows) + " rows have keys the sink's topics never "
                + "touched (the legacy application's own) and were not compared; of the others only the columns "
                + "the sink writes were.");
        if (outcome.keptNewer() > 0) {
            parts.add(num(outcome.keptNewer()) + " row(s) hold a newer version than the sink's last event and were "
                    + "kept, as keep-newer keeps them.");
        }
        if (fold.refused() > 0) {
            parts.add(num(fold.refused()) + " record(s) below the positions were refused by the sink (its mapping, "
                    + "or the database: in its dead-letter topic) and were not folded, e.g. "
                    + String.join("; ", fold.refusedSample()) + ".");
        }
        if (fold.ignored() > 0) {
            parts.add(num(fold.ignored()) + " record(s) passed over on purpose (tombstones, action=ignore).");
        }
        return String.join(" ", parts);
    }

    private static long count(Connection c, TableId table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + table.quoted());
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private TableResult unverifiable(SinkModel.Target target, String reason) {
        return TableResult.unverifiable(target.table(), topicsText(target), tolerance.applyAsLong(target.table()),
                reason, Direction.TOPIC_TO_TABLE);
    }

    private String topicsText(SinkModel.Target target) {
        return String.join(", ", target.topics()) + " (sink " + sink.name() + ")";
    }

    private static String num(long n) {
        return String.format(Locale.US, "%,d", n);
    }
}
