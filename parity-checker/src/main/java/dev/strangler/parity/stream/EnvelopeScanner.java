package dev.strangler.parity.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.strangler.parity.model.Operation;
import java.nio.charset.StandardCharsets;

/**
 * {@link EnvelopeParser#parseWithoutTree} for the envelopes Debezium writes, read by hand from the record's bytes:
 * no parser object, no string per field name, the after-image's extent found by scanning its bytes, a flat record key
 * built as the tree Jackson would build. Every value it passes over is checked as strictly as RFC 8259 asks (well-formed
 * UTF-8, no control character in a string, escapes and numbers by the grammar), so whatever it reads Jackson reads the
 * same way.
 *
 * <p>Anything else gives null, and the record is read with Jackson's tokens (then its tree), which is the rule: a
 * field name with an escape or of more than {@value #MAX_NAME} bytes, a field the fold reads given twice, a value of
 * another JSON type than expected, an integer past a long where the fold reads one, schemas on, a key that is not
 * a flat object of strings without escapes, integers within a long, booleans and nulls, nesting deeper than {@value #MAX_DEPTH},
 * trailing text, any departure from the grammar. EnvelopeParserFastPathTest compares it with both readings.
 */
final class EnvelopeScanner {

    static final int MAX_NAME = 256;
    static final int MAX_DEPTH = 200;

    /** Thrown, without a stack, where the record leaves what this reader reads. */
    private static final class NotHere extends RuntimeException {
        static final NotHere INSTANCE = new NotHere();

        private NotHere() {
            super(null, null, false, false);
        }
    }

    private final byte[] b;
    private final int n;
    private int i;

    private EnvelopeScanner(byte[] bytes) {
        this.b = bytes;
        this.n = bytes.length;
    }

