package dev.strangler.parity.report.view;

import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.model.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lays out the HTML report's charts from the view model: where each bar, label and point goes, as {@link Mark}s the
 * {@code svg} template draws. Every mark has a tooltip with its numbers, labels never rely on colour alone, and each
 * chart's description says in words what it shows. Text widths are estimated, so labels are cut with an ellipsis well
 * before they could overlap.
 */
final class ChartLayout {

    static final int WIDTH = 960;
    /** Average advance of a character of the system sans-serif at 13px, rounded up. */
    private static final double CHAR_W = 7.6;
    private static final int LABEL_W = 240;
    private static final int VALUE_W = 170;
    /** Runs the trend chart shows at most (the newest); the table under it lists them all. */
    static final int MAX_TREND_RUNS = 120;

    private ChartLayout() {
    }

    // ---- rows in table vs live keys in stream ---------------------------------------------------------------------

    static SvgChart rowsVsKeys(List<TableView> tables) {
        int barH = 14;
        int groupH = 2 * barH + 3 + 17;
        int top = 62;
        int plotW = WIDTH - LABEL_W - VALUE_W;
        int height = top + tables.size() * groupH + 6;
        Scale scale = scale(tables.stream().mapToLong(t -> Math.max(t.result().rowsInTable(),
                t.result().liveKeysInStream())).max().orElse(0), 5);
        List<Mark> m = new ArrayList<>();
        legendItem(m, 0, 18, Palette.ROWS_IN_TABLE, "rows in table (database, at the cut)");
        legendItem(m, 330, 18, Palette.LIVE_KEYS, "live keys in stream (Kafka topic, at the cut)");
        axis(m, LABEL_W, plotW, top, height - 6, scale);
        int y = top;
        for (TableView view : tables) {
            TableResult t = view.result();
            String name = Text.visible(t.table().toString());
            int mid = y + barH + 1;
            m.add(new Mark.Label(num(LABEL_W - 10), num(mid + 4), "end", null, null, fit(name, LABEL_W - 16), name));
            if (!t.compared()) {
                m.add(new Mark.Label(num(LABEL_W + 6), num(mid + 4), null, "muted", null, "not checked ("
                        + t.verdict().label() + ")", null));
            } else {
                bar(m, y, barH, plotW, scale.max(), t.rowsInTable(), Palette.ROWS_IN_TABLE,
                        Text.num(t.rowsInTable()), name + ": " + Text.num(t.rowsInTable()) + " rows in table");
                long diff = t.liveKeysInStream() - t.rowsInTable();
                bar(m, y + barH + 3, barH, plotW, scale.max(), t.liveKeysInStream(), Palette.LIVE_KEYS,
                        Text.num(t.liveKeysInStream()) + (diff == 0 ? "" : " (" + signed(diff) + ")"),
                        name + ": " + Text.num(t.liveKeysInStream()) + " live keys in stream");
            }
            y += groupH;
        }
        List<String> parts = new ArrayList<>();
        for (TableView view : tables) {
            TableResult t = view.result();
            String name = Text.visible(t.table().toString());
            parts.add(!t.compared() ? name + ": not checked" : name + ": " + Text.num(t.rowsInTable())
                    + " rows in table, " + Text.num(t.liveKeysInStream()) + " live keys in stream");
        }
        return new SvgChart("chart-rows", WIDTH, height, "Rows in table vs live keys in stream, per table",
                "Grouped horizontal bars, two per table. " + String.join("; ", parts) + ".", m);
    }

    private static void bar(List<Mark> m, int y, int h, int plotW, long scaleMax, long value, String fill,
                            String label, String tooltip) {
        double w = scaleMax == 0 ? 0 : value * (double) plotW / scaleMax;
        if (value > 0) {
            w = Math.max(w, 2);
        }
        m.add(new Mark.Rect(num(LABEL_W), num(y), fmt(w), num(h), fill, null, null, tooltip));
        m.add(new Mark.Label(fmt(LABEL_W + w + 6), num(y + h - 3), null, null, null, label, null));
    }

    private static String signed(long n) {
        return (n > 0 ? "+" : "−") + Text.num(Math.abs(n));
    }

    // ---- findings by class ----------------------------------------------------------------------------------------

