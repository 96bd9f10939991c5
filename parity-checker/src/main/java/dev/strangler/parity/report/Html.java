package dev.strangler.parity.report;

/**
 * Escaping for HTML and inline SVG. Every string that reaches the page goes through {@link #text} (user data: table
 * names, keys, values, reasons) or {@link #esc} (our own text); neither leaves a character that could open a tag,
 * end an attribute or start an entity.
 */
final class Html {

    private Html() {
    }

    /** Escapes {@code & < > " '} for element content and quoted attribute values. Null prints as nothing. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** User data: invisible characters made visible (see {@link Text#visible}), then escaped. */
    static String text(String s) {
        return esc(Text.visible(s));
    }

    /**
     * User data for the page body: like {@link #text}, but each escape for an invisible character is set apart (a
     * framed {@code <span>} with the character's name as tooltip) so it cannot be mistaken for a typed backslash.
     * Not for attributes or SVG.
     */
    static String rich(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(s.length() + 16);
        StringBuilder plain = new StringBuilder();
        s.codePoints().forEach(cp -> {
            String e = Text.escapeOf(cp);
            if (e == null) {
                plain.appendCodePoint(cp);
            } else {
                out.append(esc(plain.toString()));
                plain.setLength(0);
                out.append("<span class=\"esc\" title=\"").append(Text.nameOf(cp)).append("\">").append(e)
                        .append("</span>");
            }
        });
        return out.append(esc(plain.toString())).toString();
    }

    /** User data cut to {@code max} code points (the full text stays available as a tooltip). */
    static String shortText(String s, int max) {
        if (s == null || Text.length(s) <= max) {
            return rich(s);
        }
        Text.Excerpt e = Text.excerpt(s, max - 1);
        return "<span title=\"" + text(s) + "\">" + rich(e.shown()) + "…</span>";
    }
}
