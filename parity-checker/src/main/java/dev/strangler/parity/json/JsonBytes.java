package dev.strangler.parity.json;

import java.nio.charset.StandardCharsets;

/**
 * RFC 8259 read from UTF-8 bytes, token by token, as strictly as Jackson reads it: well-formed UTF-8 (Unicode's table
 * 3-7), no control character in a string, escapes and numbers by the grammar, a token followed by a delimiter. What
 * these methods accept, Jackson reads the same way; anything else (and anything a caller leaves to Jackson: a name of
 * more than {@value #MAX_NAME} bytes, nesting deeper than {@value #MAX_DEPTH}, an integer past a long) throws
 * {@link NotHere}, and the caller gives up on the record, which Jackson then reads (and words the error for).
 *
 * <p>Each method takes the bytes and where it starts, and returns where it stopped: the readers keep their position
 * in a local or a field and no object is made per call, so the JIT can inline them into the readers' loops. The value
 * runs to the end of the array. Reading past that end throws {@link ArrayIndexOutOfBoundsException} rather than being
 * checked on every byte: every caller catches it with {@link NotHere}, a value cut off being one more departure from
 * the grammar.
 */
public final class JsonBytes {

    /**
     * The longest member name, in bytes, {@link #skipValue} passes over; a longer one is left to Jackson, so this
     * reading never decides about a name near Jackson's own limit on names.
     */
    public static final int MAX_NAME = 256;
    /** The deepest nesting {@link #skipValue} passes over; deeper is left to Jackson, whose own limit is higher. */
    public static final int MAX_DEPTH = 200;

    /**
     * Thrown, without a stack (it marks a record left to Jackson, not an error, and may be thrown per record), where
     * the bytes leave what a reader reads.
     */
    public static final class NotHere extends RuntimeException {
        public static final NotHere INSTANCE = new NotHere();

        private NotHere() {
            super(null, null, false, false);
        }
    }

    private JsonBytes() {
    }