    /** Stacked bars of findings by kind per table; null when no table has any finding (the page says so). */
    static SvgChart findingsByKind(List<TableView> tables) {
        if (tables.stream().allMatch(t -> total(t.result()) == 0)) {
            return null;
        }
        int barH = 22;
        int rowH = barH + 14;
        int plotW = WIDTH - LABEL_W - VALUE_W;
        List<Mark> m = new ArrayList<>();
        // the legend first: it wraps when the labels do not fit one line
        int x = 0;
        int ly = 18;
        for (FindingKind k : FindingKind.values()) {
            String label = k.label();
            int w = 20 + textWidth(label) + 16;
            if (x > 0 && x + w > WIDTH) {
                x = 0;
                ly += 22;
            }
            legendItem(m, x, ly, Palette.kind(k), label);
            x += w;
        }
        int top = ly + 44;
        int height = top + tables.size() * rowH + 4;
        Scale scale = scale(tables.stream().mapToLong(t -> total(t.result())).max().orElse(0), 5);
        axis(m, LABEL_W, plotW, top, height - 4, scale);
        int y = top;
        for (TableView view : tables) {
            TableResult t = view.result();
            String name = Text.visible(t.table().toString());
            int mid = y + barH / 2;
            m.add(new Mark.Label(num(LABEL_W - 10), num(mid + 5), "end", null, null, fit(name, LABEL_W - 16), name));
            long all = total(t);
            if (!t.compared() && all == 0) {
                m.add(new Mark.Label(num(LABEL_W + 6), num(mid + 5), null, "muted", null, "not checked ("
                        + t.verdict().label() + ")", null));
            } else if (all == 0) {
                m.add(new Mark.Label(num(LABEL_W + 6), num(mid + 5), null, "ok", null, "no findings", null));
            } else {
                double at = LABEL_W;
                for (FindingKind k : FindingKind.values()) {
                    long n = t.count(k);
                    if (n == 0) {
                        continue;
                    }
                    double w = Math.max(3, n * (double) plotW / scale.max());
                    String fill = Palette.kind(k);
                    m.add(new Mark.Rect(fmt(at), num(y), fmt(w), num(barH), fill, "#ffffff", "1",
                            name + ": " + Text.num(n) + " " + k.label()));
                    String count = Text.num(n);
                    if (w >= textWidth(count) + 8) {
                        m.add(new Mark.Label(fmt(at + w / 2), num(mid + 5), "middle", null, Palette.textOn(fill),
                                count, null));
                    }
                    at += w;
                }
                m.add(new Mark.Label(fmt(at + 6), num(mid + 5), null, null, null, findingsLabel(t), null));
            }
            y += rowH;
        }
        return new SvgChart("chart-findings", WIDTH, height, "Findings by class, per table", findingsDesc(tables), m);
    }

    /** "5 findings", with the not-comparable rows named apart when the run accepted them (they are not counted). */
    private static String findingsLabel(TableResult t) {
        long notComparable = t.count(FindingKind.NOT_COMPARABLE);
        String counted = Text.plural(t.findings(), "finding", "findings");
        return t.notComparableAccepted() && notComparable > 0
                ? counted + " + " + Text.num(notComparable) + " not comparable (accepted)" : counted;
    }

    private static long total(TableResult t) {
        return t.findingCounts().values().stream().mapToLong(Long::longValue).sum();
    }

    private static String findingsDesc(List<TableView> tables) {
        List<String> parts = new ArrayList<>();
        for (TableView view : tables) {
            TableResult t = view.result();
            List<String> kinds = new ArrayList<>();
            for (FindingKind k : FindingKind.values()) {
                if (t.count(k) > 0) {
                    kinds.add(Text.num(t.count(k)) + " " + k.label());
                }
            }
            parts.add(Text.visible(t.table().toString()) + ": " + (kinds.isEmpty() ? "no findings"
                    : String.join(", ", kinds)));
        }
        return "Stacked horizontal bars, one per table, one segment per class of finding. " + String.join("; ", parts)
                + ".";
    }

    // ---- trend of earlier runs ------------------------------------------------------------------------------------

