package dev.strangler.parity.canonical;

import java.math.BigDecimal;

/**
 * {@link JsonDocs#canonical(String)} for the documents PostgreSQL and Debezium write nearly always, read by hand:
 * no parser object, no string per member name or per plain string value, one builder for the whole document. A
 * name without an escape is compared and written as the characters it has in the document (its JSON literal is
 * already Jackson's quoting of it), a string value without an escape is copied as it is, an integer of up to 18
 * digits as its digits.
 *
 * <p>Reads strict JSON only, and only what it can write exactly as the tree would: anything else (a name with an
 * escape, an object of more than {@value #MAX_MEMBERS} members, nesting deeper than {@value #MAX_DEPTH}, any
 * departure from RFC 8259 such as a control character in a string, a leading zero or trailing text, an empty
 * document) gives null, and the caller reads the document the general way, which is the rule (and words the
 * errors). JsonDocsFastPathTest compares both on edge cases and random documents.
 */
final class StrictJson {

    static final int MAX_MEMBERS = 32;
    static final int MAX_DEPTH = 64;

    /** Thrown, without a stack, where the document leaves the subset this reader writes. */
    private static final class NotHere extends RuntimeException {
        static final NotHere INSTANCE = new NotHere();

        private NotHere() {
            super(null, null, false, false);
        }
    }

    private final String s;
    private final int n;
    private int i;
    private final StringBuilder out;

    private StrictJson(String document, StringBuilder out) {
        this.s = document;
        this.n = document.length();
        this.out = out;
    }

    /** The canonical text of {@code document}, or null when it is left to the general reading. */
    static String canonical(String document) {
        StringBuilder out = new StringBuilder(document.length() + 16);
        return appendCanonical(document, out) ? out.toString() : null;
    }

    /**
     * Appends the canonical text of {@code document} to {@code out}; false (and {@code out} as it was) when the
     * document is left to the general reading.
     */
    static boolean appendCanonical(String document, StringBuilder out) {
        int start = out.length();
        StrictJson r = new StrictJson(document, out);
        try {
            r.skipWhitespace();
            if (r.i >= r.n) {
                return fail(out, start); // no value: the general reading's missing node
            }
            r.value(0);
            r.skipWhitespace();
            if (r.i != r.n) {
                return fail(out, start); // trailing text: the general reading decides what it means
            }
            return true;
        } catch (NotHere | IndexOutOfBoundsException e) {
            return fail(out, start);
        }
    }

    private static boolean fail(StringBuilder out, int start) {
        out.setLength(start);
        return false;
    }

    private void skipWhitespace() {
        while (i < n) {
            char c = s.charAt(i);
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            i++;
        }
    }

