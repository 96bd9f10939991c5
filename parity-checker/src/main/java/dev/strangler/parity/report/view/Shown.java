package dev.strangler.parity.report.view;

import java.util.ArrayList;
import java.util.List;

/**
 * User data (a table name, a key, a value, a reason) as the reports show it: runs of text as they are, and each
 * invisible character (controls, zero-width and direction-changing characters, lone surrogates) as an escape such as
 * {@code \n} or {@code \u202E} with its name, so two values that print alike can be told apart and no value can
 * reorder the page. Nothing here is escaped for a format: the templates' outputs do that.
 *
 * @param parts the text in order; a part with a {@code name} is the escape of one invisible character
 */
public record Shown(List<Part> parts) {

    /** A run of visible text ({@code name} null), or one invisible character's escape and what it is. */
    public record Part(String text, String name) {
        public boolean isEscape() {
            return name != null;
        }
    }

    public static final Shown EMPTY = new Shown(List.of());

    public Shown {
        parts = List.copyOf(parts);
    }

    /** The value made visible; null is shown as nothing. */
    public static Shown of(String value) {
        if (value == null || value.isEmpty()) {
            return EMPTY;
        }
        List<Part> parts = new ArrayList<>();
        StringBuilder plain = new StringBuilder();
        value.codePoints().forEach(cp -> {
            String escape = Text.escapeOf(cp);
            if (escape == null) {
                plain.appendCodePoint(cp);
            } else {
                if (plain.length() > 0) {
                    parts.add(new Part(plain.toString(), null));
                    plain.setLength(0);
                }
                parts.add(new Part(escape, Text.nameOf(cp)));
            }
        });
        if (plain.length() > 0) {
            parts.add(new Part(plain.toString(), null));
        }
        return new Shown(parts);
    }

    /** The text with every escape written out ({@code a\nb}): for attributes, tooltips and plain-text formats. */
    public String plain() {
        StringBuilder s = new StringBuilder();
        parts.forEach(p -> s.append(p.text()));
        return s.toString();
    }

    public boolean isEmpty() {
        return parts.isEmpty();
    }

    @Override
    public String toString() {
        return plain();
    }
}
