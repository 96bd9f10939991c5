package dev.strangler.parity.report.view;

import dev.strangler.parity.model.AnomalyKind;
import dev.strangler.parity.model.ColumnGap;
import dev.strangler.parity.model.ColumnGapCount;
import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.Operation;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.model.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One table's result as the reports show it. {@link #result()} keeps the numbers as they are (report.json and the
 * charts read those); the other members are the same numbers and texts ready to print, in the order every report
 * prints them.
 *
 * @param index    the table's place in the run, for links within a page
 * @param name     the table, cut for a narrow column
 * @param fullName the table, whole
 * @param topic    the topic, cut; null when unknown
 */
public record TableView(TableResult result, int index, Clipped name, Shown fullName, Clipped topic,
                        VerdictView verdict, List<CountCell> counts, List<KindLine> kinds,
                        List<AnomalyLine> anomalies, List<GapLine> gaps, List<Shown> neverInStream,
                        List<Shown> reasoning, List<SampleView> sample) {

    /** Characters of a table name or topic shown in the overview. */
    static final int SHORT_NAME = 48;

    /** A finding kind's count in the overview; {@code hit} when it is not zero. */
    public record CountCell(KindView kind, String text, boolean hit) {
        /** The cell's style: a number, marked when it is a finding. */
        public String style() {
            return hit ? "n hit" : "n";
        }
    }

    /** A finding kind this table has, with its count and what to do. */
    public record KindLine(KindView kind, String count) {
    }

    public record AnomalyLine(String code, String description, String count) {
    }

    /** A column the stream did not show in some rows: why, in how many, what to do. */
    public record GapLine(Shown column, ColumnGap gap, String rows) {
        public String label() {
            return gap.label();
        }

        public String advice() {
            return gap.advice();
        }
    }

    static TableView of(TableResult t, int index) {
        boolean known = t.compared();
        List<CountCell> counts = new ArrayList<>();
        List<KindLine> kinds = new ArrayList<>();
        for (FindingKind k : FindingKind.values()) {
            long n = t.count(k);
            counts.add(new CountCell(KindView.of(k), known ? Text.num(n) : Text.UNKNOWN, n > 0));
            if (n > 0) {
                kinds.add(new KindLine(KindView.of(k), Text.num(n)));
            }
        }
        List<AnomalyLine> anomalies = new ArrayList<>();
        new TreeMap<AnomalyKind, Long>(t.anomalies()).forEach((a, n) ->
                anomalies.add(new AnomalyLine(a.code(), a.description(), Text.num(n))));
        List<GapLine> gaps = new ArrayList<>();
        for (ColumnGapCount g : t.columnGaps()) {
            gaps.add(new GapLine(Shown.of(g.column()), g.gap(), Text.plural(g.rows(), "row", "rows")));
        }
        return new TableView(t, index, Clipped.of(t.table().toString(), SHORT_NAME), Shown.of(t.table().toString()),
                t.topic() == null ? null : Clipped.of(t.topic(), SHORT_NAME), new VerdictView(t.verdict()), counts,
                kinds, anomalies, gaps, t.columnsNeverInStream().stream().map(Shown::of).toList(),
                t.reasoning().stream().map(Shown::of).toList(), t.sample().stream().map(SampleView::of).toList());
    }

    /** Worth a section of its own: anything but a clean GO. */
    public boolean noteworthy() {
        TableResult t = result;
        return t.verdict() != Verdict.GO || !t.sample().isEmpty() || t.duplicates() > 0 || !t.anomalies().isEmpty()
                || t.streamHistory() != null || !t.columnGaps().isEmpty() || !t.historyGaps().isEmpty()
                || t.incompleteTransactionCount() > 0
                || t.findingCounts().values().stream().anyMatch(n -> n > 0);
    }

    public boolean compared() {
        return result.compared();
    }

    /** The id of the table's section, {@code t-<index>}. */
    public String anchor() {
        return "t-" + index;
    }

    public String tolerance() {
        return Text.num(result.tolerance());
    }

    public String rows() {
        return Text.count(result.rowsInTable());
    }

    public String liveKeys() {
        return Text.count(result.liveKeysInStream());
    }

    public String duplicates() {
        return compared() ? Text.num(result.duplicates()) : Text.UNKNOWN;
    }

    /** Visible events by op, {@code c/u/d/r}, any other op appended. */
    public String ops() {
        return compared() ? Text.ops(result.visibleEventsByOp()) : Text.UNKNOWN;
    }

    /** The visible events' counts one by one, each but the last with its slash: a page lets them wrap there. */
    public List<String> opParts() {
        String[] parts = ops().split("/");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < parts.length; i++) {
            out.add(parts[i] + (i < parts.length - 1 ? "/" : ""));
        }
        return out;
    }

    public String afterCut() {
        return compared() ? Text.num(Text.sum(result.eventsAfterCut())) : Text.UNKNOWN;
    }

    /** Why the table is UNVERIFIABLE; null when it is not. */
    public Shown reason() {
        return result.verdict() == Verdict.UNVERIFIABLE ? Shown.of(Text.orUnknown(result.reason())) : null;
    }

    /** How the topic was folded when its early records were gone; null when from its first record. */
    /** A sink's target table, checked topic → table. */
    public boolean reverse() {
        return result.direction() == dev.strangler.parity.model.Direction.TOPIC_TO_TABLE;
    }

    /** The direction as the reports name it: {@code table → topic}, {@code topic → table via sink}. */
    public String direction() {
        return result.direction().label();
    }

    /** What the topic line is called: the table's topic, or the sink's topics that write the table. */
    public String topicLabel() {
        return reverse() ? "topic → table via sink" : "topic";
    }

    /** The heading of the fold's description: how the topic's history was folded, or the sink's positions. */
    public String streamHistoryLabel() {
        return reverse() ? "Folded up to the sink's positions" : "Stream history";
    }

    /** How the rows were compared ("full scan (...)", "in the database: 2 of 1,000 key buckets differed..."). */
    public Shown compareMethod() {
        return result.compareMethod() == null ? null : Shown.of(result.compareMethod().describe());
    }

    /** The compare method's stable code (scan, in-database), for a selector; null when not compared. */
    public String compareMethodCode() {
        return result.compareMethod() == null ? null : result.compareMethod().kind().code();
    }

    public Shown streamHistory() {
        return result.streamHistory() == null ? null : Shown.of(result.streamHistory());
    }

    /** A history gap as the reports print it: kind, WAL range, time range, what was seen, what to do. */
    public record HistoryGapLine(String code, String label, String lsnRange, String timeRange, Shown detail,
                                 String advice) {
    }

    /** The topic's history gaps (README, "History continuity"), in the order found. */
    public List<HistoryGapLine> historyGaps() {
        return result.historyGaps().stream().map(g -> new HistoryGapLine(g.kind().code(), g.kind().label(),
                g.lsnRange(), g.timeRange(), Shown.of(g.detail()), g.kind().advice())).toList();
    }

    /** An incomplete transaction as the reports print it: its id, commit and what the END counts against the topic. */
    public record IncompleteTransactionLine(String xid, String id, String commitLsn, String commitTime, String expected,
                                            String found) {
    }

    /** The sample of transactions visible at the cut that the topic does not hold in full, by xid. */
    public List<IncompleteTransactionLine> incompleteTransactions() {
        return result.incompleteTransactions().stream().map(x -> new IncompleteTransactionLine(Long.toString(x.xid()),
                x.id(), dev.strangler.parity.model.HistoryGap.lsn(x.commitLsn()),
                x.commitTime() == null ? Text.UNKNOWN : Text.time(x.commitTime()), Text.num(x.expected()),
                Text.num(x.found()))).toList();
    }

    /** "2 of 2 incomplete transactions" for the sample's caption; null when none. */
    public String incompleteTransactionsCaption() {
        long all = result.incompleteTransactionCount();
        return all == 0 ? null : Text.num(result.incompleteTransactions().size()) + " of " + Text.num(all);
    }

    /** Whether this table's history gaps were accepted (--accept-history-gaps). */
    public boolean historyGapsAccepted() {
        return result.historyGapsAccepted();
    }

    /** "3 duplicates"; null without duplicates. */
    public String duplicatesCount() {
        return result.duplicates() == 0 ? null : Text.num(result.duplicates());
    }

    public String neverInStreamAdvice() {
        return ColumnGap.NEVER_IN_STREAM_ADVICE;
    }

    /** "Sample: 9 of 1,214 findings." */
    public String sampleCaption() {
        long all = Math.max(sample.size(), Text.sum(result.findingCounts()));
        return Text.num(sample.size()) + " of " + Text.num(all);
    }

    /** Visible events by operation in report order (c, u, d, r, then any other), as numbers (report.json). */
    public Map<Operation, Long> visibleEventsByOp() {
        return Text.orderedOps(result.visibleEventsByOp());
    }

    /** Events after the cut by operation in report order, as numbers (report.json). */
    public Map<Operation, Long> eventsAfterCutByOp() {
        return Text.orderedOps(result.eventsAfterCut());
    }

    /** The counts by kind in report order, as numbers (report.json). */
    public Map<FindingKind, Long> findingCounts() {
        Map<FindingKind, Long> m = new java.util.LinkedHashMap<>();
        for (FindingKind k : FindingKind.values()) {
            m.put(k, result.count(k));
        }
        return m;
    }
}