    /** Findings and rows in tables over the earlier runs and this one; null when there is no earlier run. */
    static SvgChart trend(List<RunRow> runs) {
        if (runs.size() < 2) {
            return null;
        }
        List<RunRow> points = runs.subList(Math.max(0, runs.size() - MAX_TREND_RUNS), runs.size());
        int left = 96;
        int right = 60;
        int plotW = WIDTH - left - right;
        int top1 = 84;
        int h1 = 170;
        int top2 = top1 + h1 + 64;
        int h2 = 110;
        int axisY = top2 + h2;
        int height = axisY + 44;
        List<Mark> m = new ArrayList<>();
        int x = 0;
        for (Verdict v : Text.VERDICTS) {
            m.add(new Mark.Group("translate(" + (x + 7) + ",25)", null, List.of(marker(v, 0, 0, 5))));
            m.add(new Mark.Label(num(x + 20), "30", null, null, null, v.label() + " run", null));
            x += 20 + textWidth(v.label() + " run") + 28;
        }
        m.add(new Mark.Circle(num(x + 7), "25", "8", "none", Palette.TEXT, "2"));
        m.add(new Mark.Label(num(x + 22), "30", null, null, null, "this run (newest, right)", null));

        Scale scaleF = scale(points.stream().mapToLong(RunRow::findingCount).max().orElse(0), 4);
        Scale scaleR = scale(points.stream().mapToLong(RunRow::rowCount).max().orElse(0), 2);
        m.add(new Mark.Label("0", num(top1 - 22), null, "panel", null, "Findings counted against tolerance", null));
        m.add(new Mark.Label("0", num(top2 - 22), null, "panel", null, "Rows in tables", null));
        yAxis(m, left, plotW, top1, h1, scaleF);
        yAxis(m, left, plotW, top2, h2, scaleR);

        int n = points.size();
        double step = plotW / (double) (n - 1);
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = left + i * step;
        }
        StringBuilder lineF = new StringBuilder();
        StringBuilder lineR = new StringBuilder();
        for (int i = 0; i < n; i++) {
            RunRow p = points.get(i);
            lineF.append(i == 0 ? "" : " ").append(fmt(xs[i])).append(',')
                    .append(fmt(yOf(p.findingCount(), scaleF.max(), top1, h1)));
            lineR.append(i == 0 ? "" : " ").append(fmt(xs[i])).append(',')
                    .append(fmt(yOf(p.rowCount(), scaleR.max(), top2, h2)));
        }
        m.add(new Mark.Polyline(lineF.toString(), Palette.TREND_LINE, "1.5"));
        m.add(new Mark.Polyline(lineR.toString(), Palette.ROWS_IN_TABLE, "2"));
        double r0 = n > 60 ? 3 : 5;
        for (int i = 0; i < n; i++) {
            RunRow p = points.get(i);
            double yf = yOf(p.findingCount(), scaleF.max(), top1, h1);
            double yr = yOf(p.rowCount(), scaleR.max(), top2, h2);
            String tip = (p.current() ? "this run " : "run ") + Text.visible(p.runId()) + ", " + p.started() + ": "
                    + p.verdict().label() + ", " + Text.plural(p.findingCount(), "finding", "findings") + ", "
                    + Text.plural(p.rowCount(), "row", "rows") + " in tables";
            m.add(new Mark.Group(null, tip, List.of(marker(p.verdict().verdict(), xs[i], yf, r0),
                    new Mark.Circle(fmt(xs[i]), fmt(yr), fmt(r0 - 1.5), Palette.ROWS_IN_TABLE, null, null))));
            if (p.current()) {
                m.add(new Mark.Circle(fmt(xs[i]), fmt(yf), fmt(r0 + 4), "none", Palette.TEXT, "2"));
            }
        }
        // the values of this run, next to its points
        RunRow last = points.get(n - 1);
        m.add(new Mark.Label(fmt(xs[n - 1] + 12), fmt(yOf(last.findingCount(), scaleF.max(), top1, h1) - 10), "end",
                "strong", null, Text.num(last.findingCount()), null));
        m.add(new Mark.Label(fmt(xs[n - 1] + 12), fmt(yOf(last.rowCount(), scaleR.max(), top2, h2) - 10), "end",
                "strong", null, Text.num(last.rowCount()), null));
        xAxis(m, points, xs, left, plotW, axisY);

