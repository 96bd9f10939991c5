package dev.strangler.parity.canonical;

import dev.strangler.contract.EventEncoding;

/**
 * Which JSON values of an event's field already spell the column's <em>plain text</em> in a row's digest input
 * ({@link RowDigests}), or spell it after a cut that needs no parsing, so the in-database comparison's DIGEST pass can
 * build the input from the after-image's bytes instead of canonicalising the value and printing the canonical text
 * back. The plain text is what {@link RowDigests#digestInput} derives from the canonical text (the rule); for every
 * value taken here it is the same bytes (RawPlainTextTest compares both on many values per type). Anything else is
 * not taken ({@link #append} returns false) and goes the canonical way, which is always right.
 *
 * <p>Per form, for a value that is not the TOAST placeholder (which has no value: the canonical way says so):
 * <ul>
 * <li>{@link #TEXT} (text, varchar and every type canonicalised as text): a JSON string, its content decoded;</li>
 * <li>{@link #BPCHAR}: the same without its trailing spaces;</li>
 * <li>{@link #UUID}: a JSON string in the lower-case {@code 8-4-4-4-12} hex form, which is the canonical text;</li>
 * <li>{@link #INTEGER}: an integer token or a JSON string in the shape {@link Canonicalizer#isPlainInteger} keeps
 * (not {@code -0}, at most 18 digits);</li>
 * <li>{@link #BOOL}: the tokens {@code true} and {@code false};</li>
 * <li>{@link #NUMERIC} (not for Connect's base64 Decimal, whose strings are no numbers): an integer token as above,
 * or a JSON string in the shape {@link Numbers#plainDecimal} reads, cut as it cuts it (trailing fractional zeros,
 * a bare point, zero as {@code 0});</li>
 * <li>{@link #TIMESTAMPTZ}: a JSON string {@code yyyy-MM-ddTHH:mm:ss[.f]Z} of a valid date and time in years 1 to
 * 9999, the fraction's trailing zeros cut (how Debezium writes timestamptz in UTC);</li>
 * <li>{@link #JSON}: a JSON string whose content is already in jsonb's layout as {@link RowDigests#jsonbText}
 * prints it: {@code ", "} and {@code ": "} between items and nothing else between tokens, each object's keys in
 * jsonb's order (shorter first, then by their bytes) and without an escape, strings escaped exactly as
 * PostgreSQL's escape_json escapes them, numbers without an exponent, trailing fractional zeros or {@code -0}.
 * That is what PostgreSQL prints for jsonb, which Debezium passes on, unless a number was stored with trailing
 * zeros (then the canonical way cuts them).</li>
 * </ul>
 * JSON null is {@code N} in every column and is not asked here.
 */
public enum RawPlainText {
    /** Always canonicalised. */
    NONE,
    TEXT,
    BPCHAR,
    UUID,
    INTEGER,
    BOOL,
    NUMERIC,
    TIMESTAMPTZ,
    JSON;

    /** The form of a column's values in events written with {@code encoding}. */
    public static RawPlainText of(ColumnType type, EventEncoding encoding) {
        if (type.isArray()) {
            return NONE;
        }
        return switch (type.kind()) {
            case TEXT -> TEXT;
            case BPCHAR -> BPCHAR;
            case UUID -> UUID;
            case INT -> INTEGER;
            case BOOL -> BOOL;
            case NUMERIC -> encoding.decimal() == EventEncoding.DecimalMode.PRECISE ? NONE : NUMERIC;
            case TIMESTAMPTZ -> TIMESTAMPTZ;
            case JSON -> JSON;
            default -> NONE;
        };
    }

    /**
     * Appends the digest input's item ({@code V<bytes>:<plain text>}) of the JSON value {@code json[from..to)} (one
     * value the grammar accepts, as {@link dev.strangler.parity.json.JsonBytes#skipValue} checks it; not
     * {@code null}) when its raw form gives the plain text; else appends nothing and returns false.
     *
     * @param placeholder the TOAST placeholder's UTF-8: a string equal to it carries no value
     */
    public boolean append(byte[] json, int from, int to, byte[] placeholder, RowDigests.Input out) {
        if (this == NONE) {
            return false;
        }
        byte first = json[from];
        if (first != '"') {
            return appendToken(json, from, to, out);
        }
        int mark = out.openValue();
        int start = out.length();
        if (!decodeString(json, from, to, out) || isPlaceholder(out, start, placeholder) || !cut(out, start)) {
            out.cancelValue(mark);
            return false;
        }
        out.closeValue(mark);
        return true;
    }

