package dev.strangler.parity.report.view;

import dev.strangler.parity.model.Cut;
import dev.strangler.parity.model.Operation;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.model.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Formatting shared by every report: numbers, times, op counts, and user data made visible (control and bidirectional
 * characters shown as escapes, long values cut around their first difference). No escaping here: the templates'
 * outputs escape everything they are given.
 */
final class Text {

    /** The row operations of the standard Debezium envelope, in the order the reports print them. */
    static final List<Operation> OPS = List.of(Operation.CREATE, Operation.UPDATE, Operation.DELETE, Operation.READ);

    /** The verdicts in the order the reports list them (by exit code), whatever order the enum declares. */
    static final List<Verdict> VERDICTS = List.of(Verdict.GO, Verdict.NO_GO, Verdict.UNVERIFIABLE);

    /** Shown for a number the run could not measure (an UNVERIFIABLE table's counts). */
    static final String UNKNOWN = "—";

    /** How the reports explain the symbols {@link #visible(String)} puts in place of invisible characters. */
    static final String INVISIBLE_LEGEND = "Invisible characters are shown as escapes: \\n line feed, \\r carriage "
            + "return, \\t tab, \\uXXXX any other control, zero-width or direction-changing character.";

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("MMM d HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    private Text() {
    }

    static String num(long n) {
        return String.format(Locale.US, "%,d", n);
    }

    /** A count that is negative when unknown (see {@link TableResult#unverifiable}). */
    static String count(long n) {
        return n < 0 ? UNKNOWN : num(n);
    }

    static String plural(long n, String one, String many) {
        return num(n) + " " + (n == 1 ? one : many);
    }

    static String time(Instant t) {
        return t == null ? UNKNOWN : TIME.format(t);
    }

    /** Short time for chart axes. */
    static String shortTime(Instant t) {
        return t == null ? "?" : DAY.format(t);
    }

    static String duration(Instant from, Instant to) {
        if (from == null || to == null || to.isBefore(from)) {
            return UNKNOWN;
        }
        Duration d = Duration.between(from, to);
        if (d.toSeconds() < 1) {
            return d.toMillis() + " ms";
        }
        if (d.toMinutes() < 1) {
            return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
        }
        return d.toMinutes() + " min " + d.toSecondsPart() + " s";
    }

    static String orUnknown(String s) {
        return s == null || s.isBlank() ? UNKNOWN : s;
    }

    static String snapshot(Cut cut) {
        return cut == null ? UNKNOWN : cut.snapshotText();
    }

    static String lsn(Cut cut) {
        return cut == null ? UNKNOWN : cut.walLsnText();
    }

    static long sum(Map<?, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** c/u/d/r counts as "12/3/1/0", any other op appended (" +t:1"). */
    static String ops(Map<Operation, Long> byOp) {
        StringBuilder s = new StringBuilder();
        for (Operation op : OPS) {
            s.append(s.length() == 0 ? "" : "/").append(num(byOp.getOrDefault(op, 0L)));
        }
        orderedOps(byOp).forEach((op, n) -> {
            if (!OPS.contains(op)) {
                s.append(" +").append(op.code()).append(':').append(num(n));
            }
        });
        return s.toString();
    }

    /** The ops in print order (c, u, d, r, then any other by code), each with its count. */
    static Map<Operation, Long> orderedOps(Map<Operation, Long> byOp) {
        Map<Operation, Long> out = new LinkedHashMap<>();
        OPS.forEach(op -> out.put(op, byOp.getOrDefault(op, 0L)));
        byOp.keySet().stream().sorted(java.util.Comparator.comparing(Operation::code))
                .forEach(op -> out.putIfAbsent(op, byOp.get(op)));
        return out;
    }

    /** Counts of tables by verdict, in verdict order (GO, NO-GO, UNVERIFIABLE), zeros omitted. */
    static String tablesByVerdict(List<TableResult> tables) {
        List<String> parts = new ArrayList<>();
        for (Verdict v : VERDICTS) {
            long n = tables.stream().filter(t -> t.verdict() == v).count();
            if (n > 0) {
                parts.add(num(n) + " " + v.label());
            }
        }
        return parts.isEmpty() ? "no tables" : String.join(", ", parts);
    }

    /** What a verdict means, in one sentence a reader who never saw the tool can act on. */
    static String meaning(Verdict v) {
        return switch (v) {
            case GO -> "Every checked table matches its Kafka topic within its tolerance at this cut: the stream "
                    + "holds what the tables hold.";
            case NO_GO -> "At least one table differs from its Kafka topic beyond its tolerance: do not cut over "
                    + "until the findings below are explained or repaired.";
            case UNVERIFIABLE -> "The run could not reach a sound answer, so this is not a GO: fix the cause below "
                    + "and run the check again.";
        };
    }

    /** One line on what the cut means, for readers of the Markdown and HTML reports. */
    static final String CUT_EXPLANATION = "The table side is the database as of this snapshot; the stream side is "
            + "every event of a transaction visible in it. Events of later transactions are counted as \"after cut\" "
            + "and not compared.";

    // ---- user data made visible ---------------------------------------------------------------------------------

    /**
     * The value with control characters, bidirectional overrides and zero-width characters replaced by escapes
     * ({@code \\n}, {@code \\t}, {@code \\u202E}, see {@link #escapeOf}), so two values that print alike but differ
     * can be told apart and no value can reorder the page.
     */
    static String visible(String s) {
        if (s == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            String e = escapeOf(cp);
            if (e == null) {
                out.appendCodePoint(cp);
            } else {
                out.append(e);
            }
        });
        return out.toString();
    }