    /** After the whitespace at {@code at} (RFC 8259's four characters only). */
    public static int skipWhitespace(byte[] b, int at) {
        int i = at;
        while (i < b.length) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return i;
            }
            i++;
        }
        return i;
    }

    /** After the ASCII character {@code c}, which must be at {@code at}. */
    public static int expect(byte[] b, int at, char c) {
        if (b[at] != c) {
            throw NotHere.INSTANCE;
        }
        return at + 1;
    }

    /** After the ASCII {@code word} ({@code true}, {@code false}, {@code null}), which must be at {@code at}. */
    public static int literal(byte[] b, int at, String word) {
        for (int k = 0; k < word.length(); k++) {
            if (b[at + k] != word.charAt(k)) {
                throw NotHere.INSTANCE;
            }
        }
        return at + word.length();
    }

    /**
     * Inside a string, from {@code at}: where the first quote or backslash is, the bytes before it checked (no control
     * character, well-formed UTF-8). A string without escapes ends there; the caller decides what an escape means to
     * it (refused, decoded, compared).
     */
    public static int unescapedEnd(byte[] b, int at) {
        int i = at;
        while (true) {
            byte c = b[i];
            if (c == '"' || c == '\\') {
                return i;
            }
            if (c >= 0 && c < 0x20) {
                throw NotHere.INSTANCE;
            }
            i = c >= 0 ? i + 1 : utf8End(b, i);
        }
    }

    /**
     * After a string whose opening quote is at {@code at}, its escapes checked by the grammar; when {@code name}, one
     * of at most {@value #MAX_NAME} bytes between its quotes.
     */
    public static int skipString(byte[] b, int at, boolean name) {
        int i = expect(b, at, '"');
        int start = i;
        while (true) {
            byte c = b[i];
            if (c == '"') {
                break;
            }
            if (c >= 0 && c < 0x20) {
                throw NotHere.INSTANCE;
            }
            if (c == '\\') {
                i = escapeEnd(b, i);
            } else {
                i = c >= 0 ? i + 1 : utf8End(b, i);
            }
        }
        if (name && i - start > MAX_NAME) {
            throw NotHere.INSTANCE;
        }
        return i + 1;
    }

    /** After the escape whose backslash is at {@code at}: one of RFC 8259's eight, or {@code \\u} and four hex digits. */
    private static int escapeEnd(byte[] b, int at) {
        switch (b[at + 1]) {
            case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> {
                return at + 2;
            }
            case 'u' -> {
                for (int k = 2; k < 6; k++) {
                    hexDigit(b[at + k]);
                }
                return at + 6;
            }
            default -> throw NotHere.INSTANCE;
        }
    }

    /**
     * After one value at {@code at}, checked by the grammar, containers at most {@value #MAX_DEPTH} deep counting
     * from {@code depth}. A scalar must be followed by a delimiter (or the end): {@code truex} or {@code 1x} is not a
     * token. After a closing bracket nothing is checked; every caller reads on to a comma or a closing bracket, which
     * refuses whatever the delimiter check would.
     */
    public static int skipValue(byte[] b, int at, int depth) {
        int i;
        switch (b[at]) {
            case '{' -> {
                return skipObject(b, at, depth);
            }
            case '[' -> {
                return skipArray(b, at, depth);
            }
            case '"' -> i = skipString(b, at, false);
            case 't' -> i = literal(b, at, "true");
            case 'f' -> i = literal(b, at, "false");
            case 'n' -> i = literal(b, at, "null");
            default -> i = skipNumber(b, at);
        }
        if (i < b.length && !isDelimiter(b[i])) {
            throw NotHere.INSTANCE;
        }
        return i;
    }

    private static int skipObject(byte[] b, int at, int depth) {
        if (depth >= MAX_DEPTH) {
            throw NotHere.INSTANCE;
        }
        int i = skipWhitespace(b, at + 1);
        if (b[i] == '}') {
            return i + 1;
        }
        while (true) {
            i = skipWhitespace(b, skipString(b, i, true));
            i = skipWhitespace(b, expect(b, i, ':'));
            i = skipWhitespace(b, skipValue(b, i, depth + 1));
            byte next = b[i++];
            if (next == '}') {
                return i;
            }
            if (next != ',') {
                throw NotHere.INSTANCE;
            }
            i = skipWhitespace(b, i);
        }
    }

    private static int skipArray(byte[] b, int at, int depth) {
        if (depth >= MAX_DEPTH) {
            throw NotHere.INSTANCE;
        }
        int i = skipWhitespace(b, at + 1);
        if (b[i] == ']') {
            return i + 1;
        }
        while (true) {
            i = skipWhitespace(b, skipValue(b, i, depth + 1));
            byte next = b[i++];
            if (next == ']') {
                return i;
            }
            if (next != ',') {
                throw NotHere.INSTANCE;
            }
            i = skipWhitespace(b, i);
        }
    }

    /** Whether {@code c} may follow a scalar token: a comma, a closing bracket or whitespace. */
    public static boolean isDelimiter(byte c) {
        return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    /** After a number at {@code at} in RFC 8259's grammar (no leading zero, digits after a point and an exponent). */
    public static int skipNumber(byte[] b, int at) {
        int i = at;
        if (b[i] == '-') {
            i++;
        }
        byte first = b[i];
        if (first == '0') {
            i++;
        } else if (first >= '1' && first <= '9') {
            while (i < b.length && isDigit(b[i])) {
                i++;
            }
        } else {
            throw NotHere.INSTANCE;
        }
        if (i < b.length && b[i] == '.') {
            i = digits(b, i + 1);
        }
        if (i < b.length && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < b.length && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            i = digits(b, i);
        }
        return i;
    }

    /** After one or more digits at {@code at}. */
    private static int digits(byte[] b, int at) {
        int i = at;
        while (i < b.length && isDigit(b[i])) {
            i++;
        }
        if (i == at) {
            throw NotHere.INSTANCE;
        }
        return i;
    }

    /**
     * After an integer at {@code at} that is an int or a long to Jackson: no fraction, no exponent, 1 to 19 digits
     * without a leading zero ({@link #longValue} refuses the 19-digit ones past a long).
     */
    public static int integerEnd(byte[] b, int at) {
        int start = b[at] == '-' ? at + 1 : at;
        int i = start;
        while (i < b.length && isDigit(b[i])) {
            i++;
        }
        int digits = i - start;
        if (digits < 1 || digits > 19 || (digits > 1 && b[start] == '0')) {
            throw NotHere.INSTANCE;
        }
        if (i < b.length && (b[i] == '.' || b[i] == 'e' || b[i] == 'E')) {
            throw NotHere.INSTANCE;
        }
        return i;
    }

    /** The value of the integer {@link #integerEnd} found between {@code from} and {@code to}. */
    public static long longValue(byte[] b, int from, int to) {
        boolean negative = b[from] == '-';
        int start = negative ? from + 1 : from;
        if (to - start == 19) {
            // may be past a long (Jackson's BigInteger then): read exactly, or leave it
            try {
                return Long.parseLong(new String(b, from, to - from, StandardCharsets.ISO_8859_1));
            } catch (NumberFormatException e) {
                throw NotHere.INSTANCE;
            }
        }
        long v = 0;
        for (int k = start; k < to; k++) {
            v = v * 10 + (b[k] - '0');
        }
        return negative ? -v : v;
    }

    /** Whether a byte or a char is an ASCII digit (the grammar's only digits). */
    public static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    /** The value of an ASCII hex digit, a byte or a char (Jackson reads no other). */
    public static int hexDigit(int c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        throw NotHere.INSTANCE;
    }

    /**
     * After the well-formed UTF-8 sequence of more than one byte starting at {@code at} (Unicode's table 3-7: no
     * overlong form, no surrogate, nothing past U+10FFFF); anything else is left to Jackson.
     */
    public static int utf8End(byte[] b, int at) {
        int lead = b[at] & 0xFF;
        int count;
        int low = 0x80;
        int high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            count = 1;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            count = 2;
            if (lead == 0xE0) {
                low = 0xA0;
            } else if (lead == 0xED) {
                high = 0x9F;
            }
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            count = 3;
            if (lead == 0xF0) {
                low = 0x90;
            } else if (lead == 0xF4) {
                high = 0x8F;
            }
        } else {
            throw NotHere.INSTANCE;
        }
        int second = b[at + 1] & 0xFF;
        if (second < low || second > high) {
            throw NotHere.INSTANCE;
        }
        for (int k = 2; k <= count; k++) {
            int next = b[at + k] & 0xFF;
            if (next < 0x80 || next > 0xBF) {
                throw NotHere.INSTANCE;
            }
        }
        return at + count + 1;
    }
}