    /** A token other than a string or null: an integer's digits, a boolean's word. */
    private boolean appendToken(byte[] json, int from, int to, RowDigests.Input out) {
        switch (this) {
            case INTEGER, NUMERIC -> {
                if (!Canonicalizer.isPlainInteger(json, from, to)) {
                    return false;
                }
            }
            case BOOL -> {
                if (json[from] != 't' && json[from] != 'f') {
                    return false;
                }
            }
            default -> {
                return false;
            }
        }
        int mark = out.openValue();
        out.append(json, from, to);
        out.closeValue(mark);
        return true;
    }

    private static boolean isPlaceholder(RowDigests.Input out, int start, byte[] placeholder) {
        return java.util.Arrays.equals(out.bytes, start, out.length(), placeholder, 0, placeholder.length);
    }

    /**
     * Turns the decoded string {@code out[start..)} into the plain text in place (or leaves it, for text); false
     * when this form does not take it.
     */
    private boolean cut(RowDigests.Input out, int start) {
        byte[] b = out.bytes;
        int end = out.length();
        switch (this) {
            case TEXT -> {
                return true;
            }
            case BPCHAR -> {
                int e = end;
                while (e > start && b[e - 1] == ' ') {
                    e--;
                }
                out.drop(end - e);
                return true;
            }
            case UUID -> {
                return isLowerCaseUuid(b, start, end);
            }
            case INTEGER -> {
                return Canonicalizer.isPlainInteger(b, start, end);
            }
            case NUMERIC -> {
                int e = plainDecimalEnd(b, start, end);
                if (e < 0) {
                    return false;
                }
                if (e == 0) {
                    out.drop(end - start);
                    out.append((byte) '0');
                } else {
                    out.drop(end - e);
                }
                return true;
            }
            case TIMESTAMPTZ -> {
                int e = utcTimestampEnd(b, start, end);
                if (e < 0) {
                    return false;
                }
                out.drop(end - e);
                b[e - 1] = 'Z';
                return true;
            }
            case JSON -> {
                return new Jsonb(b, end).value(start, 0) == end;
            }
            default -> {
                return false;
            }
        }
    }

