package dev.strangler.parity.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.parity.model.Cut;
import dev.strangler.parity.model.Finding;
import dev.strangler.parity.model.HistoryGap;
import dev.strangler.parity.model.IncompleteTransaction;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.model.TransactionCheck;
import dev.strangler.parity.model.Verdict;
import dev.strangler.parity.report.view.ReportView;
import dev.strangler.parity.report.view.TableView;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;

/**
 * {@code report.json}: the machine-readable report, described by {@value #SCHEMA_RESOURCE} (JSON Schema 2020-12),
 * written from the same {@link ReportView} as the HTML and Markdown reports (its totals and the order of kinds and
 * operations), with the numbers as they are.
 *
 * <p>The field names are camelCase and written here one by one, not derived from the model's records, so renaming a
 * Java field cannot silently change the format. Fields may be added within a schema version (readers ignore what they
 * do not know); renaming, removing or changing the meaning of one raises {@link ParityReport#SCHEMA_VERSION}.
 * Instants are ISO-8601 in UTC, the verdict is "GO", "NO-GO" or "UNVERIFIABLE" with its exit code, counts the run
 * could not measure are null, and every map is written in a fixed order so two runs diff cleanly.
 */
public final class JsonReportWriter {

    /** Classpath location of the JSON Schema the output conforms to. */
    public static final String SCHEMA_RESOURCE = "/dev/strangler/parity/report/report.schema.json";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public String render(ParityReport report) {
        return render(ReportView.of(report));
    }

