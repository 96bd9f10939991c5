package dev.strangler.parity.report.view;

import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.Verdict;

/**
 * Colours of the HTML report's charts and swatches (the page's own colours, verdict banners included, are in its
 * style sheet, {@code style.jte}). The finding and series colours are the Okabe–Ito palette (told apart by
 * colour-blind readers too), and every coloured mark also carries its meaning in words (legend, labels, tooltips).
 */
final class Palette {

    static final String TEXT = "#1b1f24";
    static final String MUTED = "#4d5562";
    static final String GRID = "#d8dce2";
    static final String ROWS_IN_TABLE = "#0072B2";
    static final String LIVE_KEYS = "#E69F00";
    static final String TREND_LINE = "#6b7280";

    private Palette() {
    }

    /** A verdict's colour for marks on white (at least 3:1, as non-text contrast requires). */
    static String verdictMark(Verdict v) {
        return switch (v) {
            case GO -> "#1a7f37";
            case NO_GO -> "#c62828";
            case UNVERIFIABLE -> "#b26200";
        };
    }

    static String kind(FindingKind k) {
        return switch (k) {
            case MISSING_IN_STREAM -> "#D55E00";
            case EXTRA_IN_STREAM -> "#0072B2";
            case CONTENT_DIFFERS -> "#CC79A7";
            case NOT_COMPARABLE -> "#A0A0A0";
            case STREAM_ANOMALY -> "#E69F00";
        };
    }

    /** Black or white, whichever reads better on {@code hex}. */
    static String textOn(String hex) {
        double l = luminance(hex);
        return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? "#000000" : "#ffffff";
    }

    private static double luminance(String hex) {
        int rgb = Integer.parseInt(hex.substring(1), 16);
        return 0.2126 * channel(rgb >> 16) + 0.7152 * channel(rgb >> 8) + 0.0722 * channel(rgb);
    }

    private static double channel(int c) {
        double s = (c & 0xff) / 255.0;
        return s <= 0.03928 ? s / 12.92 : Math.pow((s + 0.055) / 1.055, 2.4);
    }
}
