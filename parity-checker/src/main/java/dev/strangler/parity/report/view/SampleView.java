package dev.strangler.parity.report.view;

import dev.strangler.parity.model.ColumnGap;
import dev.strangler.parity.model.Finding;

/**
 * One sampled finding as the reports show it. The two sides' values are cut per format ({@link #tableCell},
 * {@link #streamCell}), around their first difference.
 *
 * @param column null when the finding is about the whole row
 * @param note   null when there is none
 */
public record SampleView(Finding finding, KindView kind, Shown key, Shown column, Shown note) {

    static SampleView of(Finding f) {
        String note = f.note();
        if (f.anomaly() != null) {
            note = f.anomaly().description() + (note == null || note.isBlank() ? "" : ": " + note);
        }
        return new SampleView(f, KindView.of(f.kind()), f.key() == null ? null : Shown.of(f.key()),
                f.column() == null ? null : Shown.of(f.column()), note == null || note.isBlank() ? null
                : Shown.of(note));
    }

    public boolean wholeRow() {
        return column == null;
    }

    /** The table's value, at most {@code max} characters shown, the whole up to {@code wholeMax} behind it. */
    public ValueCell tableCell(int max, int wholeMax) {
        Text.Difference d = Text.difference(finding.tableValue(), finding.streamValue());
        if (finding.tableValue() == null) {
            return ValueCell.missing(finding.column() == null ? "no row in the table" : "not compared");
        }
        return ValueCell.of(finding.tableValue(), d == null ? -1 : d.start(), d == null ? -1 : d.endA(), max,
                wholeMax);
    }

    /** The stream's value, at most {@code max} characters shown, the whole up to {@code wholeMax} behind it. */
    public ValueCell streamCell(int max, int wholeMax) {
        Text.Difference d = Text.difference(finding.tableValue(), finding.streamValue());
        if (finding.streamValue() == null) {
            ColumnGap gap = finding.gap();
            return ValueCell.missing(finding.column() == null ? "no row in the stream"
                    : gap != null ? gap.label() : "absent");
        }
        return ValueCell.of(finding.streamValue(), d == null ? -1 : d.start(), d == null ? -1 : d.endB(), max,
                wholeMax);
    }
}