    public String render(ReportView view) {
        try {
            return MAPPER.writeValueAsString(toJson(view)) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public ObjectNode toJson(ReportView view) {
        ParityReport r = view.report();
        ObjectNode root = MAPPER.createObjectNode();
        root.put("schemaVersion", r.schemaVersion());
        root.put("runId", r.runId());
        root.put("startedAt", instant(r.startedAt()));
        root.put("finishedAt", instant(r.finishedAt()));
        root.put("source", r.source());
        root.put("slot", r.slot());
        root.put("topicPrefix", r.topicPrefix());
        root.put("eventEncoding", r.eventEncoding());
        root.put("acceptNotComparable", r.acceptNotComparable());
        root.put("acceptHistoryGaps", r.acceptHistoryGaps());
        verdict(root, r.verdict());
        root.put("reason", r.reason());
        root.set("transactionCompleteness", transactions(r.transactions()));
        if (r.repairOf() != null) {
            ObjectNode repair = root.putObject("repairOf");
            repair.put("runId", r.repairOf().runId());
            repair.put("report", r.repairOf().report());
            repair.put("keysRepublished", r.repairOf().keysRepublished());
            repair.put("keysRetracted", r.repairOf().keysRetracted());
            ArrayNode whole = repair.putArray("wholeTables");
            r.repairOf().wholeTables().forEach(whole::add);
        }
        root.set("cut", cut(r.cut()));
        root.set("summary", summary(view.summary()));
        ArrayNode tables = root.putArray("tables");
        view.tables().forEach(t -> tables.add(table(t)));
        root.set("history", history(r.history()));
        return root;
    }

    /**
     * Runs as report.json's {@code history} lists them (verdicts as "GO", "NO-GO", "UNVERIFIABLE", ISO instants), for
     * {@code strangler parity --history --json} as well.
     */
    public String renderHistory(List<ParityReport.HistoryPoint> runs) {
        try {
            return MAPPER.writeValueAsString(history(runs)) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ArrayNode history(List<ParityReport.HistoryPoint> runs) {
        ArrayNode history = MAPPER.createArrayNode();
        for (ParityReport.HistoryPoint h : runs) {
            ObjectNode p = history.addObject();
            p.put("runId", h.runId());
            p.put("startedAt", instant(h.startedAt()));
            p.put("verdict", h.verdict().label());
            p.put("rowsInTables", h.rowsInTables());
            p.put("findings", h.findings());
            p.put("tables", h.tables());
        }
        return history;
    }

    private static void verdict(ObjectNode node, Verdict v) {
        node.put("verdict", v.label());
        node.put("exitCode", v.exitCode());
    }

    private static ObjectNode transactions(TransactionCheck t) {
        if (t == null) {
            return null;
        }
        ObjectNode n = MAPPER.createObjectNode();
        n.put("topic", t.topic());
        n.put("checked", t.checked());
        n.put("transactions", t.transactions());
        n.put("incomplete", t.incomplete());
        n.put("note", t.note());
        return n;
    }

    private static ObjectNode cut(Cut c) {
        if (c == null) {
            return null;
        }
        ObjectNode n = MAPPER.createObjectNode();
        n.put("snapshot", c.snapshotText());
        n.put("xmin", c.xmin());
        n.put("xmax", c.xmax());
        ArrayNode xip = n.putArray("inProgress");
        c.inProgress().forEach(xip::add);
        n.put("walLsn", c.walLsnText());
        n.put("walLsnValue", c.walLsn());
        n.put("takenAt", instant(c.takenAt()));
        return n;
    }

    private static ObjectNode summary(ReportView.Summary summary) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("tables", summary.tables());
        ObjectNode byVerdict = n.putObject("tablesByVerdict");
        summary.tablesByVerdict().forEach((v, count) -> byVerdict.put(v.label(), count));
        n.put("rowsInTables", summary.rowsInTables());
        n.put("liveKeysInStreams", summary.liveKeysInStreams());
        n.put("findings", summary.findings());
        ObjectNode byKind = n.putObject("findingCounts");
        summary.findingCounts().forEach((k, count) -> byKind.put(k.code(), count));
        return n;
    }

    private static ObjectNode table(TableView view) {
        TableResult t = view.result();
        ObjectNode n = MAPPER.createObjectNode();
        n.put("table", t.table().toString());
        n.put("topic", t.topic());
        n.put("direction", t.direction().code());
        verdict(n, t.verdict());
        n.put("reason", t.reason());
        n.put("streamHistory", t.streamHistory());
        if (t.compareMethod() != null) {
            ObjectNode m = n.putObject("compareMethod");
            m.put("kind", t.compareMethod().kind().code());
            m.put("reason", t.compareMethod().reason());
            m.put("buckets", t.compareMethod().buckets());
            m.put("differingBuckets", t.compareMethod().differingBuckets());
            m.put("rowsFetched", t.compareMethod().rowsFetched());
        }
        ArrayNode historyGaps = n.putArray("historyGaps");
        for (HistoryGap g : t.historyGaps()) {
            ObjectNode h = historyGaps.addObject();
            h.put("kind", g.kind().code());
            lsn(h, "fromLsn", g.fromLsn());
            lsn(h, "toLsn", g.toLsn());
            h.put("fromTime", instant(g.fromTime()));
            h.put("toTime", instant(g.toTime()));
            h.put("detail", g.detail());
        }
        n.put("historyGapsAccepted", t.historyGapsAccepted());
        ArrayNode incomplete = n.putArray("incompleteTransactions");
        for (IncompleteTransaction x : t.incompleteTransactions()) {
            ObjectNode i = incomplete.addObject();
            i.put("id", x.id());
            i.put("xid", x.xid());
            lsn(i, "commitLsn", x.commitLsn());
            i.put("commitTime", instant(x.commitTime()));
            i.put("expected", x.expected());
            i.put("found", x.found());
        }
        n.put("incompleteTransactionCount", t.incompleteTransactionCount());
        n.put("tolerance", t.tolerance());
        count(n, "rowsInTable", t.rowsInTable());
        count(n, "liveKeysInStream", t.liveKeysInStream());
        n.put("findings", t.findings());
        ObjectNode byKind = n.putObject("findingCounts");
        view.findingCounts().forEach((k, count) -> byKind.put(k.code(), count));
        ObjectNode visible = n.putObject("visibleEventsByOp");
        view.visibleEventsByOp().forEach((op, count) -> visible.put(op.code(), count));
        ObjectNode afterCut = n.putObject("eventsAfterCut");
        view.eventsAfterCutByOp().forEach((op, count) -> afterCut.put(op.code(), count));
        ObjectNode anomalies = n.putObject("anomalies");
        new TreeMap<>(t.anomalies()).forEach((kind, count) -> anomalies.put(kind.code(), count));
        n.put("duplicates", t.duplicates());
        ArrayNode gaps = n.putArray("columnGaps");
        t.columnGaps().forEach(g -> gaps.addObject().put("column", g.column()).put("gap", g.gap().code())
                .put("rows", g.rows()));
        ArrayNode never = n.putArray("columnsNeverInStream");
        t.columnsNeverInStream().forEach(never::add);
        ArrayNode reasoning = n.putArray("reasoning");
        t.reasoning().forEach(reasoning::add);
        ArrayNode sample = n.putArray("sample");
        for (Finding f : t.sample()) {
            ObjectNode s = sample.addObject();
            s.put("kind", f.kind().code());
            s.put("anomaly", f.anomaly() == null ? null : f.anomaly().code());
            s.put("gap", f.gap() == null ? null : f.gap().code());
            s.put("key", f.key());
            s.put("column", f.column());
            s.put("tableValue", f.tableValue());
            s.put("streamValue", f.streamValue());
            s.put("note", f.note());
        }
        return n;
    }

    /** A WAL position as PostgreSQL prints it, null when unknown. */
    private static void lsn(ObjectNode n, String field, long value) {
        n.put(field, value < 0 ? null : HistoryGap.lsn(value));
    }

    private static void count(ObjectNode n, String field, long value) {
        if (value < 0) {
            n.putNull(field);
        } else {
            n.put(field, value);
        }
    }

    private static String instant(Instant t) {
        return t == null ? null : t.toString();
    }
}
