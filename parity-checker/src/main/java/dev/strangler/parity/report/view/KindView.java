package dev.strangler.parity.report.view;

import dev.strangler.parity.model.FindingKind;

/** A finding kind as the reports show it: its words, its advice and its colour in the charts and the legend. */
public record KindView(FindingKind kind) {

    static KindView of(FindingKind kind) {
        return new KindView(kind);
    }

    public String code() {
        return kind.code();
    }

    public String label() {
        return kind.label();
    }

    /** The label with a capital first letter, for a heading or a term. */
    public String title() {
        String l = kind.label();
        return Character.toUpperCase(l.charAt(0)) + l.substring(1);
    }

    public String advice() {
        return kind.advice();
    }

    /** The kind's colour (Okabe–Ito), for its swatch; the label always says the same in words. */
    public String colour() {
        return Palette.kind(kind);
    }

    /** The swatch's inline style (the page's CSP allows inline styles, nothing else). */
    public String swatchStyle() {
        return "background:" + colour();
    }
}
