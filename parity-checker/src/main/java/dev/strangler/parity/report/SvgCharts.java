package dev.strangler.parity.report;

import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.model.Verdict;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The HTML report's charts as inline SVG (no script, no external resource). Each chart is an {@code <svg role="img">}
 * labelled by its {@code <title>} and {@code <desc>} (the desc says in words what the chart shows), every mark has a
 * tooltip with its numbers, and labels never rely on colour alone. Text widths are estimated, so labels are cut with
 * an ellipsis well before they could overlap.
 */
final class SvgCharts {

    static final int WIDTH = 960;
    private static final int FONT = 13;
    /** Average advance of a character of the system sans-serif at {@link #FONT}, rounded up. */
    private static final double CHAR_W = 7.6;
    private static final int LABEL_W = 240;
    private static final int VALUE_W = 170;
    /** Runs the trend chart shows at most (the newest); the table under it lists them all. */
    static final int MAX_TREND_RUNS = 120;

    private SvgCharts() {
    }

    // ---- rows in table vs live keys in stream ---------------------------------------------------------------------

    static String rowsVsKeys(List<TableResult> tables) {
        int barH = 14;
        int groupH = 2 * barH + 3 + 17;
        int top = 62;
        int plotW = WIDTH - LABEL_W - VALUE_W;
        int height = top + tables.size() * groupH + 6;
        Scale scale = scale(tables.stream().mapToLong(t -> Math.max(t.rowsInTable(), t.liveKeysInStream())).max()
                .orElse(0), 5);
        long scaleMax = scale.max();

        Svg s = new Svg(height, "chart-rows", "Rows in table vs live keys in stream, per table",
                rowsDesc(tables));
        legendItem(s, 0, 18, ROWS_SWATCH, "rows in table (database, at the cut)");
        legendItem(s, 330, 18, KEYS_SWATCH, "live keys in stream (Kafka topic, at the cut)");
        axis(s, LABEL_W, plotW, top, height - 6, scale);
        int y = top;
        for (TableResult t : tables) {
            int mid = y + barH + 1;
            s.add("<text x=\"" + (LABEL_W - 10) + "\" y=\"" + (mid + 4) + "\" text-anchor=\"end\">"
                    + "<title>" + Html.text(t.table().toString()) + "</title>" + fit(t.table().toString(), LABEL_W - 16) + "</text>");
            if (t.rowsInTable() < 0) {
                s.add("<text x=\"" + (LABEL_W + 6) + "\" y=\"" + (mid + 4) + "\" class=\"muted\">not checked ("
                        + t.verdict().label() + ")</text>");
            } else {
                bar(s, y, barH, plotW, scaleMax, t.rowsInTable(), Palette.ROWS_IN_TABLE,
                        Text.num(t.rowsInTable()), Html.text(t.table().toString()) + ": " + Text.num(t.rowsInTable())
                                + " rows in table");
                long diff = t.liveKeysInStream() - t.rowsInTable();
                String label = Text.num(t.liveKeysInStream()) + (diff == 0 ? "" : " (" + signed(diff) + ")");
                bar(s, y + barH + 3, barH, plotW, scaleMax, t.liveKeysInStream(), Palette.LIVE_KEYS, label,
                        Html.text(t.table().toString()) + ": " + Text.num(t.liveKeysInStream()) + " live keys in stream");
            }
            y += groupH;
        }
        return s.close();
    }

    private static final String ROWS_SWATCH = "<rect width=\"14\" height=\"14\" fill=\"" + Palette.ROWS_IN_TABLE
            + "\"/>";
    private static final String KEYS_SWATCH = "<rect width=\"14\" height=\"14\" fill=\"" + Palette.LIVE_KEYS + "\"/>";

