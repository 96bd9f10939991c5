package dev.strangler.cli.parity;

import dev.strangler.parity.model.ColumnGapCount;
import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.report.ReportFiles;
import java.io.PrintWriter;

/** The terminal summary of a parity run: the verdict first, the numbers per table, where the reports are. */
final class ParitySummaryText {

    private ParitySummaryText() {
    }

    static void print(ParityReport report, ReportFiles files, PrintWriter out) {
        out.printf("parity verdict: %s (exit %d)%n", report.verdict().label(), report.verdict().exitCode());
        if (report.reason() != null) {
            out.println("  reason: " + report.reason());
        }
        if (report.acceptNotComparable()) {
            out.println("  not-comparable rows accepted (--accept-not-comparable): reported, not counted");
        }
        if (report.acceptHistoryGaps()) {
            out.println("  history gaps accepted (--accept-history-gaps): reported, no NO-GO of their own");
        }
        if (report.transactions() != null) {
            out.println("  transaction completeness: " + report.transactions().describe());
        }
        out.printf("  cut: snapshot %s, WAL %s, at %s%n", report.cut().snapshotText(), report.cut().walLsnText(),
                report.cut().takenAt());
        out.printf("%n%-28s %-12s %10s %10s %8s %8s %8s %8s %8s %8s%n", "table", "verdict", "rows", "live keys",
                "missing", "extra", "differs", "not cmp", "anomaly", "dups");
        for (TableResult t : report.tables()) {
            out.printf("%-28s %-12s %10s %10s %8d %8d %8d %8d %8d %8d%n", t.table(), t.verdict().label(),
                    t.rowsInTable() < 0 ? "-" : Long.toString(t.rowsInTable()),
                    t.liveKeysInStream() < 0 ? "-" : Long.toString(t.liveKeysInStream()),
                    t.count(FindingKind.MISSING_IN_STREAM), t.count(FindingKind.EXTRA_IN_STREAM),
                    t.count(FindingKind.CONTENT_DIFFERS), t.count(FindingKind.NOT_COMPARABLE),
                    t.count(FindingKind.STREAM_ANOMALY), t.duplicates());
            if (t.reason() != null && report.reason() == null) {
                out.println("    " + t.reason());
            }
            for (String line : t.reasoning()) {
                if (!line.equals(t.reason())) {
                    out.println("    " + line);
                }
            }
            for (ColumnGapCount gap : t.columnGaps()) {
                out.println("    " + gap.column() + ": " + gap.gap().label() + " in " + gap.rows() + " row(s): "
                        + gap.gap().advice());
            }
            if (t.compareMethod() != null
                    && t.compareMethod().kind() == dev.strangler.parity.model.CompareMethod.Kind.IN_DATABASE) {
                out.println("    rows compared " + t.compareMethod().describe());
            }
            t.historyGaps().forEach(g -> out.println("    history gap, " + g.describe()));
            t.incompleteTransactions().forEach(x -> out.println("    incomplete " + x.describe()));
            if (t.incompleteTransactionCount() > t.incompleteTransactions().size()) {
                out.println("    ... " + (t.incompleteTransactionCount() - t.incompleteTransactions().size())
                        + " more incomplete transaction(s) (report.json names the sample)");
            }
        }
        out.printf("%nreports: %s, %s, %s%n", files.html(), files.markdown(), files.json());
    }
}
