package dev.strangler.parity.canonical;

import dev.strangler.parity.json.JsonBytes;
import dev.strangler.parity.json.JsonBytes.NotHere;
import java.math.BigDecimal;

/**
 * {@link JsonDocs#canonical(String)} for the documents PostgreSQL and Debezium write nearly always, read by hand:
 * no parser object, no string per member name or per plain string value, one character buffer for the whole
 * document, and for a JSON column the canonical document written as its JSON string at once (no second pass to
 * quote it). A name without an escape is compared and written as the characters it has in the document (its JSON
 * literal is already Jackson's quoting of it), a string value without an escape is copied as it is, an integer of
 * up to 18 digits as its digits.
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

    private final char[] s;
    private final int n;
    private int i;
    /** Whether the output is the canonical text as a JSON string: its quotes and backslashes escaped as written. */
    private final boolean quoted;
    private char[] out;
    private int length;

    private StrictJson(String document, boolean quoted) {
        this.s = document.toCharArray();
        this.n = s.length;
        this.quoted = quoted;
        this.out = new char[n + n / 2 + 16];
    }

    /** The canonical text of {@code document}, or null when it is left to the general reading. */
    static String canonical(String document) {
        return write(document, false);
    }

    /** {@link JsonDocs#quote} of {@link #canonical}, written at once; null when left to the general reading. */
    static String canonicalQuoted(String document) {
        return write(document, true);
    }

    private static String write(String document, boolean quoted) {
        StrictJson r = new StrictJson(document, quoted);
        try {
            r.skipWhitespace();
            if (r.i >= r.n) {
                return null; // no value: the general reading's missing node
            }
            if (quoted) {
                r.put('"');
            }
            r.value(0);
            r.skipWhitespace();
            if (r.i != r.n) {
                return null; // trailing text: the general reading decides what it means
            }
            if (quoted) {
                r.put('"');
            }
            return new String(r.out, 0, r.length);
        } catch (NotHere | IndexOutOfBoundsException e) {
            return null;
        }
    }

    // ---- output ----------------------------------------------------------------------------------------------

    private void ensure(int more) {
        if (length + more > out.length) {
            out = java.util.Arrays.copyOf(out, Math.max(out.length * 2, length + more));
        }
    }

    private void put(char c) {
        ensure(1);
        out[length++] = c;
    }

    private void put(String text) {
        ensure(text.length());
        text.getChars(0, text.length(), out, length);
        length += text.length();
    }

    /** A quote of the canonical text: {@code \"} when the output is itself quoted. */
    private void putQuote() {
        ensure(2);
        if (quoted) {
            out[length++] = '\\';
        }
        out[length++] = '"';
    }

    /** Characters of the document without quotes, backslashes or control characters, as they are. */
    private void putPlain(int from, int to) {
        ensure(to - from);
        System.arraycopy(s, from, out, length, to - from);
        length += to - from;
    }

    /** A character of a string's escaped form (Jackson's), escaped once more when the output is quoted. */
    private void putEscapedForm(char c) {
        if (quoted && (c == '"' || c == '\\')) {
            ensure(2);
            out[length++] = '\\';
            out[length++] = c;
        } else {
            put(c);
        }
    }

    // ---- input -----------------------------------------------------------------------------------------------

    private void skipWhitespace() {
        while (i < n) {
            char c = s[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            i++;
        }
    }

    private void value(int depth) {
        char c = s[i];
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
        for (int k = 0; k < word.length(); k++) {
            if (s[i + k] != word.charAt(k)) {
                throw NotHere.INSTANCE;
            }
        }
        put(word);
        i += word.length();
    }

    private void array(int depth) {
        if (depth >= MAX_DEPTH) {
            throw NotHere.INSTANCE;
        }
        i++; // [
        put('[');
        skipWhitespace();
        if (s[i] == ']') {
            i++;
            put(']');
            return;
        }
        while (true) {
            value(depth + 1);
            skipWhitespace();
            char c = s[i++];
            if (c == ']') {
                put(']');
                return;
            }
            if (c != ',') {
                throw NotHere.INSTANCE;
            }
            put(',');
            skipWhitespace();
        }
    }

    /**
     * An object: each member is written as it is read ({@code "name":value}), with where its name is in the document
     * and where the member is in the output; when the names did not come in order (or one came twice), the members
     * are written again in name order, the last of a name given twice kept (as the tree keeps it).
     */
    private void object(int depth) {
        if (depth >= MAX_DEPTH) {
            throw NotHere.INSTANCE;
        }
        i++; // {
        int start = length;
        put('{');
        skipWhitespace();
        if (s[i] == '}') {
            i++;
            put('}');
            return;
        }
        // per member: name start, name end (inside the document's quotes), member start, member end (in the output)
        int[] members = new int[4 * 8];
        int count = 0;
        boolean sorted = true;
        while (true) {
            if (s[i] != '"') {
                throw NotHere.INSTANCE;
            }
            int nameStart = ++i;
            while (true) {
                char c = s[i];
                if (c == '"') {
                    break;
                }
                if (c == '\\' || c < 0x20) {
                    throw NotHere.INSTANCE; // an escaped name: compared by its decoded text, the general reading
                }
                i++;
            }
            int nameEnd = i++;
            skipWhitespace();
            if (s[i++] != ':') {
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
                put(',');
            }
            int memberStart = length;
            // the name has no escape and no control character: its literal is already Jackson's quoting of it
            putQuote();
            putPlain(nameStart, nameEnd);
            putQuote();
            put(':');
            value(depth + 1);
            int m = 4 * count;
            members[m] = nameStart;
            members[m + 1] = nameEnd;
            members[m + 2] = memberStart;
            members[m + 3] = length;
            if (count > 0 && compareNames(members, m - 4, m) >= 0) {
                sorted = false;
            }
            count++;
            skipWhitespace();
            char c = s[i++];
            if (c == '}') {
                break;
            }
            if (c != ',') {
                throw NotHere.INSTANCE;
            }
            skipWhitespace();
        }
        if (!sorted) {
            reorder(members, count, start);
        }
        put('}');
    }

    /** Writes the object's members (from {@code start}, its brace) again in name order, the last of a name kept. */
    private void reorder(int[] members, int count, int start) {
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
        char[] written = java.util.Arrays.copyOfRange(out, start, length);
        length = start + 1; // after the brace
        boolean first = true;
        for (int a = 0; a < count; a++) {
            if (a + 1 < count && compareNames(members, 4 * order[a], 4 * order[a + 1]) == 0) {
                continue; // a name given again later: that later value is the one kept
            }
            int m = 4 * order[a];
            if (!first) {
                out[length++] = ',';
            }
            first = false;
            int from = members[m + 2] - start;
            int to = members[m + 3] - start;
            System.arraycopy(written, from, out, length, to - from);
            length += to - from;
        }
    }

    /** {@link String#compareTo} of two members' names, read where they are in the document (no escapes in them). */
    private int compareNames(int[] members, int a, int b) {
        int aFrom = members[a];
        int aLength = members[a + 1] - aFrom;
        int bFrom = members[b];
        int bLength = members[b + 1] - bFrom;
        int shorter = Math.min(aLength, bLength);
        for (int k = 0; k < shorter; k++) {
            char x = s[aFrom + k];
            char y = s[bFrom + k];
            if (x != y) {
                return x - y;
            }
        }
        return aLength - bLength;
    }

    /** A string: copied as it is without an escape (its literal is then Jackson's quoting), else decoded and quoted. */
    private void string() {
        int start = ++i;
        while (true) {
            char c = s[i];
            if (c == '"') {
                putQuote();
                putPlain(start, i);
                putQuote();
                i++;
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
        StringBuilder decoded = new StringBuilder(i - start + 16).append(s, start, i - start);
        while (true) {
            char c = s[i++];
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
            char e = s[i++];
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
                        code = code * 16 + JsonBytes.hexDigit(s[i++]);
                    }
                    decoded.append((char) code);
                }
                default -> throw NotHere.INSTANCE;
            }
        }
        String escapedForm = JsonDocs.quote(decoded.toString());
        for (int k = 0; k < escapedForm.length(); k++) {
            putEscapedForm(escapedForm.charAt(k));
        }
    }

    /**
     * A number in RFC 8259's grammar: an integer of up to 18 digits as its digits ({@code -0} as {@code 0}), a plain
     * decimal as {@link Numbers} writes it without a BigDecimal, anything else by {@link JsonDocs#number}.
     */
    private void number() {
        int start = i;
        if (s[i] == '-') {
            i++;
        }
        int intStart = i;
        char first = s[i];
        if (first == '0') {
            i++;
        } else if (first >= '1' && first <= '9') {
            while (i < n && JsonBytes.isDigit(s[i])) {
                i++;
            }
        } else {
            throw NotHere.INSTANCE;
        }
        int intEnd = i;
        boolean fraction = false;
        boolean exponent = false;
        if (i < n && s[i] == '.') {
            i++;
            digits();
            fraction = true;
        }
        if (i < n && (s[i] == 'e' || s[i] == 'E')) {
            i++;
            if (i < n && (s[i] == '+' || s[i] == '-')) {
                i++;
            }
            digits();
            exponent = true;
        }
        if (!fraction && !exponent && intEnd - intStart <= 18) {
            if (intEnd - intStart == 1 && first == '0') {
                put('0'); // 0 and -0
            } else {
                putPlain(start, i);
            }
            return;
        }
        String text = new String(s, start, i - start);
        String plain = exponent ? null : Numbers.plainDecimal(text);
        put(plain != null ? plain : JsonDocs.number(new BigDecimal(text)));
    }

    /** One or more digits, as the grammar wants after a point and in an exponent. */
    private void digits() {
        int from = i;
        while (i < n && JsonBytes.isDigit(s[i])) {
            i++;
        }
        if (i == from) {
            throw NotHere.INSTANCE;
        }
    }
}
