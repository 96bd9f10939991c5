package dev.strangler.parity.report;

import dev.strangler.parity.report.view.Shown;
import gg.jte.Content;
import gg.jte.TemplateOutput;

/**
 * The Markdown templates' output: the templates' own text is written as it is, and every value they write with
 * {@code ${...}} is escaped so it renders as the same text, never as markup, HTML or a broken table: inline markup
 * characters backslash-escaped, HTML characters as entities ({@code <script>} is shown, not run or dropped), a
 * character that would start a heading, list or quote escaped, invisible characters made visible, pipes escaped so a
 * value cannot leave its table cell. A code span is the one other way to show a value: {@link #code}.
 */
public final class MarkdownOutput implements TemplateOutput {

    private final StringBuilder out = new StringBuilder(16_384);

    @Override
    public void writeContent(String value) {
        out.append(value);
    }

    @Override
    public void writeContent(String value, int beginIndex, int endIndex) {
        out.append(value, beginIndex, endIndex);
    }

    @Override
    public void writeUserContent(String value) {
        if (value != null) {
            out.append(text(value));
        }
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /** A value as Markdown text that renders as the same text. */
    static String text(String s) {
        String v = Shown.of(s).plain();
        StringBuilder escaped = new StringBuilder(v.length() + 16);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '|' -> escaped.append("\\|");
                case '\\', '`', '*', '_', '[', ']', '~' -> escaped.append('\\').append(c);
                default -> {
                    if (i == 0 && "#+-=!".indexOf(c) >= 0) {
                        escaped.append('\\');
                    }
                    escaped.append(c);
                }
            }
        }
        return escaped.toString().replaceFirst("^(\\d+)([.)])", "$1\\\\$2");
    }

    /**
     * A value as a code span, for the templates ({@code ${code(value)}}): shown verbatim in monospace, nothing in it
     * read as markup or HTML. The fence is one backtick longer than the longest run of backticks in the value; pipes
     * are escaped because GitHub splits table cells before it reads code spans (and shows {@code \|} in a span as a
     * plain pipe). Null is shown as a dash.
     */
    public static Content code(String s) {
        String span = codeSpan(s);
        return output -> output.writeContent(span);
    }

    static String codeSpan(String s) {
        if (s == null) {
            return "—";
        }
        String v = Shown.of(s).plain().replace("|", "\\|");
        int longest = 0;
        int run = 0;
        for (int i = 0; i < v.length(); i++) {
            run = v.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        String fence = "`".repeat(longest + 1);
        boolean pad = v.startsWith("`") || v.endsWith("`") || v.isBlank();
        return fence + (pad ? " " : "") + v + (pad ? " " : "") + fence;
    }
}
