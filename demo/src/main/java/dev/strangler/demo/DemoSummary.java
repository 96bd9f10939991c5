package dev.strangler.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.cli.DurationConverter;
import dev.strangler.demo.LegacyWorkload.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What the demo did and what arrived in Kafka, rendered three ways: a plain table for the terminal, Markdown and JSON
 * for the output directory. One model for all three so they cannot disagree.
 *
 * @param tables     one line per captured table, in capture order
 * @param notCaptured tables the workload wrote that the pipeline does not capture, with their row counts
 * @param caughtUp   the slot confirmed the WAL position taken after the workloads, so Kafka holds every change
 * @param censusComplete the independent consumer read every topic to its end offsets
 * @param outbox     the new service's transactions and its outbox topics
 * @param sink       the new service's order events applied back to the legacy table by the sink
 */
public record DemoSummary(String pipeline, long seed, double ratePerSecond, Duration duration,
                          Duration workloadElapsed, boolean interrupted, boolean caughtUp, boolean censusComplete,
                          long publishedByPipeline, List<TableLine> tables, Map<String, Long> notCaptured,
                          Map<Kind, Long> operations, Map<Kind, Long> failedOperations, OutboxSection outbox,
                          SinkSection sink) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final OperationMix<Kind> MIX = LegacyWorkload.MIX;

    public DemoSummary {
        tables = List.copyOf(tables);
        notCaptured = Map.copyOf(notCaptured);
        operations = Map.copyOf(operations);
        failedOperations = Map.copyOf(failedOperations);
        Objects.requireNonNull(outbox, "outbox");
        Objects.requireNonNull(sink, "sink");
    }

    /** A captured table: its row count in PostgreSQL and its events counted from Kafka. */
    public record TableLine(String table, long rowsInTable, OpCounts events, String topic) {
        public boolean matches() {
            return rowsInTable == events.rowsFromStream();
        }
    }

    /**
     * The end-to-end check: every table's row count equals what its topic says (c + r - d), and the outbox topics
     * hold exactly the events the new service committed (by event id: duplicates are allowed, at least once).
     */
    public enum Check {
        PASS, MISMATCH,
        /** Kafka had not received everything (stopped early, or the pipeline lagged), so a count proves nothing. */
        NOT_CHECKED
    }

    public Check check() {
        if (!caughtUp || !censusComplete) {
            return Check.NOT_CHECKED;
        }
        return tables.stream().allMatch(TableLine::matches) && outbox.matches() && sink.matches() ? Check.PASS
                : Check.MISMATCH;
    }

    public long totalOperations() {
        return operations.values().stream().mapToLong(Long::longValue).sum();
    }

    public long totalFailedOperations() {
        return failedOperations.values().stream().mapToLong(Long::longValue).sum();
    }

    private static final TextTable TABLE = new TextTable(
            new String[] {"table", "rows in table", "c", "u", "d", "r", "tombstones", "topic"},
            new boolean[] {true, false, false, false, false, false, false, true});

    private List<String[]> rows() {
        List<String[]> rows = new ArrayList<>();
        for (TableLine t : tables) {
            OpCounts e = t.events();
            rows.add(new String[] {t.table(), num(t.rowsInTable()), num(e.c()), num(e.u()), num(e.d()), num(e.r()),
                num(e.tombstones()), t.topic()});
        }
        return rows;
    }

    /** The terminal rendering: aligned columns, numbers right-aligned. */
    public String toText() {
        StringBuilder out = new StringBuilder();
        TABLE.appendText(out, rows());
        notCaptured.forEach((table, count) -> out.append(table).append(": ").append(num(count))
                .append(" rows, not captured (no primary key; not in the publication), no topic\n"));
        out.append('\n').append(workloadLine()).append('\n');
        for (Kind kind : MIX.kinds()) {
            out.append(String.format(Locale.ROOT, "  %-16s %8s%s  %s%n", MIX.key(kind), num(count(operations, kind)),
                    failedSuffix(kind), MIX.description(kind)));
        }
        out.append('\n');
        outbox.appendText(out);
        out.append('\n');
        sink.appendText(out);
        out.append('\n').append(checkLine()).append('\n');
        return out.toString();
    }

    public String toMarkdown() {
        StringBuilder out = new StringBuilder("# Strangler demo\n\n");
        out.append(workloadLine()).append("\n\n");
        TABLE.appendMarkdown(out, rows());
        if (!notCaptured.isEmpty()) {
            out.append('\n');
            notCaptured.forEach((table, count) -> out.append("- `").append(table).append("`: ").append(num(count))
                    .append(" rows, not captured (no primary key; not in the publication), no topic\n"));
        }
        out.append("\n## Workload\n\n| operation | count | failed | what |\n| --- | ---: | ---: | --- |\n");
        for (Kind kind : MIX.kinds()) {
            out.append("| `").append(MIX.key(kind)).append("` | ").append(num(count(operations, kind))).append(" | ")
                    .append(num(count(failedOperations, kind))).append(" | ").append(MIX.description(kind))
                    .append(" |\n");
        }
        outbox.appendMarkdown(out);
        sink.appendMarkdown(out);
        out.append("\n## Check\n\n").append(checkLine()).append('\n');
        return out.toString();
    }

    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("pipeline", pipeline);
        root.put("seed", seed);
        root.put("ratePerSecond", ratePerSecond);
        root.put("durationSeconds", duration.toMillis() / 1000.0);
        root.put("workloadSeconds", workloadElapsed.toMillis() / 1000.0);
        root.put("interrupted", interrupted);
        root.put("caughtUp", caughtUp);
        root.put("censusComplete", censusComplete);
        root.put("eventsPublishedByPipeline", publishedByPipeline);
        root.put("check", check().name());
        ArrayNode tableNodes = root.putArray("tables");
        for (TableLine t : tables) {
            OpCounts e = t.events();
            tableNodes.addObject()
                    .put("table", t.table())
                    .put("topic", t.topic())
                    .put("rowsInTable", t.rowsInTable())
                    .put("events", e.events())
                    .put("c", e.c()).put("u", e.u()).put("d", e.d()).put("r", e.r())
                    .put("tombstones", e.tombstones())
                    .put("other", e.other())
                    .put("rowsFromStream", e.rowsFromStream())
                    .put("matches", t.matches());
        }
        ObjectNode notCapturedNode = root.putObject("notCaptured");
        notCaptured.forEach(notCapturedNode::put);
        outbox.appendJson(root.putObject("outbox"));
        sink.appendJson(root.putObject("sink"));
        ObjectNode workload = root.putObject("workload");
        workload.put("operations", totalOperations());
        workload.put("failed", totalFailedOperations());
        ObjectNode byKind = workload.putObject("byKind");
        for (Kind kind : MIX.kinds()) {
            byKind.putObject(MIX.key(kind))
                    .put("completed", count(operations, kind))
                    .put("failed", count(failedOperations, kind));
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot render the summary as JSON", e);
        }
    }

    private String workloadLine() {
        double seconds = workloadElapsed.toMillis() / 1000.0;
        return String.format(Locale.ROOT, "legacy workload: %s operations in %.1fs (%.1f/s, asked for %s/s for %s), "
                        + "seed %d%s; the pipeline published %s events (outbox events included)",
                num(totalOperations()), seconds, seconds > 0 ? totalOperations() / seconds : 0.0,
                trim(ratePerSecond), DurationConverter.format(duration), seed,
                interrupted ? ", stopped early by Ctrl-C" : "", num(publishedByPipeline));
    }

    private String checkLine() {
        return switch (check()) {
            case PASS -> "check: PASS - for every table, rows in table = c + r - d counted from Kafka, and every "
                    + "outbox topic holds exactly the events committed (by event id), none rolled back, and every "
                    + "order of the new service is in the legacy table through the sink, its writes marked: nothing "
                    + "lost, no echo";
            case NOT_CHECKED -> "check: NOT CHECKED - " + (caughtUp
                    ? "the topics could not be read to their end in time"
                    : "the pipeline had not confirmed every change when the demo ended, so Kafka may hold fewer");
            case MISMATCH -> "check: MISMATCH - " + String.join("; ", mismatches());
        };
    }

    private List<String> mismatches() {
        List<String> mismatches = new ArrayList<>();
        tables.stream().filter(t -> !t.matches()).forEach(t -> mismatches.add(t.table() + " has "
                + num(t.rowsInTable()) + " rows but c + r - d = " + num(t.events().rowsFromStream())));
        mismatches.addAll(outbox.problems());
        mismatches.addAll(sink.problems());
        return mismatches;
    }

    private String failedSuffix(Kind kind) {
        long failed = count(failedOperations, kind);
        return failed == 0 ? "" : " (" + num(failed) + " failed)";
    }

    private static long count(Map<Kind, Long> counts, Kind kind) {
        return counts.getOrDefault(kind, 0L);
    }

    private static String num(long n) {
        return TextTable.num(n);
    }

    static String trim(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
