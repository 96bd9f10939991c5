package dev.strangler.parity.report.view;

/**
 * One side's value in a sample row, ready to show: nothing (with what that means), an empty or blank value, or an
 * excerpt of at most {@code max} characters around the first difference with the differing part marked, and the
 * whole value (capped) when the excerpt had to cut it.
 *
 * @param missing      what stands for a value that is not there ("no row in the stream", "unavailable (TOAST
 *                     placeholder)", ...); null when there is a value
 * @param before       text was left out before the excerpt
 * @param head         the excerpt up to the difference (all of it when nothing is marked)
 * @param marked       the differing part
 * @param insertion    the other side has text where this side has none: mark the place
 * @param tail         the excerpt after the difference
 * @param after        text was left out after the excerpt
 * @param blankLength  for a value of only whitespace, its length; else 0
 * @param firstDifference the first differing character (1-based) when worth saying (cut, or far in); else 0
 * @param whole        when the excerpt is cut: the whole value up to {@code wholeMax} characters; else null
 * @param wholeCut     the whole value was longer than {@code wholeMax} (report.json has the rest)
 * @param total        the value's length in characters
 */
public record ValueCell(String missing, boolean empty, boolean before, Shown head, Shown marked, boolean insertion,
                        Shown tail, boolean after, int blankLength, int firstDifference, Shown whole,
                        boolean wholeCut, int total) {

    static ValueCell missing(String what) {
        return new ValueCell(what, false, false, Shown.EMPTY, Shown.EMPTY, false, Shown.EMPTY, false, 0, 0, null,
                false, 0);
    }

    /**
     * @param from the first differing code point, -1 when nothing is marked
     * @param to   where the difference ends on this side
     */
    static ValueCell of(String value, int from, int to, int max, int wholeMax) {
        if (value.isEmpty()) {
            return new ValueCell(null, true, false, Shown.EMPTY, Shown.EMPTY, false, Shown.EMPTY, false, 0, 0, null,
                    false, 0);
        }
        Text.Excerpt e = Text.excerpt(value, from, to, max);
        Shown whole = null;
        boolean wholeCut = false;
        if (e.cut()) {
            Text.Excerpt w = Text.excerpt(value, wholeMax);
            whole = Shown.of(w.shown());
            wholeCut = w.after();
        }
        return new ValueCell(null, false, e.before(), Shown.of(e.head()), Shown.of(e.marked()),
                from >= 0 && e.marked().isEmpty(), Shown.of(e.tail()), e.after(),
                value.isBlank() ? Text.length(value) : 0,
                from >= 0 && (e.cut() || from > 20) ? from + 1 : 0, whole, wholeCut, e.total());
    }

    public boolean isMissing() {
        return missing != null;
    }

    public boolean isBlank() {
        return blankLength > 0;
    }

    public boolean cut() {
        return before || after;
    }

    /** The excerpt as one piece (head, marked and tail), for formats that mark nothing. */
    public String shown() {
        return head.plain() + marked.plain() + tail.plain();
    }

    /** Only whitespace and no invisible character: a format may say so instead of showing it. */
    public boolean isPlainBlank() {
        return isBlank() && !cut() && head.parts().stream().noneMatch(Shown.Part::isEscape)
                && marked.parts().stream().noneMatch(Shown.Part::isEscape)
                && tail.parts().stream().noneMatch(Shown.Part::isEscape);
    }

    public String blankText() {
        return "only whitespace (" + Text.plural(blankLength, "character", "characters") + ")";
    }

    public String firstDifferenceText() {
        return "first difference at character " + Text.num(firstDifference);
    }

    public String totalText() {
        return Text.num(total);
    }
}