    private void value(int depth) {
        char c = s.charAt(i);
        switch (c) {
            case '{' -> object(depth);
            case '[' -> array(depth);
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    number();
                } else {
                    throw NotHere.INSTANCE;
                }
            }
        }
    }

    private void literal(String word) {
        if (!s.startsWith(word, i)) {
            throw NotHere.INSTANCE;
        }
        out.append(word);
        i += word.length();
    }

    private void array(int depth) {
        if (depth >= MAX_DEPTH) {
            throw NotHere.INSTANCE;
        }
        i++; // [
        out.append('[');
        skipWhitespace();
        if (s.charAt(i) == ']') {
            i++;
            out.append(']');
            return;
        }
        while (true) {
            value(depth + 1);
            skipWhitespace();
            char c = s.charAt(i++);
            if (c == ']') {
                out.append(']');
                return;
            }
            if (c != ',') {
                throw NotHere.INSTANCE;
            }
            out.append(',');
            skipWhitespace();
        }
    }

    /**
     * An object: each member is written to {@code out} as it is read ({@code "name":value}), with where its name is
     * in the document and where the member is in {@code out}; when the names did not come in order (or one came
     * twice), the members are written again in name order, the last of a name given twice kept (as the tree keeps
     * it).
     */
    private void object(int depth) {
        if (depth >= MAX_DEPTH) {
            throw NotHere.INSTANCE;
        }
        i++; // {
        int start = out.length();
        out.append('{');
        skipWhitespace();
        if (s.charAt(i) == '}') {
            i++;
            out.append('}');
            return;
        }
        // per member: name start, name end (the document's quotes included), member start, member end (in out)
        int[] members = new int[4 * 8];
        int count = 0;
        boolean sorted = true;
        while (true) {
            if (s.charAt(i) != '"') {
                throw NotHere.INSTANCE;
            }
            int nameStart = i;
            i++;
            while (true) {
                char c = s.charAt(i);
                if (c == '"') {
                    break;
                }
                if (c == '\\' || c < 0x20) {
                    throw NotHere.INSTANCE; // an escaped name: compared by its decoded text, the general reading
                }
                i++;
            }
            i++;
            int nameEnd = i;
            skipWhitespace();
            if (s.charAt(i++) != ':') {
                throw NotHere.INSTANCE;
            }
            skipWhitespace();
            if (count == MAX_MEMBERS) {
                throw NotHere.INSTANCE;
            }
            if (4 * count == members.length) {
                members = java.util.Arrays.copyOf(members, members.length * 2);
            }
            if (count > 0) {
                out.append(',');
            }
            int memberStart = out.length();
            // the name's literal has no escape and no control character: it is already quoted as Jackson quotes
            out.append(s, nameStart, nameEnd).append(':');
            value(depth + 1);
            int m = 4 * count;
            members[m] = nameStart;
            members[m + 1] = nameEnd;
            members[m + 2] = memberStart;
            members[m + 3] = out.length();
            if (count > 0 && compareNames(members, m - 4, m) >= 0) {
                sorted = false;
            }
            count++;
            skipWhitespace();
            char c = s.charAt(i++);
            if (c == '}') {
                break;
            }
            if (c != ',') {
                throw NotHere.INSTANCE;
            }
            skipWhitespace();
        }
        if (sorted) {
            out.append('}'); // in order, no name twice: written as it is
            return;
        }
        int[] order = new int[count];
        for (int k = 0; k < count; k++) {
            order[k] = k;
        }
        // stable insertion sort by name: members of the same name stay in document order, the last one wins below
        for (int a = 1; a < count; a++) {
            int moving = order[a];
            int b = a - 1;
            while (b >= 0 && compareNames(members, 4 * order[b], 4 * moving) > 0) {
                order[b + 1] = order[b];
                b--;
            }
            order[b + 1] = moving;
        }
        String written = out.substring(start);
        out.setLength(start);
        out.append('{');
        boolean first = true;
        for (int a = 0; a < count; a++) {
            if (a + 1 < count && compareNames(members, 4 * order[a], 4 * order[a + 1]) == 0) {
                continue; // a name given again later: that later value is the one kept
            }
            int m = 4 * order[a];
            if (!first) {
                out.append(',');
            }
            first = false;
            out.append(written, members[m + 2] - start, members[m + 3] - start);
        }
        out.append('}');
    }

    /** {@link String#compareTo} of two members' names, read where they are in the document (no escapes in them). */
    private int compareNames(int[] members, int a, int b) {
        int aFrom = members[a] + 1;
        int aLength = members[a + 1] - 1 - aFrom;
        int bFrom = members[b] + 1;
        int bLength = members[b + 1] - 1 - bFrom;
        int shorter = Math.min(aLength, bLength);
        for (int k = 0; k < shorter; k++) {
            char x = s.charAt(aFrom + k);
            char y = s.charAt(bFrom + k);
            if (x != y) {
                return x - y;
            }
        }
        return aLength - bLength;
    }

    /** A string: copied as it is without an escape (its literal is then Jackson's quoting), else decoded and quoted. */
    private void string() {
        int start = i;
        i++;
        while (true) {
            char c = s.charAt(i);
            if (c == '"') {
                i++;
                out.append(s, start, i);
                return;
            }
            if (c == '\\') {
                break;
            }
            if (c < 0x20) {
                throw NotHere.INSTANCE;
            }
            i++;
        }
        StringBuilder decoded = new StringBuilder(i - start + 16).append(s, start + 1, i);
        while (true) {
            char c = s.charAt(i++);
            if (c == '"') {
                break;
            }
            if (c < 0x20) {
                throw NotHere.INSTANCE;
            }
            if (c != '\\') {
                decoded.append(c);
                continue;
            }
            char e = s.charAt(i++);
            switch (e) {
                case '"', '\\', '/' -> decoded.append(e);
                case 'b' -> decoded.append('\b');
                case 'f' -> decoded.append('\f');
                case 'n' -> decoded.append('\n');
                case 'r' -> decoded.append('\r');
                case 't' -> decoded.append('\t');
                case 'u' -> {
                    int code = 0;
                    for (int k = 0; k < 4; k++) {
                        int d = hexDigit(s.charAt(i++));
                        code = code * 16 + d;
                    }
                    decoded.append((char) code);
                }
                default -> throw NotHere.INSTANCE;
            }
        }
        JsonDocs.appendQuoted(out, decoded);
    }

    /**
     * A number in RFC 8259's grammar: an integer of up to 18 digits as its digits ({@code -0} as {@code 0}), a plain
     * decimal as {@link Numbers} writes it without a BigDecimal, anything else by {@link JsonDocs#number}.
     */
    private void number() {
        int start = i;
        if (s.charAt(i) == '-') {
            i++;
        }
        int intStart = i;
        char first = s.charAt(i);
        if (first == '0') {
            i++;
        } else if (first >= '1' && first <= '9') {
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
        } else {
            throw NotHere.INSTANCE;
        }
        int intEnd = i;
        boolean fraction = false;
        boolean exponent = false;
        if (i < n && s.charAt(i) == '.') {
            i++;
            int from = i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == from) {
                throw NotHere.INSTANCE;
            }
            fraction = true;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int from = i;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
            }
            if (i == from) {
                throw NotHere.INSTANCE;
            }
            exponent = true;
        }
        if (!fraction && !exponent && intEnd - intStart <= 18) {
            if (intEnd - intStart == 1 && first == '0') {
                out.append('0'); // 0 and -0
            } else {
                out.append(s, start, i);
            }
            return;
        }
        String text = s.substring(start, i);
        String plain = exponent ? null : Numbers.plainDecimal(text);
        out.append(plain != null ? plain : JsonDocs.number(new BigDecimal(text)));
    }

    /** An ASCII hex digit's value (Jackson reads no other). */
    private static int hexDigit(char c) {
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

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
