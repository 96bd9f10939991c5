package dev.strangler.parity.report;

import dev.strangler.parity.model.Finding;
import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.model.Verdict;

import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code report.md}: the report for a ticket or pull request (GitHub-flavoured Markdown). The verdict comes first;
 * every value from the database is escaped so it renders as text, never as markup or HTML.
 */
public final class MarkdownReportWriter {

    /** Longest value (in characters) printed in a sample cell; longer ones are cut around their first difference. */
    static final int MAX_VALUE = 120;
    /** History rows printed (the most recent). */
    static final int MAX_HISTORY = 10;

    public String render(ParityReport r) {
        StringBuilder md = new StringBuilder();
        md.append("**Verdict: ").append(r.verdict().label()).append("** (exit ").append(r.verdict().exitCode())
                .append(")\n\n");
        md.append(Text.meaning(r.verdict())).append("\n\n");
        if (r.reason() != null && !r.reason().isBlank()) {
            md.append("> **Why UNVERIFIABLE:** ").append(esc(r.reason())).append("\n\n");
        }
        md.append("# Parity report ").append(code(r.runId())).append("\n\n");
        summary(md, r);
        cut(md, r);
        tables(md, r);
        details(md, r);
        history(md, r);
        md.append("---\n").append("Written by the Strangler parity checker (report schema version ")
                .append(r.schemaVersion()).append("). Machine-readable: `report.json`; with charts: `report.html`.\n");
        return md.toString();
    }

    private static void summary(StringBuilder md, ParityReport r) {
        md.append("| Run | |\n|---|---|\n");
        row(md, "Tables", Text.plural(r.tables().size(), "table", "tables") + ": " + Text.tablesByVerdict(r.tables()));
        row(md, "Findings", Text.num(Text.findings(r)) + " counted against tolerances, over "
                + Text.plural(Text.rowsInTables(r), "row", "rows"));
        row(md, "Source", esc(Text.orUnknown(r.source())));
        row(md, "Slot", esc(Text.orUnknown(r.slot())));
        row(md, "Topic prefix", esc(Text.orUnknown(r.topicPrefix())));
        if (r.eventEncoding() != null) {
            row(md, "Events read as", esc(r.eventEncoding()));
        }
        row(md, "Started", Text.time(r.startedAt()));
        row(md, "Finished", Text.time(r.finishedAt()) + " (" + Text.duration(r.startedAt(), r.finishedAt()) + ")");
        md.append('\n');
    }

    private static void cut(StringBuilder md, ParityReport r) {
        md.append("## Cut\n\n");
        if (r.cut() == null) {
            md.append("No cut was taken: the run stopped before it could read a consistent snapshot.\n\n");
            return;
        }
        md.append("| Snapshot (xmin:xmax:xip) | WAL LSN | Taken at |\n|---|---|---|\n");
        md.append("| `").append(Text.snapshot(r.cut())).append("` | `").append(Text.lsn(r.cut())).append("` | ")
                .append(Text.time(r.cut().takenAt())).append(" |\n\n");
        md.append(Text.CUT_EXPLANATION).append("\n\n");
    }

    private static void tables(StringBuilder md, ParityReport r) {
        md.append("## Tables\n\n");
        if (r.tables().isEmpty()) {
            md.append("No table was checked.\n\n");
            return;
        }
        md.append("| table | verdict | rows in table | live keys in stream | missing | extra | differs "
                + "| not comparable | anomalies | duplicates | events visible c/u/d/r | after cut |\n");
        md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        for (TableResult t : r.tables()) {
            boolean known = t.rowsInTable() >= 0;
            md.append("| ").append(code(t.table().toString()))
                    .append(" | ").append(verdict(t.verdict()))
                    .append(" | ").append(Text.count(t.rowsInTable()))
                    .append(" | ").append(Text.count(t.liveKeysInStream()))
                    .append(" | ").append(findingCell(t, FindingKind.MISSING_IN_STREAM, known))
                    .append(" | ").append(findingCell(t, FindingKind.EXTRA_IN_STREAM, known))
                    .append(" | ").append(findingCell(t, FindingKind.CONTENT_DIFFERS, known))
                    .append(" | ").append(findingCell(t, FindingKind.NOT_COMPARABLE, known))
                    .append(" | ").append(findingCell(t, FindingKind.STREAM_ANOMALY, known))
                    .append(" | ").append(known ? Text.num(t.duplicates()) : Text.UNKNOWN)
                    .append(" | ").append(known ? Text.ops(t.visibleEventsByOp()) : Text.UNKNOWN)
                    .append(" | ").append(known ? Text.num(Text.sum(t.eventsAfterCut())) : Text.UNKNOWN)
                    .append(" |\n");
        }
        md.append('\n');
    }

