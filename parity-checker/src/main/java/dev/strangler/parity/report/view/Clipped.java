package dev.strangler.parity.report.view;

/**
 * User data cut to a length for a narrow place (a table name in a column), the whole kept for a tooltip.
 *
 * @param shown the part shown
 * @param cut   whether text was left out (the template adds an ellipsis and {@code whole} as tooltip)
 * @param whole the whole value made visible, for the tooltip
 */
public record Clipped(Shown shown, boolean cut, String whole) {

    static Clipped of(String value, int max) {
        if (value == null || Text.length(value) <= max) {
            return new Clipped(Shown.of(value), false, Text.visible(value));
        }
        return new Clipped(Shown.of(Text.excerpt(value, max - 1).shown()), true, Text.visible(value));
    }

    /** The tooltip: the whole value when it was cut, else null (no attribute). */
    public String title() {
        return cut ? whole : null;
    }
}