    private static String rowsDesc(List<TableResult> tables) {
        List<String> parts = new ArrayList<>();
        for (TableResult t : tables) {
            parts.add(t.rowsInTable() < 0 ? Text.visible(t.table().toString()) + ": not checked"
                    : Text.visible(t.table().toString()) + ": " + Text.num(t.rowsInTable()) + " rows in table, "
                    + Text.num(t.liveKeysInStream()) + " live keys in stream");
        }
        return "Grouped horizontal bars, two per table. " + String.join("; ", parts) + ".";
    }

    private static void bar(Svg s, int y, int h, int plotW, long scaleMax, long value, String fill, String label,
                            String tooltip) {
        double w = scaleMax == 0 ? 0 : value * (double) plotW / scaleMax;
        if (value > 0) {
            w = Math.max(w, 2);
        }
        s.add("<rect x=\"" + LABEL_W + "\" y=\"" + y + "\" width=\"" + fmt(w) + "\" height=\"" + h + "\" fill=\""
                + fill + "\"><title>" + tooltip + "</title></rect>");
        s.add("<text x=\"" + fmt(LABEL_W + w + 6) + "\" y=\"" + (y + h - 3) + "\">" + Html.esc(label) + "</text>");
    }

    private static String signed(long n) {
        return (n > 0 ? "+" : "−") + Text.num(Math.abs(n));
    }

    // ---- findings by class ----------------------------------------------------------------------------------------

    /** Stacked bars of findings by kind per table; null when no table has any finding (the caller says so). */
    static String findingsByKind(List<TableResult> tables) {
        if (tables.stream().allMatch(t -> total(t) == 0)) {
            return null;
        }
        int barH = 22;
        int rowH = barH + 14;
        int plotW = WIDTH - LABEL_W - VALUE_W;
        // lay the legend out first: it wraps when the labels do not fit one line
        List<LegendSlot> legend = new ArrayList<>();
        int x = 0;
        int ly = 18;
        for (FindingKind k : FindingKind.values()) {
            String label = k.label() + (k == FindingKind.NOT_COMPARABLE ? " (does not fail a table)" : "");
            int w = 20 + textWidth(label) + 16;
            if (x > 0 && x + w > WIDTH) {
                x = 0;
                ly += 22;
            }
            legend.add(new LegendSlot(x, ly, k, label));
            x += w;
        }
        int top = ly + 44;
        int height = top + tables.size() * rowH + 4;
        Scale scale = scale(tables.stream().mapToLong(SvgCharts::total).max().orElse(0), 5);
        long scaleMax = scale.max();

        Svg s = new Svg(height, "chart-findings", "Findings by class, per table", findingsDesc(tables));
        for (LegendSlot l : legend) {
            legendItem(s, l.x(), l.y(), "<rect width=\"14\" height=\"14\" fill=\"" + Palette.kind(l.kind()) + "\"/>",
                    l.label());
        }
        axis(s, LABEL_W, plotW, top, height - 4, scale);
        int y = top;
        for (TableResult t : tables) {
            int mid = y + barH / 2;
            s.add("<text x=\"" + (LABEL_W - 10) + "\" y=\"" + (mid + 5) + "\" text-anchor=\"end\">"
                    + "<title>" + Html.text(t.table().toString()) + "</title>" + fit(t.table().toString(), LABEL_W - 16) + "</text>");
            long all = total(t);
            if (t.rowsInTable() < 0 && all == 0) {
                s.add("<text x=\"" + (LABEL_W + 6) + "\" y=\"" + (mid + 5) + "\" class=\"muted\">not checked ("
                        + t.verdict().label() + ")</text>");
            } else if (all == 0) {
                s.add("<text x=\"" + (LABEL_W + 6) + "\" y=\"" + (mid + 5) + "\" class=\"ok\">no findings</text>");
            } else {
                double at = LABEL_W;
                for (FindingKind k : FindingKind.values()) {
                    long n = t.count(k);
                    if (n == 0) {
                        continue;
                    }
                    double w = Math.max(3, n * (double) plotW / scaleMax);
                    String fill = Palette.kind(k);
                    s.add("<rect x=\"" + fmt(at) + "\" y=\"" + y + "\" width=\"" + fmt(w) + "\" height=\"" + barH
                            + "\" fill=\"" + fill + "\" stroke=\"#ffffff\" stroke-width=\"1\"><title>"
                            + Html.text(t.table().toString()) + ": " + Text.num(n) + " " + k.label() + "</title></rect>");
                    String num = Text.num(n);
                    if (w >= textWidth(num) + 8) {
                        s.add("<text x=\"" + fmt(at + w / 2) + "\" y=\"" + (mid + 5) + "\" text-anchor=\"middle\" "
                                + "fill=\"" + Palette.textOn(fill) + "\">" + num + "</text>");
                    }
                    at += w;
                }
                long nc = t.count(FindingKind.NOT_COMPARABLE);
                String label = nc == all ? Text.num(nc) + " not comparable"
                        : Text.plural(t.findings(), "finding", "findings") + (nc > 0 ? " + " + Text.num(nc)
                        + " not comparable" : "");
                s.add("<text x=\"" + fmt(at + 6) + "\" y=\"" + (mid + 5) + "\">" + label + "</text>");
            }
            y += rowH;
        }
        return s.close();
    }