    private static String findingCell(TableResult t, FindingKind kind, boolean known) {
        if (!known) {
            return Text.UNKNOWN;
        }
        long n = t.count(kind);
        return n == 0 ? "0" : "**" + Text.num(n) + "**";
    }

    private static void details(StringBuilder md, ParityReport r) {
        List<TableResult> noteworthy = r.tables().stream().filter(MarkdownReportWriter::noteworthy).toList();
        if (noteworthy.isEmpty()) {
            return;
        }
        md.append("## Findings\n\n");
        for (TableResult t : noteworthy) {
            md.append("### ").append(code(t.table().toString())).append(" — ").append(verdict(t.verdict())).append("\n\n");
            if (t.verdict() == Verdict.UNVERIFIABLE) {
                md.append("> **Why UNVERIFIABLE:** ").append(esc(Text.orUnknown(t.reason()))).append("\n\n");
            }
            if (t.streamHistory() != null) {
                md.append("> **Stream history:** ").append(esc(t.streamHistory())).append("\n\n");
            }
            if (t.findings() > 0) {
                md.append(Text.plural(t.findings(), "finding", "findings")).append(" against a tolerance of ")
                        .append(Text.num(t.tolerance())).append(".\n\n");
            }
            for (FindingKind k : FindingKind.values()) {
                if (t.count(k) > 0) {
                    md.append("- **").append(k.label()).append(": ").append(Text.num(t.count(k))).append("** — ")
                            .append(k.advice()).append('\n');
                }
            }
            if (t.duplicates() > 0) {
                md.append("- **duplicates: ").append(Text.num(t.duplicates())).append("** — events seen twice (same "
                        + "key, op and LSN): expected after a crash with at-least-once delivery, not a finding\n");
            }
            md.append('\n');
            if (!t.anomalies().isEmpty()) {
                md.append("Stream anomalies:\n\n");
                new TreeMap<>(t.anomalies()).forEach((what, n) ->
                        md.append("- ").append(esc(what.description())).append(": ").append(Text.num(n)).append('\n'));
                md.append('\n');
            }
            if (!t.columnGaps().isEmpty()) {
                md.append("Columns the stream does not show in every row:\n\n");
                for (var g : t.columnGaps()) {
                    md.append("- ").append(code(g.column())).append(' ').append(g.gap().label()).append(" in ")
                            .append(Text.plural(g.rows(), "row", "rows")).append(" — ").append(g.gap().advice())
                            .append('\n');
                }
                md.append('\n');
            }
            if (!t.reasoning().isEmpty()) {
                t.reasoning().forEach(line -> md.append("- ").append(esc(line)).append('\n'));
                md.append('\n');
            }
            sample(md, t);
        }
    }

    private static boolean noteworthy(TableResult t) {
        return t.verdict() != Verdict.GO || !t.sample().isEmpty() || t.findingCounts().values().stream()
                .anyMatch(n -> n > 0) || t.duplicates() > 0 || !t.anomalies().isEmpty() || t.streamHistory() != null;
    }

    private static void sample(StringBuilder md, TableResult t) {
        if (t.sample().isEmpty()) {
            return;
        }
        long all = t.findingCounts().values().stream().mapToLong(Long::longValue).sum();
        md.append("Sample (").append(Text.num(t.sample().size())).append(" of ").append(Text.num(Math.max(all,
                t.sample().size()))).append("):\n\n");
        md.append("| kind | key | column | table value | stream value | note |\n|---|---|---|---|---|---|\n");
        boolean cut = false;
        for (Finding f : t.sample()) {
            Text.Difference d = Text.difference(f.tableValue(), f.streamValue());
            String tableValue = value(f.tableValue(), f.column(), d == null ? -1 : d.start());
            String streamValue = value(f.streamValue(), f.column(), d == null ? -1 : d.start());
            cut |= Text.length(f.tableValue()) > MAX_VALUE || Text.length(f.streamValue()) > MAX_VALUE;
            md.append("| ").append(f.kind().label())
                    .append(" | ").append(f.key() == null ? Text.UNKNOWN : code(f.key()))
                    .append(" | ").append(f.column() == null ? "(whole row)" : code(f.column()))
                    .append(" | ").append(tableValue)
                    .append(" | ").append(streamValue)
                    .append(" | ").append(f.note() == null ? "" : esc(f.note()))
                    .append(" |\n");
        }
        md.append('\n').append(Text.INVISIBLE_LEGEND);
        if (cut) {
            md.append(" Values longer than ").append(MAX_VALUE).append(" characters are cut (…) around their first "
                    + "difference; `report.json` has them whole.");
        }
        md.append("\n\n");
    }