    /** The event, or null when the record is left to the general reading. */
    static ChangeEvent scan(byte[] keyBytes, byte[] valueBytes) {
        if (valueBytes == null) {
            return null;
        }
        try {
            // the usual key, one integer member, is kept as its bytes: the fold builds its canonical key from them
            boolean plain = keyBytes != null && isPlainIntegerKey(keyBytes);
            JsonNode key = keyBytes == null || plain ? null : new EnvelopeScanner(keyBytes).key();
            return new EnvelopeScanner(valueBytes).envelope(key, plain ? keyBytes : null);
        } catch (NotHere | ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }

    // ---- the envelope ----------------------------------------------------------------------------------------

    private ChangeEvent envelope(JsonNode key, byte[] keyJson) {
        skipWhitespace();
        expect('{');
        Operation op = null;
        byte[] after = null;
        boolean seenAfter = false;
        boolean seenSource = false;
        long txId = -1;
        long lsn = -1;
        long tsMs = -1;
        String snapshot = "false";
        String marker = null;
        skipWhitespace();
        if (b[i] != '}') {
            while (true) {
                int nameStart = i + 1;
                int nameEnd = name();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                if (is(nameStart, nameEnd, "op")) {
                    if (op != null) {
                        throw NotHere.INSTANCE;
                    }
                    op = Operation.forCode(plainString()).orElseThrow(() -> NotHere.INSTANCE);
                } else if (is(nameStart, nameEnd, "after")) {
                    if (seenAfter) {
                        throw NotHere.INSTANCE;
                    }
                    seenAfter = true;
                    if (b[i] == '{') {
                        int start = i;
                        skipValue(0);
                        after = java.util.Arrays.copyOfRange(b, start, i);
                    } else {
                        literal("null");
                    }
                } else if (is(nameStart, nameEnd, "source")) {
                    if (seenSource) {
                        throw NotHere.INSTANCE;
                    }
                    seenSource = true;
                    // the source's fields, each at most once (the tree would keep the last of two)
                    expect('{');
                    boolean seenTxId = false;
                    boolean seenLsn = false;
                    boolean seenTsMs = false;
                    boolean seenSnapshot = false;
                    skipWhitespace();
                    if (b[i] != '}') {
                        while (true) {
                            int fieldStart = i + 1;
                            int fieldEnd = name();
                            skipWhitespace();
                            expect(':');
                            skipWhitespace();
                            if (is(fieldStart, fieldEnd, "txId")) {
                                seenTxId = once(seenTxId);
                                txId = longValue();
                            } else if (is(fieldStart, fieldEnd, "lsn")) {
                                seenLsn = once(seenLsn);
                                lsn = longValue();
                            } else if (is(fieldStart, fieldEnd, "ts_ms")) {
                                seenTsMs = once(seenTsMs);
                                tsMs = longValue();
                            } else if (is(fieldStart, fieldEnd, "snapshot")) {
                                seenSnapshot = once(seenSnapshot);
                                if (b[i] == '"') {
                                    snapshot = plainString();
                                } else if (b[i] == 't') {
                                    literal("true");
                                    snapshot = "true";
                                } else {
                                    literal("false");
                                    snapshot = "false";
                                }
                                marker = snapshot;
                            } else {
                                skipValue(1);
                            }
                            if (!endOfMember()) {
                                break;
                            }
                        }
                    } else {
                        i++;
                    }
                } else if (is(nameStart, nameEnd, "schema") || is(nameStart, nameEnd, "payload")) {
                    throw NotHere.INSTANCE; // maybe a schemas-on wrapper: the tree decides
                } else {
                    skipValue(0);
                }
                if (!endOfMember()) {
                    break;
                }
            }
        } else {
            i++;
        }
        skipWhitespace();
        if (i != n || op == null) {
            throw NotHere.INSTANCE;
        }
        boolean isSnapshot = !snapshot.equals("false") && !snapshot.isEmpty();
        return new ChangeEvent(key, op, null, txId, lsn, isSnapshot, marker, tsMs, false, after, keyJson);
    }

    /**
     * Whether a record key is exactly {@code {"name":integer}}: a name of printable ASCII without escapes (not
     * {@code schema} or {@code payload}), an integer within a long as {@link #longValue} reads it, no whitespace. Such
     * a key reads as the tree {@link #key} builds for it ({@link #plainIntegerKeyNode}).
     */
    static boolean isPlainIntegerKey(byte[] k) {
        int n = k.length;
        if (n < 6 || k[0] != '{' || k[1] != '"' || k[n - 1] != '}') {
            return false;
        }
        int i = 2;
        while (i < n && k[i] != '"') {
            if (k[i] < 0x20 || k[i] > 0x7E || k[i] == '\\') {
                return false;
            }
            i++;
        }
        int nameLength = i - 2;
        if (nameLength == 0 || nameLength > MAX_NAME || i + 2 >= n - 1 || k[i + 1] != ':'
                || (nameLength == 6 && (new String(k, 2, 6, StandardCharsets.ISO_8859_1).equals("schema")))
                || (nameLength == 7 && (new String(k, 2, 7, StandardCharsets.ISO_8859_1).equals("payload")))) {
            return false;
        }
        int from = i + 2 + (k[i + 2] == '-' ? 1 : 0);
        int digits = n - 1 - from;
        if (digits < 1 || digits > 18 || (digits > 1 && k[from] == '0')) {
            return false; // 19 digits may be past a long: read as the tree would be
        }
        for (int d = from; d < n - 1; d++) {
            if (k[d] < '0' || k[d] > '9') {
                return false;
            }
        }
        return true;
    }

    /** The tree of a key {@link #isPlainIntegerKey} took. */
    static JsonNode plainIntegerKeyNode(byte[] keyJson) {
        return new EnvelopeScanner(keyJson).key();
    }

    private static boolean once(boolean seen) {
        if (seen) {
            throw NotHere.INSTANCE;
        }
        return true;
    }

    /** After a member's value: true at a comma (and the next member's name ahead), false at the closing brace. */
    private boolean endOfMember() {
        skipWhitespace();
        byte c = b[i++];
        if (c == '}') {
            return false;
        }
        if (c != ',') {
            throw NotHere.INSTANCE;
        }
        skipWhitespace();
        return true;
    }

    /**
     * The record key as the tree Jackson reads: an object of names without escapes and scalar values (strings without
     * escapes, integers within a long as an int or long node, booleans, null), each name once.
     */
    private JsonNode key() {
        skipWhitespace();
        expect('{');
        ObjectNode key = JsonNodeFactory.instance.objectNode();
        skipWhitespace();
        if (b[i] != '}') {
            while (true) {
                int nameStart = i + 1;
                int nameEnd = name();
                String name = new String(b, nameStart, nameEnd - nameStart, StandardCharsets.UTF_8);
                if (name.equals("schema") || name.equals("payload") || key.has(name)) {
                    throw NotHere.INSTANCE; // a schemas-on wrapper, or a name twice: the tree decides
                }
                skipWhitespace();
                expect(':');
                skipWhitespace();
                byte c = b[i];
                JsonNode value;
                if (c == '"') {
                    value = TextNode.valueOf(plainString());
                } else if (c == 't') {
                    literal("true");
                    value = BooleanNode.TRUE;
                } else if (c == 'f') {
                    literal("false");
                    value = BooleanNode.FALSE;
                } else if (c == 'n') {
                    literal("null");
                    value = NullNode.getInstance();
                } else {
                    long v = longValue();
                    value = v == (int) v ? IntNode.valueOf((int) v) : LongNode.valueOf(v);
                }
                key.set(name, value);
                if (!endOfMember()) {
                    break;
                }
            }
        } else {
            i++;
        }
        skipWhitespace();
        if (i != n) {
            throw NotHere.INSTANCE;
        }
        return key;
    }

    // ---- tokens ----------------------------------------------------------------------------------------------

    private void skipWhitespace() {
        while (i < n) {
            byte c = b[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                return;
            }
            i++;
        }
    }

    private void expect(char c) {
        if (b[i] != c) {
            throw NotHere.INSTANCE;
        }
        i++;
    }

    private boolean is(int from, int to, String ascii) {
        if (to - from != ascii.length()) {
            return false;
        }
        for (int k = 0; k < ascii.length(); k++) {
            if (b[from + k] != ascii.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** A member name without escapes: where its text ends (its closing quote); the parser is left after it. */
    private int name() {
        expect('"');
        int start = i;
        while (true) {
            byte c = b[i];
            if (c == '"') {
                break;
            }
            if (c == '\\' || (c >= 0 && c < 0x20)) {
                throw NotHere.INSTANCE;
            }
            i = c >= 0 ? i + 1 : utf8(i);
        }
        if (i - start > MAX_NAME) {
            throw NotHere.INSTANCE;
        }
        return i++;
    }

    /** A string value without escapes, decoded. */
    private String plainString() {
        expect('"');
        int start = i;
        boolean ascii = true;
        while (true) {
            byte c = b[i];
            if (c == '"') {
                break;
            }
            if (c == '\\' || (c >= 0 && c < 0x20)) {
                throw NotHere.INSTANCE;
            }
            if (c < 0) {
                ascii = false;
                i = utf8(i);
            } else {
                i++;
            }
        }
        String s = new String(b, start, i - start, ascii ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
        i++;
        return s;
    }

    /** An integer within a long (no fraction, no exponent), as Jackson reads an int or a long. */
    private long longValue() {
        boolean negative = b[i] == '-';
        if (negative) {
            i++;
        }
        int start = i;
        long v = 0;
        while (i < n && b[i] >= '0' && b[i] <= '9') {
            v = v * 10 + (b[i] - '0');
            i++;
        }
        int digits = i - start;
        if (digits < 1 || digits > 19 || (digits > 1 && b[start] == '0')) {
            throw NotHere.INSTANCE;
        }
        if (i < n && (b[i] == '.' || b[i] == 'e' || b[i] == 'E')) {
            throw NotHere.INSTANCE;
        }
        if (digits == 19) {
            // may be past a long (Jackson's BigInteger then): read exactly, or leave it
            try {
                return Long.parseLong(new String(b, negative ? start - 1 : start, negative ? 20 : 19,
                        StandardCharsets.ISO_8859_1));
            } catch (NumberFormatException e) {
                throw NotHere.INSTANCE;
            }
        }
        return negative ? -v : v;
    }

    private void literal(String word) {
        for (int k = 0; k < word.length(); k++) {
            if (b[i + k] != word.charAt(k)) {
                throw NotHere.INSTANCE;
            }
        }
        i += word.length();
    }

    /** Passes over one value, checking it by the grammar. */
    private void skipValue(int depth) {
        byte c = b[i];
        switch (c) {
            case '{' -> {
                if (depth >= MAX_DEPTH) {
                    throw NotHere.INSTANCE;
                }
                i++;
                skipWhitespace();
                if (b[i] == '}') {
                    i++;
                    return;
                }
                while (true) {
                    skipString(true);
                    skipWhitespace();
                    expect(':');
                    skipWhitespace();
                    skipValue(depth + 1);
                    if (!endOfMember()) {
                        return;
                    }
                }
            }
            case '[' -> {
                if (depth >= MAX_DEPTH) {
                    throw NotHere.INSTANCE;
                }
                i++;
                skipWhitespace();
                if (b[i] == ']') {
                    i++;
                    return;
                }
                while (true) {
                    skipValue(depth + 1);
                    skipWhitespace();
                    byte next = b[i++];
                    if (next == ']') {
                        return;
                    }
                    if (next != ',') {
                        throw NotHere.INSTANCE;
                    }
                    skipWhitespace();
                }
            }
            case '"' -> skipString(false);
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> skipNumber();
        }
        if (i < n && !isDelimiter(b[i])) {
            throw NotHere.INSTANCE; // e.g. "truex", "1x": the grammar wants whitespace or punctuation next
        }
    }

    private static boolean isDelimiter(byte c) {
        return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t';
    }

    /** A string, escapes checked; a name (of at most {@value #MAX_NAME} bytes) when {@code name}. */
    private void skipString(boolean name) {
        expect('"');
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
                byte e = b[i + 1];
                switch (e) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> i += 2;
                    case 'u' -> {
                        for (int k = 2; k < 6; k++) {
                            if (!isHex(b[i + k])) {
                                throw NotHere.INSTANCE;
                            }
                        }
                        i += 6;
                    }
                    default -> throw NotHere.INSTANCE;
                }
            } else {
                i = c >= 0 ? i + 1 : utf8(i);
            }
        }
        if (name && i - start > MAX_NAME) {
            throw NotHere.INSTANCE;
        }
        i++;
    }

    private static boolean isHex(byte c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private void skipNumber() {
        if (b[i] == '-') {
            i++;
        }
        byte first = b[i];
        if (first == '0') {
            i++;
        } else if (first >= '1' && first <= '9') {
            while (i < n && isDigit(b[i])) {
                i++;
            }
        } else {
            throw NotHere.INSTANCE;
        }
        if (i < n && b[i] == '.') {
            i++;
            digits();
        }
        if (i < n && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < n && (b[i] == '+' || b[i] == '-')) {
                i++;
            }
            digits();
        }
    }

    private void digits() {
        int from = i;
        while (i < n && isDigit(b[i])) {
            i++;
        }
        if (i == from) {
            throw NotHere.INSTANCE;
        }
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /**
     * The end of the well-formed UTF-8 sequence of more than one byte starting at {@code at} (Unicode's table 3-7: no
     * overlong form, no surrogate, nothing past U+10FFFF); anything else is left to Jackson.
     */
    private int utf8(int at) {
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