    private record LegendSlot(int x, int y, FindingKind kind, String label) {
    }

    private static long total(TableResult t) {
        return t.findingCounts().values().stream().mapToLong(Long::longValue).sum();
    }

    private static String findingsDesc(List<TableResult> tables) {
        List<String> parts = new ArrayList<>();
        for (TableResult t : tables) {
            List<String> kinds = new ArrayList<>();
            for (FindingKind k : FindingKind.values()) {
                if (t.count(k) > 0) {
                    kinds.add(Text.num(t.count(k)) + " " + k.label());
                }
            }
            parts.add(Text.visible(t.table().toString()) + ": " + (kinds.isEmpty() ? "no findings" : String.join(", ", kinds)));
        }
        return "Stacked horizontal bars, one per table, one segment per class of finding. " + String.join("; ", parts)
                + ".";
    }

    // ---- trend of earlier runs ------------------------------------------------------------------------------------

    private record Point(String runId, Instant startedAt, Verdict verdict, long rows, long findings, boolean current) {
    }

    /** Findings and rows in tables over the earlier runs and this one; null when there is no earlier run. */
    static String trend(ParityReport r) {
        if (r.history().isEmpty()) {
            return null;
        }
        List<Point> points = new ArrayList<>();
        List<ParityReport.HistoryPoint> history = r.history();
        history.subList(Math.max(0, history.size() - (MAX_TREND_RUNS - 1)), history.size()).forEach(h -> points.add(
                new Point(h.runId(), h.startedAt(), h.verdict(), h.rowsInTables(), h.findings(), false)));
        points.add(new Point(r.runId(), r.startedAt(), r.verdict(), Text.rowsInTables(r), Text.findings(r), true));

        int left = 96;
        int right = 60;
        int plotW = WIDTH - left - right;
        int top1 = 84;
        int h1 = 170;
        int top2 = top1 + h1 + 64;
        int h2 = 110;
        int axisY = top2 + h2;
        int height = axisY + 44;

        String title = "Findings and rows in tables over the last " + points.size() + " runs"
                + (points.size() < history.size() + 1 ? " (of " + Text.num(history.size() + 1L) + ")" : "");
        Svg s = new Svg(height, "chart-trend", title, trendDesc(points));
        int x = 0;
        for (Verdict v : Text.VERDICTS) {
            s.add("<g transform=\"translate(" + (x + 7) + ",25)\">" + marker(v, 0, 0, 5) + "</g>");
            s.add("<text x=\"" + (x + 20) + "\" y=\"30\">" + v.label() + " run</text>");
            x += 20 + textWidth(v.label() + " run") + 28;
        }
        s.add("<circle cx=\"" + (x + 7) + "\" cy=\"25\" r=\"8\" fill=\"none\" stroke=\"" + Palette.TEXT
                + "\" stroke-width=\"2\"/>");
        s.add("<text x=\"" + (x + 22) + "\" y=\"30\">this run (newest, right)</text>");

        Scale scaleF = scale(points.stream().mapToLong(Point::findings).max().orElse(0), 4);
        Scale scaleR = scale(points.stream().mapToLong(Point::rows).max().orElse(0), 2);
        long maxF = scaleF.max();
        long maxR = scaleR.max();
        s.add("<text x=\"0\" y=\"" + (top1 - 22) + "\" class=\"panel\">Findings counted against tolerance</text>");
        s.add("<text x=\"0\" y=\"" + (top2 - 22) + "\" class=\"panel\">Rows in tables</text>");
        yAxis(s, left, plotW, top1, h1, scaleF);
        yAxis(s, left, plotW, top2, h2, scaleR);

        int n = points.size();
        double step = n == 1 ? 0 : plotW / (double) (n - 1);
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = n == 1 ? left + plotW / 2.0 : left + i * step;
        }
        StringBuilder lineF = new StringBuilder();
        StringBuilder lineR = new StringBuilder();
        for (int i = 0; i < n; i++) {
            Point p = points.get(i);
            lineF.append(fmt(xs[i])).append(',').append(fmt(yOf(p.findings(), maxF, top1, h1))).append(' ');
            lineR.append(fmt(xs[i])).append(',').append(fmt(yOf(p.rows(), maxR, top2, h2))).append(' ');
        }
        s.add("<polyline points=\"" + lineF.toString().trim() + "\" fill=\"none\" stroke=\"" + Palette.TREND_LINE
                + "\" stroke-width=\"1.5\"/>");
        s.add("<polyline points=\"" + lineR.toString().trim() + "\" fill=\"none\" stroke=\"" + Palette.ROWS_IN_TABLE
                + "\" stroke-width=\"2\"/>");
        double r0 = n > 60 ? 3 : 5;
        for (int i = 0; i < n; i++) {
            Point p = points.get(i);
            double yf = yOf(p.findings(), maxF, top1, h1);
            double yr = yOf(p.rows(), maxR, top2, h2);
            String tip = (p.current() ? "this run " : "run ") + Html.text(p.runId()) + ", " + Text.time(p.startedAt())
                    + ": " + p.verdict().label() + ", " + Text.plural(p.findings(), "finding", "findings") + ", "
                    + Text.plural(p.rows(), "row", "rows") + " in tables";
            s.add("<g><title>" + tip + "</title>" + marker(p.verdict(), xs[i], yf, r0)
                    + "<circle cx=\"" + fmt(xs[i]) + "\" cy=\"" + fmt(yr) + "\" r=\"" + fmt(r0 - 1.5) + "\" fill=\""
                    + Palette.ROWS_IN_TABLE + "\"/></g>");
            if (p.current()) {
                s.add("<circle cx=\"" + fmt(xs[i]) + "\" cy=\"" + fmt(yf) + "\" r=\"" + fmt(r0 + 4)
                        + "\" fill=\"none\" stroke=\"" + Palette.TEXT + "\" stroke-width=\"2\"/>");
            }
        }
        // values of this run, next to its points
        Point last = points.get(n - 1);
        s.add("<text x=\"" + fmt(xs[n - 1] + 12) + "\" y=\"" + fmt(yOf(last.findings(), maxF, top1, h1) - 10)
                + "\" text-anchor=\"end\" class=\"strong\">" + Text.num(last.findings()) + "</text>");
        s.add("<text x=\"" + fmt(xs[n - 1] + 12) + "\" y=\"" + fmt(yOf(last.rows(), maxR, top2, h2) - 10)
                + "\" text-anchor=\"end\" class=\"strong\">" + Text.num(last.rows()) + "</text>");

