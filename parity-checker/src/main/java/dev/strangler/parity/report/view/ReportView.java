package dev.strangler.parity.report.view;

import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.TransactionCheck;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.model.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One parity run as every report shows it: the view model that report.html, report.md and report.json are rendered
 * from, and the charts laid out from. It holds the run as it is ({@link #report()}, for the numbers) and everything
 * derived from it once: totals, the order kinds and operations are listed in, user data made visible, texts and
 * chart geometry. No escaping here: each format's template output does its own.
 */
public record ReportView(ParityReport report, VerdictView verdict, Summary summary, List<TableView> tables,
                         List<RunRow> runs, Charts charts) {

    /** Totals over the run's tables, computed once for every report. */
    public record Summary(int tables, Map<Verdict, Long> tablesByVerdict, long rowsInTables, long liveKeysInStreams,
                          long findings, Map<FindingKind, Long> findingCounts) {
    }

    /** The charts of the HTML page; a null chart is shown as an explicit empty state instead. */
    public record Charts(SvgChart rowsVsKeys, SvgChart findingsByKind, SvgChart trend) {
    }

    /** A fact about the run ("Replication slot": ...); {@code code} when it reads best in a monospace font. */
    public record Fact(String name, Shown value, boolean code) {
    }

    /** A term of the overview's glossary. */
    public record Term(String term, String meaning) {
    }

    /** How the reports explain the escapes in place of invisible characters. */
    public static final String INVISIBLE_LEGEND = Text.INVISIBLE_LEGEND;

    /** One line on what the cut means. */
    public static final String CUT_EXPLANATION = Text.CUT_EXPLANATION;

    public static ReportView of(ParityReport r) {
        List<TableView> tables = new ArrayList<>();
        for (int i = 0; i < r.tables().size(); i++) {
            tables.add(TableView.of(r.tables().get(i), i));
        }
        Map<Verdict, Long> byVerdict = new LinkedHashMap<>();
        for (Verdict v : Text.VERDICTS) {
            byVerdict.put(v, r.tables().stream().filter(t -> t.verdict() == v).count());
        }
        Map<FindingKind, Long> byKind = new LinkedHashMap<>();
        for (FindingKind k : FindingKind.values()) {
            byKind.put(k, r.tables().stream().mapToLong(t -> t.count(k)).sum());
        }
        long rows = r.tables().stream().mapToLong(TableResult::rowsInTable).filter(n -> n > 0).sum();
        long findings = r.tables().stream().mapToLong(TableResult::findings).sum();
        Summary summary = new Summary(r.tables().size(), byVerdict, rows,
                r.tables().stream().mapToLong(TableResult::liveKeysInStream).filter(n -> n > 0).sum(), findings,
                byKind);
        List<RunRow> runs = new ArrayList<>();
        for (ParityReport.HistoryPoint h : r.history()) {
            runs.add(new RunRow(h.runId(), h.startedAt(), new VerdictView(h.verdict()), h.tables(),
                    h.rowsInTables(), h.findings(), false));
        }
        runs.add(new RunRow(r.runId(), r.startedAt(), new VerdictView(r.verdict()), r.tables().size(), rows,
                findings, true));
        Charts charts = tables.isEmpty() ? new Charts(null, null, ChartLayout.trend(runs))
                : new Charts(ChartLayout.rowsVsKeys(tables), ChartLayout.findingsByKind(tables),
                ChartLayout.trend(runs));
        return new ReportView(r, new VerdictView(r.verdict()), summary, tables, runs, charts);
    }

    // ---- the run -------------------------------------------------------------------------------------------------

    /** Why the whole run is UNVERIFIABLE; null when it is not. */
    public Shown reason() {
        return report.reason() == null || report.reason().isBlank() ? null : Shown.of(report.reason());
    }

    public String runId() {
        return Text.orUnknown(report.runId());
    }

    public int schemaVersion() {
        return report.schemaVersion();
    }

    /** "3 tables checked: 2 GO, 1 NO-GO", or "No table checked". */
    public String tablesChecked() {
        return report.tables().isEmpty() ? "No table checked"
                : Text.plural(summary.tables(), "table", "tables") + " checked: " + Text.tablesByVerdict(report.tables());
    }

    /** "3 tables: 2 GO, 1 NO-GO". */
    public String tablesLine() {
        return Text.plural(summary.tables(), "table", "tables") + ": " + Text.tablesByVerdict(report.tables());
    }

    public String rowsInTables() {
        return Text.plural(summary.rowsInTables(), "row", "rows");
    }

    public String findings() {
        return Text.plural(summary.findings(), "finding", "findings");
    }

    public String findingsCount() {
        return Text.num(summary.findings());
    }

    public boolean acceptNotComparable() {
        return report.acceptNotComparable();
    }

    /** How not-comparable rows were treated, in words. */
    public String notComparableRule() {
        return report.acceptNotComparable()
                ? "accepted (--accept-not-comparable): reported, not counted against tolerances"
                : "counted against tolerances like any finding";
    }

    /**
     * What transaction completeness found, in words: how many transactions were checked and how many are incomplete
     * (named under their tables), or why it was not checked.
     */
    public String transactionCompleteness() {
        TransactionCheck t = report.transactions();
        if (t == null) {
            return "not checked: the run read no topic";
        }
        return t.describe() + (t.incomplete() > 0 ? " (named under their tables; each makes a table NO-GO)" : "");
    }

    /** The run's facts, in the order the reports list them. */
    public List<Fact> facts() {
        List<Fact> facts = new ArrayList<>();
        facts.add(new Fact("Run id", Shown.of(runId()), true));
        facts.add(new Fact("Source database", Shown.of(Text.orUnknown(report.source())), false));
        facts.add(new Fact("Replication slot", Shown.of(Text.orUnknown(report.slot())), false));
        facts.add(new Fact("Topic prefix", Shown.of(Text.orUnknown(report.topicPrefix())), false));
        if (report.eventEncoding() != null) {
            facts.add(new Fact("Events read as", Shown.of(report.eventEncoding()), false));
        }
        facts.add(new Fact("Not-comparable rows", Shown.of(notComparableRule()), false));
        facts.add(new Fact("History gaps", Shown.of(report.acceptHistoryGaps()
                ? "accepted (--accept-history-gaps): reported, no NO-GO of their own"
                : "a table with one is NO-GO"), false));
        facts.add(new Fact("Transaction completeness", Shown.of(transactionCompleteness()), false));
        if (report.repairOf() != null) {
            facts.add(new Fact("Repair", Shown.of(report.repairOf().describe()), false));
        }
        facts.add(new Fact("Started", Shown.of(Text.time(report.startedAt())), false));
        facts.add(new Fact("Finished", Shown.of(Text.time(report.finishedAt()) + " (took "
                + Text.duration(report.startedAt(), report.finishedAt()) + ")"), false));
        return facts;
    }

    // ---- the cut -------------------------------------------------------------------------------------------------

    public boolean hasCut() {
        return report.cut() != null;
    }

    /** The snapshot's text split after each comma, so a long list of transactions can wrap. */
    public List<String> snapshotParts() {
        String s = Text.snapshot(report.cut());
        List<String> parts = new ArrayList<>();
        int from = 0;
        for (int comma = s.indexOf(','); comma >= 0; comma = s.indexOf(',', from)) {
            parts.add(s.substring(from, comma + 1));
            from = comma + 1;
        }
        parts.add(s.substring(from));
        return parts;
    }

    public String snapshot() {
        return Text.snapshot(report.cut());
    }

    public String lsn() {
        return Text.lsn(report.cut());
    }

    public String cutTakenAt() {
        return Text.time(report.cut() == null ? null : report.cut().takenAt());
    }

    // ---- tables ----------------------------------------------------------------------------------------------------

    public List<TableView> noteworthy() {
        return tables.stream().filter(TableView::noteworthy).toList();
    }

    /** Kinds in the order every report lists them. */
    public List<KindView> kinds() {
        return java.util.Arrays.stream(FindingKind.values()).map(KindView::of).toList();
    }

    /** What the overview's columns mean. */
    public List<Term> glossary() {
        List<Term> terms = new ArrayList<>();
        terms.add(new Term("Tolerance", "findings a table may have and still be GO (not-comparable rows count too, "
                + "unless the run accepts them)."));
        terms.add(new Term("Rows in table", "rows of the legacy table in the snapshot."));
        terms.add(new Term("Live keys in stream", "keys whose last visible event in the topic is not a delete: the "
                + "table the stream describes."));
        for (FindingKind k : FindingKind.values()) {
            terms.add(new Term(KindView.of(k).title(), k.advice() + "."));
        }
        terms.add(new Term("Duplicates", "events seen twice (same key, op and LSN): expected after a crash with "
                + "at-least-once delivery; not a finding."));
        terms.add(new Term("Events visible c/u/d/r", "events of transactions visible at the cut, by operation: "
                + "create, update, delete, read (snapshot)."));
        terms.add(new Term("After cut", "events of transactions that committed after the cut (written while the "
                + "check ran); not compared."));
        return terms;
    }

    /** Tables the run could not compare at all (their findings are unknown). */
    public long notCompared() {
        return report.tables().stream().filter(t -> !t.compared()).count();
    }

    public String notComparedText() {
        return Text.plural(notCompared(), "table was", "tables were");
    }

    // ---- history ---------------------------------------------------------------------------------------------------

    public boolean hasHistory() {
        return runs.size() > 1;
    }

    /** The newest {@code max} earlier runs and this one, oldest first. */
    public List<RunRow> recentRuns(int max) {
        return runs.subList(Math.max(0, runs.size() - 1 - max), runs.size());
    }

    /** Earlier runs left out of {@link #recentRuns}. */
    public String olderRuns(int max) {
        return Text.num(Math.max(0, runs.size() - 1 - max));
    }

    public boolean moreRunsThan(int max) {
        return runs.size() - 1 > max;
    }

    /** "The chart shows the last 120 of 201 runs": null when it shows them all. */
    public String trendCut() {
        return runs.size() > ChartLayout.MAX_TREND_RUNS ? "The chart shows the last " + ChartLayout.MAX_TREND_RUNS
                + " of " + Text.num(runs.size()) + " runs; the table below lists them all." : null;
    }
}
