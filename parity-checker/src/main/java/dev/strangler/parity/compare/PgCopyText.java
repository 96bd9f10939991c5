package dev.strangler.parity.compare;

import java.util.Arrays;

/**
 * One row of {@code COPY ... TO STDOUT} in PostgreSQL's text format, split into its columns' texts: each the bytes the
 * value's output function printed (what a text-format result set holds for it), null for SQL NULL. PostgreSQL sends
 * one row per CopyData message, ending in a newline; columns are separated by tabs; a column is {@code \N} for NULL;
 * in a value, a backslash, a tab, a newline and the other control characters with a C escape are written as
 * backslash escapes. This reads them as {@code COPY FROM} does (octal and hex escapes too, any other escaped byte
 * standing for itself), so it holds for whatever a server prints.
 */
public final class PgCopyText {

    private PgCopyText() {
    }

    /**
     * The {@code width} columns' texts of one row as a CopyData message holds it.
     *
     * @throws IllegalStateException when the row does not end in a newline or has another number of columns: then
     *                               this is not a row of the statement that was sent, and nothing read can be trusted
     */
    public static byte[][] columns(byte[] row, int width) {
        int end = row.length - 1;
        if (end < 0 || row[end] != '\n') {
            throw new IllegalStateException("a row of COPY TO STDOUT does not end in a newline (" + row.length
                    + " bytes)");
        }
        byte[][] columns = new byte[width][];
        int column = 0;
        int start = 0;
        while (true) {
            int at = start;
            boolean escaped = false;
            while (at < end && row[at] != '\t') {
                if (row[at] == '\\') {
                    escaped = true;
                    at++; // the escaped byte is never a separator, even a tab
                }
                at++;
            }
            at = Math.min(at, end); // a backslash as the row's last byte: cut at the newline, as PostgreSQL does
            if (column == width) {
                throw new IllegalStateException("a row of COPY TO STDOUT has more than the " + width
                        + " columns selected");
            }
            columns[column++] = !escaped ? Arrays.copyOfRange(row, start, at)
                    : isNullMarker(row, start, at) ? null : unescape(row, start, at);
            if (at == end) {
                break;
            }
            start = at + 1;
        }
        if (column != width) {
            throw new IllegalStateException("a row of COPY TO STDOUT has " + column + " columns, not the " + width
                    + " selected");
        }
        return columns;
    }

    /** Whether the column's raw bytes are {@code \N}, SQL NULL (a value of those two bytes is written {@code \\N}). */
    private static boolean isNullMarker(byte[] row, int from, int to) {
        return to - from == 2 && row[from] == '\\' && row[from + 1] == 'N';
    }

    /** {@code row[from..to)} with its backslash escapes read. */
    private static byte[] unescape(byte[] row, int from, int to) {
        byte[] out = new byte[to - from];
        int n = 0;
        int i = from;
        while (i < to) {
            byte c = row[i++];
            if (c != '\\' || i == to) {
                out[n++] = c; // a lone backslash at the end stands for itself
                continue;
            }
            c = row[i++];
            switch (c) {
                case 'b' -> out[n++] = '\b';
                case 'f' -> out[n++] = '\f';
                case 'n' -> out[n++] = '\n';
                case 'r' -> out[n++] = '\r';
                case 't' -> out[n++] = '\t';
                case 'v' -> out[n++] = 0x0B;
                case 'x' -> {
                    int value = i < to ? Character.digit(row[i] & 0xFF, 16) : -1; // ASCII's hex digits only
                    if (value < 0) {
                        out[n++] = 'x'; // no hex digit follows: the x itself
                        break;
                    }
                    i++;
                    int second = i < to ? Character.digit(row[i] & 0xFF, 16) : -1;
                    if (second >= 0) {
                        value = value * 16 + second;
                        i++;
                    }
                    out[n++] = (byte) value;
                }
                default -> {
                    if (c >= '0' && c <= '7') {
                        int value = c - '0';
                        for (int k = 0; k < 2 && i < to && row[i] >= '0' && row[i] <= '7'; k++) {
                            value = value * 8 + (row[i++] - '0');
                        }
                        out[n++] = (byte) value;
                    } else {
                        out[n++] = c;
                    }
                }
            }
        }
        return Arrays.copyOf(out, n);
    }
}
