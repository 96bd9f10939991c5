package dev.strangler.parity.report;

import dev.strangler.parity.model.Finding;
import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.model.Verdict;

import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code report.html}: one self-contained page for someone who never saw the tool. No script, no external resource
 * (a Content-Security-Policy forbids both, should a value ever slip through): inline CSS, inline SVG charts. Every
 * string from the run goes through {@link Html#rich} (page body) or {@link Html#text} (attributes, titles, SVG).
 */
public final class HtmlReportWriter {

    /** Characters of a sample value shown in its cell; the rest is behind "whole value". */
    static final int SHOWN_VALUE = 160;
    /** Characters of a value the page holds at all (report.json has the rest). */
    static final int MAX_VALUE = 10_000;

    public String render(ParityReport r) {
        StringBuilder h = new StringBuilder(32_768);
        head(h, r);
        banner(h, r);
        h.append("<main>\n");
        cut(h, r);
        run(h, r);
        tables(h, r);
        charts(h, r);
        details(h, r);
        trend(h, r);
        h.append("</main>\n<footer><p>Written by the Strangler parity checker, report schema version ")
                .append(r.schemaVersion()).append(". The same run as data: <code>report.json</code>; for a ticket: "
                        + "<code>report.md</code>.</p></footer>\n</body>\n</html>\n");
        return h.toString();
    }

    private static void head(StringBuilder h, ParityReport r) {
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                        + "style-src 'unsafe-inline'; img-src data:\">\n")
                .append("<meta name=\"referrer\" content=\"no-referrer\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>Parity ").append(r.verdict().label()).append(" · run ").append(Html.text(r.runId()))
                .append("</title>\n<style>\n").append(Css.STYLE).append("</style>\n</head>\n<body>\n");
    }

    private static String cssClass(Verdict v) {
        return v.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String badge(Verdict v) {
        return "<span class=\"badge v-" + cssClass(v) + "\">" + v.label() + "</span>";
    }

    private static void banner(StringBuilder h, ParityReport r) {
        Verdict v = r.verdict();
        h.append("<header class=\"verdict v-").append(cssClass(v)).append("\">\n<div class=\"inner\">\n")
                .append("<p class=\"kicker\">Parity check verdict</p>\n")
                .append("<h1><span class=\"sr\">Verdict: </span>").append(v.label()).append("</h1>\n")
                .append("<p class=\"meaning\">").append(Html.esc(Text.meaning(v))).append("</p>\n");
        if (r.reason() != null && !r.reason().isBlank()) {
            h.append("<p class=\"reason\"><strong>Why UNVERIFIABLE:</strong> ").append(Html.rich(r.reason()))
                    .append("</p>\n");
        }
        h.append("<p class=\"stats\">").append(r.tables().isEmpty() ? "No table checked"
                        : Html.esc(Text.plural(r.tables().size(), "table", "tables")) + " checked: "
                        + Html.esc(Text.tablesByVerdict(r.tables()))).append(" · ")
                .append(Html.esc(Text.plural(Text.rowsInTables(r), "row", "rows"))).append(" in tables · ")
                .append(Html.esc(Text.plural(Text.findings(r), "finding", "findings")))
                .append(" counted against tolerances</p>\n")
                .append("<p class=\"exit\">Exit code <strong>").append(v.exitCode()).append("</strong> for CI "
                        + "(0 = GO, 1 = NO-GO, 2 = UNVERIFIABLE)</p>\n</div>\n</header>\n");
    }

    private static void cut(StringBuilder h, ParityReport r) {
        h.append("<section aria-labelledby=\"cut-h\">\n<h2 id=\"cut-h\">The cut this verdict speaks for</h2>\n");
        if (r.cut() == null) {
            h.append("<p>No cut was taken: the run stopped before it could read a consistent snapshot.</p>\n");
        } else {
            h.append("<dl class=\"facts\">\n");
            fact(h, "Snapshot (xmin:xmax:in-progress)",
                    "<code>" + Html.rich(Text.snapshot(r.cut())).replace(",", ",<wbr>") + "</code>");
            fact(h, "WAL position (LSN)", "<code>" + Html.rich(Text.lsn(r.cut())) + "</code>");
            fact(h, "Taken at", Html.esc(Text.time(r.cut().takenAt())));
            h.append("</dl>\n<p class=\"explain\">").append(Html.esc(Text.CUT_EXPLANATION)).append("</p>\n");
        }
        h.append("</section>\n");
    }

    private static void run(StringBuilder h, ParityReport r) {
        h.append("<section aria-labelledby=\"run-h\">\n<h2 id=\"run-h\">Run</h2>\n<dl class=\"facts\">\n");
        fact(h, "Run id", "<code>" + Html.rich(Text.orUnknown(r.runId())) + "</code>");
        fact(h, "Source database", Html.rich(Text.orUnknown(r.source())));
        fact(h, "Replication slot", Html.rich(Text.orUnknown(r.slot())));
        fact(h, "Topic prefix", Html.rich(Text.orUnknown(r.topicPrefix())));
        if (r.eventEncoding() != null) {
            fact(h, "Events read as", Html.rich(r.eventEncoding()));
        }
        fact(h, "Started", Html.esc(Text.time(r.startedAt())));
        fact(h, "Finished", Html.esc(Text.time(r.finishedAt()) + " (took "
                + Text.duration(r.startedAt(), r.finishedAt()) + ")"));
        h.append("</dl>\n</section>\n");
    }

    private static void fact(StringBuilder h, String name, String valueHtml) {
        h.append("<div><dt>").append(Html.esc(name)).append("</dt><dd>").append(valueHtml).append("</dd></div>\n");
    }

    // ---- the per-table table ---------------------------------------------------------------------------------------

    private static void tables(StringBuilder h, ParityReport r) {
        h.append("<section aria-labelledby=\"tables-h\">\n<h2 id=\"tables-h\">Tables</h2>\n");
        if (r.tables().isEmpty()) {
            h.append("<p class=\"empty\">No table was checked.</p>\n</section>\n");
            return;
        }
        h.append("<div class=\"scroll\"><table class=\"grid tables\">\n<caption>Each table against its topic at the cut. "
                + "Counts in <strong>bold</strong> are findings; a dash means the table could not be checked."
                + "</caption>\n<thead><tr>");
        h.append("<th scope=\"col\">Table</th><th scope=\"col\">Verdict</th>");
        for (String col : List.of("Tolerance", "Rows in table", "Live keys in stream", "Missing", "Extra", "Differs",
                "Not comparable", "Anomalies", "Duplicates", "Events visible c/u/d/r", "After cut")) {
            h.append("<th scope=\"col\" class=\"n\">").append(Html.esc(col)).append("</th>");
        }
        h.append("</tr></thead>\n<tbody>\n");
        for (int i = 0; i < r.tables().size(); i++) {
            TableResult t = r.tables().get(i);
            boolean known = t.rowsInTable() >= 0;
            h.append("<tr><th scope=\"row\">");
            String name = "<code>" + Html.shortText(t.table().toString(), 48) + "</code>";
            h.append(noteworthy(t) ? "<a href=\"#t-" + i + "\">" + name + "</a>" : name);
            if (t.topic() != null) {
                h.append("<div class=\"topic\">topic <code>").append(Html.shortText(t.topic(), 48))
                        .append("</code></div>");
            }
            h.append("</th><td>").append(badge(t.verdict())).append("</td>");
            num(h, Text.num(t.tolerance()), false);
            num(h, Text.count(t.rowsInTable()), false);
            num(h, Text.count(t.liveKeysInStream()), false);
            for (FindingKind k : FindingKind.values()) {
                long n = t.count(k);
                num(h, known ? Text.num(n) : Text.UNKNOWN, n > 0);
            }
            num(h, known ? Text.num(t.duplicates()) : Text.UNKNOWN, false);
            h.append("<td class=\"n ops\">").append(known ? Html.esc(Text.ops(t.visibleEventsByOp()))
                    .replace("/", "/<wbr>") : Text.UNKNOWN).append("</td>");
            num(h, known ? Text.num(Text.sum(t.eventsAfterCut())) : Text.UNKNOWN, false);
            h.append("</tr>\n");
        }
        h.append("</tbody>\n</table></div>\n");
        glossary(h);
        h.append("</section>\n");
    }

    private static void num(StringBuilder h, String text, boolean finding) {
        h.append("<td class=\"n").append(finding ? " hit" : "").append("\">")
                .append(finding ? "<strong>" + Html.esc(text) + "</strong>" : Html.esc(text)).append("</td>");
    }

    private static void glossary(StringBuilder h) {
        h.append("<details class=\"glossary\"><summary>What the columns mean</summary>\n<dl>\n");
        gloss(h, "Tolerance", "findings a table may have and still be GO (not-comparable rows never count).");
        gloss(h, "Rows in table", "rows of the legacy table in the snapshot.");
        gloss(h, "Live keys in stream", "keys whose last visible event in the topic is not a delete: the table "
                + "the stream describes.");
        for (FindingKind k : FindingKind.values()) {
            gloss(h, capital(k.label()), k.advice() + ".");
        }
        gloss(h, "Duplicates", "events seen twice (same key, op and LSN): expected after a crash with at-least-once "
                + "delivery; not a finding.");
        gloss(h, "Events visible c/u/d/r", "events of transactions visible at the cut, by operation: create, "
                + "update, delete, read (snapshot).");
        gloss(h, "After cut", "events of transactions that committed after the cut (written while the check ran); "
                + "not compared.");
        h.append("</dl></details>\n");
    }

    private static void gloss(StringBuilder h, String term, String text) {
        h.append("<dt>").append(Html.esc(term)).append("</dt><dd>").append(Html.esc(text)).append("</dd>\n");
    }

    private static String capital(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    // ---- charts ----------------------------------------------------------------------------------------------------

    private static void charts(StringBuilder h, ParityReport r) {
        if (r.tables().isEmpty()) {
            return;
        }
        h.append("<section aria-labelledby=\"rows-h\">\n<h2 id=\"rows-h\">Rows in table vs live keys in stream</h2>\n")
                .append("<p class=\"explain\">When the stream holds what the table holds, both bars of a table have "
                        + "the same length. A difference is shown in brackets after the stream's count.</p>\n")
                .append("<figure class=\"chart\">").append(SvgCharts.rowsVsKeys(r.tables())).append("</figure>\n")
                .append("</section>\n");
        h.append("<section aria-labelledby=\"kinds-h\">\n<h2 id=\"kinds-h\">Findings by class</h2>\n");
        String svg = SvgCharts.findingsByKind(r.tables());
        if (svg == null) {
            long unchecked = r.tables().stream().filter(t -> t.verdict() == Verdict.UNVERIFIABLE).count();
            h.append(unchecked == 0
                    ? "<p class=\"empty ok\"><strong>No findings.</strong> No table has a missing, extra, differing, "
                    + "not-comparable or anomalous row.</p>\n"
                    : "<p class=\"empty\"><strong>No findings in the tables that could be checked.</strong> "
                    + Html.esc(Text.plural(unchecked, "table was", "tables were")) + " not checked (UNVERIFIABLE): "
                    + "their findings are unknown.</p>\n");
        } else {
            h.append("<figure class=\"chart\">").append(svg).append("</figure>\n");
        }
        h.append("</section>\n");
    }

    private static void trend(StringBuilder h, ParityReport r) {
        h.append("<section aria-labelledby=\"trend-h\">\n<h2 id=\"trend-h\">Earlier runs</h2>\n");
        String svg = SvgCharts.trend(r);
        if (svg == null) {
            h.append("<p class=\"empty\"><strong>First run: no history yet.</strong> Later runs against the same "
                    + "history show how findings and rows change from run to run here.</p>\n</section>\n");
            return;
        }
        int runs = r.history().size() + 1;
        h.append("<p class=\"explain\">Each point is one run, oldest left, this run right: above, the findings it "
                + "counted (the shape and colour give its verdict); below, the rows in its tables.");
        if (runs > SvgCharts.MAX_TREND_RUNS) {
            h.append(" The chart shows the last ").append(SvgCharts.MAX_TREND_RUNS).append(" of ")
                    .append(Html.esc(Text.num(runs))).append(" runs; the table below lists them all.");
        }
        h.append("</p>\n<figure class=\"chart\">").append(svg).append("</figure>\n");
        h.append("<details><summary>The runs as a table</summary>\n<div class=\"scroll\"><table class=\"grid\">"
                + "<thead><tr><th scope=\"col\">Started</th><th scope=\"col\">Run</th><th scope=\"col\">Verdict</th>"
                + "<th scope=\"col\" class=\"n\">Tables</th><th scope=\"col\" class=\"n\">Rows in tables</th>"
                + "<th scope=\"col\" class=\"n\">Findings</th>"
                + "</tr></thead>\n<tbody>\n");
        for (ParityReport.HistoryPoint p : r.history()) {
            historyRow(h, Text.time(p.startedAt()), p.runId(), p.verdict(), p.tables(), p.rowsInTables(),
                    p.findings());
        }
        historyRow(h, Text.time(r.startedAt()) + " (this run)", r.runId(), r.verdict(), r.tables().size(),
                Text.rowsInTables(r), Text.findings(r));
        h.append("</tbody></table></div></details>\n</section>\n");
    }

    private static void historyRow(StringBuilder h, String started, String runId, Verdict v, long tables, long rows,
                                   long findings) {
        h.append("<tr><th scope=\"row\">").append(Html.esc(started)).append("</th><td><code>")
                .append(Html.shortText(runId, 40)).append("</code></td><td>").append(badge(v)).append("</td>");
        num(h, Text.num(tables), false);
        num(h, Text.num(rows), false);
        num(h, Text.num(findings), false);
        h.append("</tr>\n");
    }

    // ---- per-table findings --------------------------------------------------------------------------------------

    private static boolean noteworthy(TableResult t) {
        return t.verdict() != Verdict.GO || !t.sample().isEmpty() || t.duplicates() > 0 || !t.anomalies().isEmpty()
                || t.findingCounts().values().stream().anyMatch(n -> n > 0);
    }

    private static void details(StringBuilder h, ParityReport r) {
        if (r.tables().stream().noneMatch(HtmlReportWriter::noteworthy)) {
            return;
        }
        h.append("<section aria-labelledby=\"details-h\">\n<h2 id=\"details-h\">Findings, table by table</h2>\n");
        for (int i = 0; i < r.tables().size(); i++) {
            TableResult t = r.tables().get(i);
            if (noteworthy(t)) {
                table(h, t, i);
            }
        }
        h.append("</section>\n");
    }

    private static void table(StringBuilder h, TableResult t, int index) {
        h.append("<article class=\"table-detail\" id=\"t-").append(index).append("\" aria-labelledby=\"t-")
                .append(index).append("-h\">\n<h3 id=\"t-").append(index).append("-h\"><code>")
                .append(Html.rich(t.table().toString())).append("</code> ").append(badge(t.verdict())).append("</h3>\n");
        if (t.verdict() == Verdict.UNVERIFIABLE) {
            h.append("<p class=\"reason\"><strong>Why UNVERIFIABLE:</strong> ")
                    .append(Html.rich(Text.orUnknown(t.reason()))).append("</p>\n");
        }
        if (t.streamHistory() != null) {
            h.append("<p class=\"reason\"><strong>Stream history:</strong> ").append(Html.rich(t.streamHistory()))
                    .append("</p>\n");
        }
        if (t.findings() > 0) {
            h.append("<p>").append(Html.esc(Text.plural(t.findings(), "finding", "findings")))
                    .append(" against a tolerance of ").append(Html.esc(Text.num(t.tolerance()))).append(".</p>\n");
        }
        boolean any = false;
        for (FindingKind k : FindingKind.values()) {
            if (t.count(k) > 0) {
                if (!any) {
                    h.append("<ul class=\"advice\">\n");
                    any = true;
                }
                h.append("<li><span class=\"swatch\" style=\"background:").append(Palette.kind(k))
                        .append("\"></span><strong>").append(Html.esc(k.label())).append(": ")
                        .append(Html.esc(Text.num(t.count(k)))).append("</strong> — ").append(Html.esc(k.advice()))
                        .append(".</li>\n");
            }
        }
        if (t.duplicates() > 0) {
            if (!any) {
                h.append("<ul class=\"advice\">\n");
                any = true;
            }
            h.append("<li><span class=\"swatch\"></span><strong>duplicates: ")
                    .append(Html.esc(Text.num(t.duplicates()))).append("</strong> — events seen twice (same key, op "
                            + "and LSN): expected after a crash with at-least-once delivery, not a finding.</li>\n");
        }
        if (any) {
            h.append("</ul>\n");
        }
        if (!t.anomalies().isEmpty()) {
            h.append("<p>Stream anomalies:</p>\n<ul>\n");
            new TreeMap<>(t.anomalies()).forEach((what, n) -> h.append("<li>").append(Html.rich(what.description())).append(": ")
                    .append(Html.esc(Text.num(n))).append("</li>\n"));
            h.append("</ul>\n");
        }
        if (!t.columnGaps().isEmpty()) {
            h.append("<p>Columns the stream does not show in every row:</p>\n<ul>\n");
            for (var g : t.columnGaps()) {
                h.append("<li><code>").append(Html.rich(g.column())).append("</code> ")
                        .append(Html.esc(g.gap().label())).append(" in ").append(Html.esc(Text.plural(g.rows(), "row",
                                "rows"))).append(" — ").append(Html.esc(g.gap().advice())).append(".</li>\n");
            }
            h.append("</ul>\n");
        }
        if (!t.reasoning().isEmpty()) {
            h.append("<ul class=\"reasoning\">\n");
            t.reasoning().forEach(line -> h.append("<li>").append(Html.rich(line)).append("</li>\n"));
            h.append("</ul>\n");
        }
        sample(h, t);
        h.append("</article>\n");
    }

    private static void sample(StringBuilder h, TableResult t) {
        if (t.sample().isEmpty()) {
            return;
        }
        long all = Math.max(t.sample().size(), t.findingCounts().values().stream().mapToLong(Long::longValue).sum());
        h.append("<div class=\"scroll\"><table class=\"grid sample\">\n<caption>Sample: ")
                .append(Html.esc(Text.num(t.sample().size()))).append(" of ").append(Html.esc(Text.num(all)))
                .append(" findings. Where values differ, the part from the first difference on is "
                        + "<mark>highlighted</mark>. ").append(Html.esc(Text.INVISIBLE_LEGEND))
                .append("</caption>\n<thead><tr><th scope=\"col\">Finding</th><th scope=\"col\">Key</th>"
                        + "<th scope=\"col\">Column</th><th scope=\"col\">Table value</th>"
                        + "<th scope=\"col\">Stream value</th></tr></thead>\n<tbody>\n");
        for (Finding f : t.sample()) {
            Text.Difference d = Text.difference(f.tableValue(), f.streamValue());
            h.append("<tr><td><span class=\"swatch\" style=\"background:").append(Palette.kind(f.kind()))
                    .append("\"></span>").append(Html.esc(f.kind().label()));
            if (f.note() != null && !f.note().isBlank()) {
                h.append("<div class=\"note\">").append(Html.rich(f.note())).append("</div>");
            }
            h.append("</td><th scope=\"row\"><code>").append(Html.rich(Text.orUnknown(f.key())))
                    .append("</code></th><td>")
                    .append(f.column() == null ? "<em class=\"absent\">whole row</em>"
                            : "<code>" + Html.rich(f.column()) + "</code>")
                    .append("</td><td class=\"val\">")
                    .append(value(f.tableValue(), f.column(), d == null ? -1 : d.start(), d == null ? -1 : d.endA(),
                            "table"))
                    .append("</td><td class=\"val\">")
                    .append(value(f.streamValue(), f.column(), d == null ? -1 : d.start(), d == null ? -1 : d.endB(),
                            "stream"))
                    .append("</td></tr>\n");
        }
        h.append("</tbody></table></div>\n");
    }

    /**
     * A sample value: short ones whole, long ones as an excerpt around the difference with the whole value behind a
     * disclosure. The differing part ({@code from} to {@code to}, code points) is marked.
     */
    private static String value(String v, String column, int from, int to, String side) {
        if (v == null) {
            return "<em class=\"absent\">" + (column == null ? "no row in the " + side : "absent") + "</em>";
        }
        if (v.isEmpty()) {
            return "<em class=\"absent\">empty string</em>";
        }
        Text.Excerpt e = Text.excerpt(v, from, to, SHOWN_VALUE);
        StringBuilder out = new StringBuilder("<code>");
        if (e.before()) {
            out.append("…");
        }
        out.append(Html.rich(e.head()));
        if (!e.marked().isEmpty()) {
            out.append("<mark>").append(Html.rich(e.marked())).append("</mark>");
        } else if (from >= 0) {
            out.append("<mark class=\"gap\" title=\"the other side has text here\">‸</mark>");
        }
        out.append(Html.rich(e.tail()));
        if (e.after()) {
            out.append("…");
        }
        out.append("</code>");
        if (v.isBlank()) {
            out.append("<div class=\"note\">only whitespace (").append(Html.esc(Text.plural(Text.length(v),
                    "character", "characters"))).append(")</div>");
        }
        if (from >= 0 && (e.cut() || from > 20)) {
            out.append("<div class=\"note\">first difference at character ").append(Text.num(from + 1L))
                    .append("</div>");
        }
        if (e.cut()) {
            Text.Excerpt whole = Text.excerpt(v, MAX_VALUE);
            out.append("<details><summary>whole value (").append(Text.num(e.total())).append(" characters)")
                    .append("</summary><code class=\"whole\">").append(Html.rich(whole.shown()));
            if (whole.after()) {
                out.append("…</code><div class=\"note\">the first ").append(Text.num(MAX_VALUE))
                        .append(" characters; report.json has the rest</div>");
            } else {
                out.append("</code>");
            }
            out.append("</details>");
        }
        return out.toString();
    }
}
