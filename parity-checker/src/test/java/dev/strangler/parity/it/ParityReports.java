package dev.strangler.parity.it;

import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.TableResult;

/** What the parity ITs read from a report: one table's result, and the whole report as an assertion's message. */
final class ParityReports {

    private ParityReports() {
    }

    static TableResult table(ParityReport report, String name) {
        return report.tables().stream().filter(t -> t.table().toString().equals(name)).findFirst().orElseThrow();
    }

    /** The verdict, then per table its verdict, counts, findings and the first few sampled findings. */
    static String describe(ParityReport report) {
        StringBuilder s = new StringBuilder(report.verdict() + " " + (report.reason() == null ? "" : report.reason()));
        for (TableResult t : report.tables()) {
            s.append("\n  ").append(t.table()).append(' ').append(t.verdict()).append(" rows=").append(t.rowsInTable())
                    .append(" live=").append(t.liveKeysInStream()).append(" visible=").append(t.visibleEventsByOp())
                    .append(" afterCut=").append(t.eventsAfterCut()).append(" findings=").append(t.findingCounts())
                    .append(" anomalies=").append(t.anomalies());
            t.sample().stream().limit(3).forEach(f -> s.append("\n    ").append(f));
        }
        return s.toString();
    }
}