    private static boolean isLowerCaseUuid(byte[] b, int start, int end) {
        if (end - start != 36) {
            return false;
        }
        for (int k = 0; k < 36; k++) {
            byte c = b[start + k];
            boolean ok = k == 8 || k == 13 || k == 18 || k == 23 ? c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@link Numbers#plainDecimal} on bytes: where its text ends (0 for its {@code "0"}), or -1 where it gives null.
     */
    private static int plainDecimalEnd(byte[] t, int start, int n) {
        if (n == start || n - start > 40) {
            return -1;
        }
        int intStart = t[start] == '-' ? start + 1 : start;
        int i = intStart;
        while (i < n && isDigit(t[i])) {
            i++;
        }
        int intEnd = i;
        if (intEnd == intStart || (intEnd - intStart > 1 && t[intStart] == '0')) {
            return -1;
        }
        int end = intEnd;
        if (i < n) {
            if (t[i] != '.') {
                return -1;
            }
            int fractionStart = ++i;
            while (i < n && isDigit(t[i])) {
                i++;
            }
            if (i != n || i == fractionStart) {
                return -1;
            }
            end = i;
            while (end > fractionStart && t[end - 1] == '0') {
                end--;
            }
            if (end == fractionStart) {
                end = intEnd;
            }
        }
        if (end == intEnd && intEnd - intStart == 1 && t[intStart] == '0') {
            return 0;
        }
        return end;
    }

    /** Where the pattern of {@code yyyy-MM-ddTHH:mm:ss} lies: digits, except these separators. */
    private static final byte[] DATE_TIME = "0000-00-00T00:00:00".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /**
     * For {@code yyyy-MM-ddTHH:mm:ss[.f]Z} (1 to 9 fractional digits) of a valid date and time in years 1 to 9999:
     * where the canonical text ends once the fraction's trailing zeros (and a bare point) are cut and the {@code Z}
     * is moved to the end, the {@code Z}'s place included; -1 for anything else.
     */
    private static int utcTimestampEnd(byte[] b, int start, int end) {
        int t = DATE_TIME.length;
        if (end - start < t + 1 || b[end - 1] != 'Z') {
            return -1;
        }
        for (int k = 0; k < t; k++) {
            byte shape = DATE_TIME[k];
            byte c = b[start + k];
            if (shape == '0' ? !isDigit(c) : c != shape) {
                return -1;
            }
        }
        int year = number(b, start, 4);
        int month = number(b, start + 5, 2);
        int day = number(b, start + 8, 2);
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > lengthOfMonth(year, month)
                || number(b, start + 11, 2) > 23 || number(b, start + 14, 2) > 59 || number(b, start + 17, 2) > 59) {
            return -1;
        }
        int i = start + t;
        int fractionEnd = end - 1;
        if (i == fractionEnd) {
            return end;
        }
        if (b[i] != '.' || fractionEnd - i - 1 < 1 || fractionEnd - i - 1 > 9) {
            return -1;
        }
        for (int k = i + 1; k < fractionEnd; k++) {
            if (!isDigit(b[k])) {
                return -1;
            }
        }
        int cut = fractionEnd;
        while (cut > i + 1 && b[cut - 1] == '0') {
            cut--;
        }
        if (cut == i + 1) {
            cut = i; // no digit left: no point either
        }
        return cut + 1;
    }

    private static int number(byte[] b, int from, int digits) {
        int v = 0;
        for (int k = from; k < from + digits; k++) {
            v = v * 10 + (b[k] - '0');
        }
        return v;
    }

    private static int lengthOfMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /**
     * Appends the content of the JSON string {@code json[from..to)} (grammar-checked: escapes well-formed, UTF-8
     * well-formed, no control character) decoded to UTF-8, as the string Jackson gives encodes; false for a lone
     * surrogate's escape, which has no UTF-8 (the canonical way decides about it).
     */
    private static boolean decodeString(byte[] json, int from, int to, RowDigests.Input out) {
        int i = from + 1;
        int last = to - 1; // the closing quote
        int run = i;
        while (i < last) {
            if (json[i] != '\\') {
                i++;
                continue;
            }
            out.append(json, run, i);
            byte e = json[i + 1];
            i += 2;
            int code;
            switch (e) {
                case 'b' -> code = '\b';
                case 'f' -> code = '\f';
                case 'n' -> code = '\n';
                case 'r' -> code = '\r';
                case 't' -> code = '\t';
                case 'u' -> {
                    code = hex4(json, i);
                    i += 4;
                    if (Character.isHighSurrogate((char) code)) {
                        if (i + 6 > last || json[i] != '\\' || json[i + 1] != 'u'
                                || !Character.isLowSurrogate((char) hex4(json, i + 2))) {
                            return false;
                        }
                        code = Character.toCodePoint((char) code, (char) hex4(json, i + 2));
                        i += 6;
                    } else if (Character.isLowSurrogate((char) code)) {
                        return false;
                    }
                }
                default -> code = e; // '"', '\\', '/'
            }
            appendUtf8(code, out);
            run = i;
        }
        out.append(json, run, last);
        return true;
    }

    private static int hex4(byte[] b, int at) {
        int code = 0;
        for (int k = 0; k < 4; k++) {
            code = code * 16 + dev.strangler.parity.json.JsonBytes.hexDigit(b[at + k]);
        }
        return code;
    }

    private static void appendUtf8(int code, RowDigests.Input out) {
        if (code < 0x80) {
            out.append((byte) code);
        } else if (code < 0x800) {
            out.append((byte) (0xC0 | code >> 6));
            out.append((byte) (0x80 | (code & 0x3F)));
        } else if (code < 0x10000) {
            out.append((byte) (0xE0 | code >> 12));
            out.append((byte) (0x80 | (code >> 6 & 0x3F)));
            out.append((byte) (0x80 | (code & 0x3F)));
        } else {
            out.append((byte) (0xF0 | code >> 18));
            out.append((byte) (0x80 | (code >> 12 & 0x3F)));
            out.append((byte) (0x80 | (code >> 6 & 0x3F)));
            out.append((byte) (0x80 | (code & 0x3F)));
        }
    }

    /**
     * Checks that well-formed UTF-8 {@code b[..end)} (a decoded string) is a JSON document in exactly the layout
     * {@link RowDigests#jsonbText} prints; each method returns where the value it read ends, or -1.
     */
    private static final class Jsonb {
        private static final int MAX_DEPTH = 200;
        private final byte[] b;
        private final int end;

        Jsonb(byte[] b, int end) {
            this.b = b;
            this.end = end;
        }

        int value(int i, int depth) {
            if (i >= end) {
                return -1;
            }
            return switch (b[i]) {
                case '{' -> depth >= MAX_DEPTH ? -1 : object(i + 1, depth + 1);
                case '[' -> depth >= MAX_DEPTH ? -1 : array(i + 1, depth + 1);
                case '"' -> string(i, false);
                case 't' -> word(i, "true");
                case 'f' -> word(i, "false");
                case 'n' -> word(i, "null");
                default -> number(i);
            };
        }

        private int object(int i, int depth) {
            if (i < end && b[i] == '}') {
                return i + 1;
            }
            int previousKey = -1;
            int previousKeyEnd = -1;
            while (true) {
                int keyEnd = string(i, true);
                if (keyEnd < 0 || (previousKey >= 0 && !after(i, keyEnd, previousKey, previousKeyEnd))) {
                    return -1;
                }
                previousKey = i;
                previousKeyEnd = keyEnd;
                if (keyEnd + 2 > end || b[keyEnd] != ':' || b[keyEnd + 1] != ' ') {
                    return -1;
                }
                i = value(keyEnd + 2, depth);
                if (i < 0 || i >= end) {
                    return -1;
                }
                if (b[i] == '}') {
                    return i + 1;
                }
                if (i + 2 > end || b[i] != ',' || b[i + 1] != ' ') {
                    return -1;
                }
                i += 2;
            }
        }

        /** Whether the key {@code b[from..to)} comes after {@code b[pFrom..pTo)} in jsonb's order (quotes alike). */
        private boolean after(int from, int to, int pFrom, int pTo) {
            if (to - from != pTo - pFrom) {
                return to - from > pTo - pFrom;
            }
            return java.util.Arrays.compareUnsigned(b, from, to, b, pFrom, pTo) > 0;
        }

        private int array(int i, int depth) {
            if (i < end && b[i] == ']') {
                return i + 1;
            }
            while (true) {
                i = value(i, depth);
                if (i < 0 || i >= end) {
                    return -1;
                }
                if (b[i] == ']') {
                    return i + 1;
                }
                if (i + 2 > end || b[i] != ',' || b[i + 1] != ' ') {
                    return -1;
                }
                i += 2;
            }
        }

        /**
         * A string escaped as escape_json escapes: the two-character escapes of {@code "}, {@code \}, backspace,
         * form feed, newline, carriage return and tab, {@code \\u00xx} (lower-case hex) for the other control
         * characters, nothing else escaped; a key without any escape.
         */
        private int string(int i, boolean key) {
            if (i >= end || b[i] != '"') {
                return -1;
            }
            i++;
            while (i < end) {
                byte c = b[i];
                if (c == '"') {
                    return i + 1;
                }
                if (c >= 0 && c < 0x20) {
                    return -1;
                }
                if (c != '\\') {
                    i++;
                    continue;
                }
                if (key || i + 1 >= end) {
                    return -1;
                }
                byte e = b[i + 1];
                if (e == '"' || e == '\\' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') {
                    i += 2;
                    continue;
                }
                if (e != 'u' || i + 6 > end || b[i + 2] != '0' || b[i + 3] != '0' || (b[i + 4] != '0'
                        && b[i + 4] != '1')) {
                    return -1;
                }
                byte h = b[i + 5];
                int low = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : -1;
                int code = (b[i + 4] - '0') * 16 + low;
                if (low < 0 || code == '\b' || code == '\f' || code == '\n' || code == '\r' || code == '\t') {
                    return -1;
                }
                i += 6;
            }
            return -1;
        }

        private int word(int i, String word) {
            if (end - i < word.length()) {
                return -1;
            }
            for (int k = 0; k < word.length(); k++) {
                if (b[i + k] != word.charAt(k)) {
                    return -1;
                }
            }
            return i + word.length();
        }

        /**
         * {@code -?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?}, not {@code -0}: what jsonbText prints a number as (a
         * BigDecimal without trailing zeros, in plain notation).
         */
        private int number(int i) {
            int start = i;
            if (i < end && b[i] == '-') {
                i++;
            }
            int intStart = i;
            while (i < end && isDigit(b[i])) {
                i++;
            }
            if (i == intStart || (i - intStart > 1 && b[intStart] == '0')) {
                return -1;
            }
            boolean zero = i - intStart == 1 && b[intStart] == '0';
            if (i < end && b[i] == '.') {
                int fractionStart = ++i;
                while (i < end && isDigit(b[i])) {
                    i++;
                }
                if (i == fractionStart || b[i - 1] == '0') {
                    return -1;
                }
                zero = false;
            }
            if (zero && intStart > start) {
                return -1; // -0 prints as 0
            }
            return i;
        }
    }
}