    private static String value(String v, String column, int focus) {
        if (v == null) {
            return column == null ? "*(no row)*" : "*(absent)*";
        }
        if (v.isEmpty()) {
            return "*(empty)*";
        }
        if (v.isBlank() && Text.visible(v).equals(v)) {
            return "*(only whitespace: " + Text.plural(Text.length(v), "character", "characters") + ")*";
        }
        Text.Excerpt e = Text.excerpt(v, focus, focus, MAX_VALUE);
        String shown = (e.before() ? "…" : "") + code(e.shown()) + (e.after() ? "…" : "");
        return e.cut() ? shown + " (" + Text.num(e.total()) + " chars)" : shown;
    }

    private static void history(StringBuilder md, ParityReport r) {
        md.append("## Earlier runs\n\n");
        if (r.history().isEmpty()) {
            md.append("First run: no history yet.\n\n");
            return;
        }
        List<ParityReport.HistoryPoint> recent =
                r.history().subList(Math.max(0, r.history().size() - MAX_HISTORY), r.history().size());
        md.append("| started | run | verdict | tables | rows in tables | findings |\n|---|---|---|--:|--:|--:|\n");
        for (ParityReport.HistoryPoint h : recent) {
            md.append("| ").append(Text.time(h.startedAt())).append(" | ").append(code(h.runId())).append(" | ")
                    .append(verdict(h.verdict())).append(" | ").append(Text.num(h.tables())).append(" | ")
                    .append(Text.num(h.rowsInTables())).append(" | ").append(Text.num(h.findings())).append(" |\n");
        }
        md.append("| ").append(Text.time(r.startedAt())).append(" | ").append(code(r.runId()))
                .append(" (this run) | ").append(verdict(r.verdict())).append(" | ").append(Text.num(r.tables().size()))
                .append(" | ").append(Text.num(Text.rowsInTables(r))).append(" | ").append(Text.num(Text.findings(r)))
                .append(" |\n\n");
        if (recent.size() < r.history().size()) {
            md.append("(").append(Text.num(r.history().size() - recent.size()))
                    .append(" older runs in `report.json` and `report.html`.)\n\n");
        }
    }

    private static void row(StringBuilder md, String name, String value) {
        md.append("| ").append(name).append(" | ").append(value).append(" |\n");
    }

    private static String verdict(Verdict v) {
        return "**" + v.label() + "**";
    }

    // ---- escaping ------------------------------------------------------------------------------------------------

    /**
     * User text as Markdown that renders as the same text: inline markup characters backslash-escaped, HTML characters
     * as entities (so {@code <script>} is shown, not run or dropped), a leading character that would start a heading,
     * list or quote escaped, invisible characters made visible, and pipes escaped so a value cannot leave its cell.
     */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        String v = Text.visible(s);
        StringBuilder out = new StringBuilder(v.length() + 16);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '|' -> out.append("\\|");
                case '\\', '`', '*', '_', '[', ']', '~' -> out.append('\\').append(c);
                default -> {
                    if (i == 0 && "#+-=!".indexOf(c) >= 0) {
                        out.append('\\');
                    }
                    out.append(c);
                }
            }
        }
        return out.toString().replaceFirst("^(\\d+)([.)])", "$1\\\\$2");
    }

    /**
     * User text as a code span: shown verbatim in monospace, nothing in it read as markup or HTML. The fence is one
     * backtick longer than the longest run of backticks in the text; pipes are escaped because GitHub splits table
     * cells before it reads code spans (and shows {@code \|} in a span as a plain pipe).
     */
    static String code(String s) {
        if (s == null) {
            return Text.UNKNOWN;
        }
        String v = Text.visible(s).replace("|", "\\|");
        int longest = 0;
        int run = 0;
        for (int i = 0; i < v.length(); i++) {
            run = v.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(longest + 1);
        boolean pad = v.startsWith("`") || v.endsWith("`") || v.isBlank();
        return fence + (pad ? " " : "") + v + (pad ? " " : "") + fence;
    }
}