        String title = "Findings and rows in tables over the last " + n + " runs"
                + (n < runs.size() ? " (of " + Text.num(runs.size()) + ")" : "");
        return new SvgChart("chart-trend", WIDTH, height, title, trendDesc(points), m);
    }

    /** A few run times, never overlapping, the newest always labelled. */
    private static void xAxis(List<Mark> m, List<RunRow> points, double[] xs, int left, int plotW, int axisY) {
        int n = points.size();
        m.add(new Mark.Line(num(left), num(axisY), num(left + plotW), num(axisY), Palette.MUTED));
        // greedy from the left, keeping clear of the newest run's label at the right end
        String lastLabel = "this run";
        double lastStart = xs[n - 1] + 4 - textWidth(lastLabel);
        double free = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            boolean lastOne = i == n - 1;
            String label = lastOne ? lastLabel : points.get(i).shortStarted();
            String anchor = i == 0 ? "start" : lastOne ? "end" : "middle";
            int w = textWidth(label);
            double from = anchor.equals("start") ? xs[i] - 4 : anchor.equals("end") ? xs[i] + 4 - w : xs[i] - w / 2.0;
            if (!lastOne && (from < free + 16 || from + w > lastStart - 16)) {
                continue;
            }
            free = from + w;
            m.add(new Mark.Line(fmt(xs[i]), num(axisY), fmt(xs[i]), num(axisY + 5), Palette.MUTED));
            m.add(new Mark.Label(fmt(xs[i] + (anchor.equals("start") ? -4 : anchor.equals("end") ? 4 : 0)),
                    num(axisY + 20), anchor, "muted", null, label, null));
        }
        m.add(new Mark.Label(num(left + plotW / 2), num(axisY + 38), "middle", "muted", null,
                "runs, oldest to newest (UTC)", null));
    }

    private static double yOf(long v, long max, int top, int h) {
        return top + h - (max == 0 ? 0 : v * (double) h / max);
    }

    private static void yAxis(List<Mark> m, int left, int plotW, int top, int h, Scale scale) {
        for (int i = 0; i <= scale.ticks(); i++) {
            long v = scale.at(i);
            double y = yOf(v, scale.max(), top, h);
            m.add(new Mark.Line(num(left), fmt(y), num(left + plotW), fmt(y), Palette.GRID));
            m.add(new Mark.Label(num(left - 8), fmt(y + 4), "end", "muted", null, Text.num(v), null));
        }
    }

    /** GO a circle, NO-GO a square, UNVERIFIABLE a triangle: shape and colour both say the verdict. */
    private static Mark marker(Verdict v, double x, double y, double r) {
        String fill = Palette.verdictMark(v);
        return switch (v) {
            case GO -> new Mark.Circle(fmt(x), fmt(y), fmt(r), fill, null, null);
            case NO_GO -> new Mark.Rect(fmt(x - r), fmt(y - r), fmt(2 * r), fmt(2 * r), fill, null, null, null);
            case UNVERIFIABLE -> new Mark.Polygon(fmt(x) + "," + fmt(y - r * 1.2) + " " + fmt(x + r * 1.1) + ","
                    + fmt(y + r * 0.9) + " " + fmt(x - r * 1.1) + "," + fmt(y + r * 0.9), fill);
        };
    }

    private static String trendDesc(List<RunRow> points) {
        RunRow first = points.get(0);
        RunRow last = points.get(points.size() - 1);
        long go = points.stream().filter(p -> p.verdict().verdict() == Verdict.GO).count();
        long noGo = points.stream().filter(p -> p.verdict().verdict() == Verdict.NO_GO).count();
        long unverifiable = points.size() - go - noGo;
        return points.size() + " runs from " + first.started() + " to " + last.started() + ": " + go + " GO, "
                + noGo + " NO-GO, " + unverifiable + " UNVERIFIABLE. Findings went from "
                + Text.num(first.findingCount()) + " to " + Text.num(last.findingCount()) + "; rows in tables from "
                + Text.num(first.rowCount()) + " to " + Text.num(last.rowCount()) + ". This run: "
                + last.verdict().label() + ".";
    }

    // ---- shared pieces ------------------------------------------------------------------------------------------

    private static void legendItem(List<Mark> m, int x, int y, String fill, String label) {
        m.add(new Mark.Group("translate(" + x + "," + (y - 11) + ")", null,
                List.of(new Mark.Rect("0", "0", "14", "14", fill, null, null, null))));
        m.add(new Mark.Label(num(x + 20), num(y), null, null, null, label, null));
    }

    /** Vertical grid lines with their values above the plot. */
    private static void axis(List<Mark> m, int x0, int plotW, int top, int bottom, Scale scale) {
        for (int i = 0; i <= scale.ticks(); i++) {
            long v = scale.at(i);
            double x = x0 + v * (double) plotW / scale.max();
            m.add(new Mark.Line(fmt(x), num(top - 6), fmt(x), num(bottom), Palette.GRID));
            m.add(new Mark.Label(fmt(x), num(top - 12), "middle", "muted", null, Text.num(v), null));
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

    /** Text (already made visible) cut with an ellipsis to fit {@code width} pixels. */
    private static String fit(String visible, int width) {
        int max = Math.max(4, (int) (width / CHAR_W));
        return Text.length(visible) <= max ? visible : Text.excerpt(visible, max - 1).shown() + "…";
    }

    private static String num(int v) {
        return Integer.toString(v);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