        // x axis: a few run times, never overlapping, the newest always labelled
        s.add("<line x1=\"" + left + "\" y1=\"" + axisY + "\" x2=\"" + (left + plotW) + "\" y2=\"" + axisY
                + "\" stroke=\"" + Palette.MUTED + "\"/>");
        // greedy from the left, keeping clear of the newest run's label at the right end
        String lastLabel = "this run";
        double lastStart = n == 1 ? xs[0] - textWidth(lastLabel) / 2.0 : xs[n - 1] + 4 - textWidth(lastLabel);
        double free = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            boolean lastOne = i == n - 1;
            String label = lastOne ? lastLabel : Text.shortTime(points.get(i).startedAt());
            String anchor = n == 1 ? "middle" : i == 0 ? "start" : lastOne ? "end" : "middle";
            int w = textWidth(label);
            double from = anchor.equals("start") ? xs[i] - 4 : anchor.equals("end") ? xs[i] + 4 - w : xs[i] - w / 2.0;
            if (!lastOne && (from < free + 16 || from + w > lastStart - 16)) {
                continue;
            }
            free = from + w;
            s.add("<line x1=\"" + fmt(xs[i]) + "\" y1=\"" + axisY + "\" x2=\"" + fmt(xs[i]) + "\" y2=\"" + (axisY + 5)
                    + "\" stroke=\"" + Palette.MUTED + "\"/>");
            s.add("<text x=\"" + fmt(xs[i] + (anchor.equals("start") ? -4 : anchor.equals("end") ? 4 : 0)) + "\" y=\""
                    + (axisY + 20) + "\" text-anchor=\"" + anchor + "\" class=\"muted\">" + Html.esc(label)
                    + "</text>");
        }
        s.add("<text x=\"" + (left + plotW / 2) + "\" y=\"" + (axisY + 38) + "\" text-anchor=\"middle\" "
                + "class=\"muted\">runs, oldest to newest (UTC)</text>");
        return s.close();
    }

    private static double yOf(long v, long max, int top, int h) {
        return top + h - (max == 0 ? 0 : v * (double) h / max);
    }

    private static void yAxis(Svg s, int left, int plotW, int top, int h, Scale scale) {
        for (int i = 0; i <= scale.ticks(); i++) {
            long v = scale.at(i);
            double y = yOf(v, scale.max(), top, h);
            s.add("<line x1=\"" + left + "\" y1=\"" + fmt(y) + "\" x2=\"" + (left + plotW) + "\" y2=\"" + fmt(y)
                    + "\" stroke=\"" + Palette.GRID + "\"/>");
            s.add("<text x=\"" + (left - 8) + "\" y=\"" + fmt(y + 4) + "\" text-anchor=\"end\" class=\"muted\">"
                    + Text.num(v) + "</text>");
        }
    }

    /** GO a circle, NO-GO a square, UNVERIFIABLE a triangle: shape and colour both say the verdict. */
    private static String marker(Verdict v, double x, double y, double r) {
        String fill = Palette.verdictMark(v);
        return switch (v) {
            case GO -> "<circle cx=\"" + fmt(x) + "\" cy=\"" + fmt(y) + "\" r=\"" + fmt(r) + "\" fill=\"" + fill
                    + "\"/>";
            case NO_GO -> "<rect x=\"" + fmt(x - r) + "\" y=\"" + fmt(y - r) + "\" width=\"" + fmt(2 * r)
                    + "\" height=\"" + fmt(2 * r) + "\" fill=\"" + fill + "\"/>";
            case UNVERIFIABLE -> "<polygon points=\"" + fmt(x) + "," + fmt(y - r * 1.2) + " " + fmt(x + r * 1.1) + ","
                    + fmt(y + r * 0.9) + " " + fmt(x - r * 1.1) + "," + fmt(y + r * 0.9) + "\" fill=\"" + fill
                    + "\"/>";
        };
    }

    private static String trendDesc(List<Point> points) {
        Point first = points.get(0);
        Point last = points.get(points.size() - 1);
        long go = points.stream().filter(p -> p.verdict() == Verdict.GO).count();
        long noGo = points.stream().filter(p -> p.verdict() == Verdict.NO_GO).count();
        long unv = points.size() - go - noGo;
        return points.size() + " runs from " + Text.time(first.startedAt()) + " to " + Text.time(last.startedAt())
                + ": " + go + " GO, " + noGo + " NO-GO, " + unv + " UNVERIFIABLE. Findings went from "
                + Text.num(first.findings()) + " to " + Text.num(last.findings()) + "; rows in tables from "
                + Text.num(first.rows()) + " to " + Text.num(last.rows()) + ". This run: " + last.verdict().label()
                + ".";
    }

    // ---- shared pieces ------------------------------------------------------------------------------------------

    private static void legendItem(Svg s, int x, int y, String swatch, String label) {
        s.add("<g transform=\"translate(" + x + "," + (y - 11) + ")\">" + swatch + "</g>");
        s.add("<text x=\"" + (x + 20) + "\" y=\"" + y + "\">" + Html.esc(label) + "</text>");
    }

    /** Vertical grid lines with their values above the plot. */
    private static void axis(Svg s, int x0, int plotW, int top, int bottom, Scale scale) {
        for (int i = 0; i <= scale.ticks(); i++) {
            long v = scale.at(i);
            double x = x0 + v * (double) plotW / scale.max();
            s.add("<line x1=\"" + fmt(x) + "\" y1=\"" + (top - 6) + "\" x2=\"" + fmt(x) + "\" y2=\"" + bottom
                    + "\" stroke=\"" + Palette.GRID + "\"/>");
            s.add("<text x=\"" + fmt(x) + "\" y=\"" + (top - 12) + "\" text-anchor=\"middle\" class=\"muted\">"
                    + Text.num(v) + "</text>");
        }
    }

    /** An axis from 0 to {@code max} in {@code ticks} steps of {@code step}, a round number. */
    record Scale(long max, long step, int ticks) {
        long at(int i) {
            return step * i;
        }
    }

    /** The tightest axis with at most {@code maxTicks} steps of 1, 2, 2.5 or 5 times a power of ten. */
    static Scale scale(long value, int maxTicks) {
        if (value <= 0) {
            return new Scale(maxTicks, 1, maxTicks);
        }
        for (long p = 1; ; p *= 10) {
            for (long step : new long[] {p, 2 * p, p * 5 / 2, 5 * p}) {
                if (step == 0) {
                    continue;
                }
                long ticks = (value + step - 1) / step;
                if (ticks <= maxTicks) {
                    return new Scale(ticks * step, step, (int) ticks);
                }
            }
        }
    }

    static int textWidth(String s) {
        return (int) Math.ceil(Text.length(s) * CHAR_W);
    }

    /** User text escaped and cut with an ellipsis to fit {@code width} pixels. */
    private static String fit(String s, int width) {
        String v = Text.visible(s == null ? "" : s);
        int max = Math.max(4, (int) (width / CHAR_W));
        if (Text.length(v) <= max) {
            return Html.esc(v);
        }
        return Html.esc(Text.excerpt(v, max - 1).shown()) + "…";
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** An inline SVG document being written. */
    private static final class Svg {
        private final StringBuilder out = new StringBuilder();

        Svg(int height, String id, String title, String desc) {
            out.append("<svg class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                    .append("\" width=\"").append(WIDTH).append("\" height=\"").append(height)
                    .append("\" role=\"img\" aria-labelledby=\"").append(id).append("-title ").append(id)
                    .append("-desc\" font-size=\"").append(FONT).append("\">\n<title id=\"").append(id)
                    .append("-title\">").append(Html.esc(title)).append("</title>\n<desc id=\"").append(id)
                    .append("-desc\">").append(Html.esc(desc)).append("</desc>\n");
        }

        void add(String element) {
            out.append(element).append('\n');
        }

        String close() {
            return out.append("</svg>\n").toString();
        }
    }
}