    /** The escape shown for an invisible code point, or null for a character shown as itself. */
    static String escapeOf(int cp) {
        return switch (cp) {
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> invisible(cp) ? String.format(Locale.ROOT, "\\u%04X", cp) : null;
        };
    }

    /** What an invisible code point is, for tooltips. */
    static String nameOf(int cp) {
        return switch (cp) {
            case '\n' -> "line feed";
            case '\r' -> "carriage return";
            case '\t' -> "tab";
            case 0 -> "NUL";
            case 0x200B -> "zero-width space";
            case 0xFEFF -> "byte order mark";
            default -> cp >= 0x202A && cp <= 0x202E || cp >= 0x2066 && cp <= 0x2069 || cp == 0x200E || cp == 0x200F
                    || cp == 0x061C ? "direction control" : cp >= 0xD800 && cp <= 0xDFFF ? "lone surrogate"
                    : "control character";
        };
    }

    private static boolean invisible(int cp) {
        if (cp < 0x20 || cp == 0x7f || cp >= 0x80 && cp < 0xa0) {
            return true; // C0 and C1 controls
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            return true; // a lone surrogate (a pair arrives here as one code point)
        }
        return switch (cp) {
            case 0x061C, 0x200B, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066,
                 0x2067, 0x2068, 0x2069, 0xFEFF, 0xFFFE, 0xFFFF -> true;
            default -> false;
        };
    }

    static int length(String s) {
        return s == null ? 0 : s.codePointCount(0, s.length());
    }

    /**
     * Where two values differ, in code points: from {@code start} to {@code endA} in the first and to {@code endB}
     * in the second; the text before {@code start} and after the ends is the same in both.
     */
    record Difference(int start, int endA, int endB) {
    }

    /** The difference between two values, or null when they are equal or either is missing. */
    static Difference difference(String a, String b) {
        if (a == null || b == null || a.equals(b)) {
            return null;
        }
        int[] x = a.codePoints().toArray();
        int[] y = b.codePoints().toArray();
        int n = Math.min(x.length, y.length);
        int p = 0;
        while (p < n && x[p] == y[p]) {
            p++;
        }
        int s = 0;
        while (s < n - p && x[x.length - 1 - s] == y[y.length - 1 - s]) {
            s++;
        }
        return new Difference(p, x.length - s, y.length - s);
    }

    /**
     * A part of a value to show in place of the whole: the whole value when it is short, else {@code max} code
     * points starting a little before the difference. The part is split in three: {@link #head} before the
     * difference, {@link #marked} the differing text, {@link #tail} after it (all of it in head when no difference
     * was given).
     *
     * @param before true when text was left out before the part shown
     * @param after  true when text was left out after
     * @param total  the value's length in code points
     */
    record Excerpt(boolean before, String head, String marked, String tail, boolean after, int total) {

        String shown() {
            return head + marked + tail;
        }

        boolean cut() {
            return before || after;
        }
    }

    static final int CONTEXT_BEFORE_DIFFERENCE = 24;

    /** An excerpt from the beginning, nothing marked. */
    static Excerpt excerpt(String value, int max) {
        return excerpt(value, -1, -1, max);
    }

    /** An excerpt showing the difference from {@code from} to {@code to} (code points; -1 for none). */
    static Excerpt excerpt(String value, int from, int to, int max) {
        int[] cps = value.codePoints().toArray();
        int total = cps.length;
        int start = 0;
        if (total > max && from > CONTEXT_BEFORE_DIFFERENCE) {
            // the same start on both sides of a difference, so the two excerpts line up
            start = Math.min(from, total) - CONTEXT_BEFORE_DIFFERENCE;
        }
        int end = Math.min(total, start + max);
        int a = from < 0 ? end : clamp(from, start, end);
        int b = from < 0 ? end : clamp(Math.max(to, from), a, end);
        return new Excerpt(start > 0, new String(cps, start, a - start), new String(cps, a, b - a),
                new String(cps, b, end - b), end < total, total);
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(v, hi));
    }
}
