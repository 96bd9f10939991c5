package dev.strangler.demo;

import java.util.List;
import java.util.Locale;

/**
 * The summary's tables, for the terminal (aligned columns, numbers right-aligned, no trailing blanks) and as
 * Markdown (text columns in backticks), from one header and one list of rows so the two cannot disagree.
 */
final class TextTable {

    private final String[] header;
    /** Per column: text (left-aligned, in backticks in Markdown) or a number (right-aligned). */
    private final boolean[] text;

    TextTable(String[] header, boolean[] text) {
        if (header.length != text.length) {
            throw new IllegalArgumentException("one alignment per column");
        }
        this.header = header.clone();
        this.text = text.clone();
    }

    void appendText(StringBuilder out, List<String[]> rows) {
        int[] width = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            width[i] = header[i].length();
            for (String[] row : rows) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        appendAligned(out, header, width);
        for (String[] row : rows) {
            appendAligned(out, row, width);
        }
    }

    void appendMarkdown(StringBuilder out, List<String[]> rows) {
        out.append("| ").append(String.join(" | ", header)).append(" |\n|");
        for (boolean t : text) {
            out.append(t ? " --- |" : " ---: |");
        }
        out.append('\n');
        for (String[] row : rows) {
            out.append('|');
            for (int i = 0; i < row.length; i++) {
                out.append(' ').append(text[i] ? "`" + row[i] + "`" : row[i]).append(" |");
            }
            out.append('\n');
        }
    }

    private void appendAligned(StringBuilder out, String[] cells, int[] width) {
        for (int i = 0; i < cells.length; i++) {
            out.append(pad(cells[i], width[i], !text[i]));
            if (i < cells.length - 1) {
                out.append("  ");
            }
        }
        // no trailing blanks after the last column
        int end = out.length();
        while (end > 0 && out.charAt(end - 1) == ' ') {
            end--;
        }
        out.setLength(end);
        out.append('\n');
    }

    private static String pad(String s, int width, boolean right) {
        String blanks = " ".repeat(Math.max(0, width - s.length()));
        return right ? blanks + s : s + blanks;
    }

    /** A count with thousands separators, the same on every machine. */
    static String num(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }
}
