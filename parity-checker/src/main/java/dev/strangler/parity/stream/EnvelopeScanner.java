package dev.strangler.parity.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.strangler.parity.canonical.Canonicalizer;
import dev.strangler.parity.json.JsonBytes;
import dev.strangler.parity.json.JsonBytes.NotHere;
import dev.strangler.parity.model.Operation;
import java.nio.charset.StandardCharsets;

/**
 * {@link EnvelopeParser#parseWithoutTree} for the envelopes Debezium writes, read by hand from the record's bytes:
 * no parser object, no string per field name, the after-image's extent found by scanning its bytes, a flat record key
 * built as the tree Jackson would build. Every value it passes over is checked as strictly as RFC 8259 asks (well-formed
 * UTF-8, no control character in a string, escapes and numbers by the grammar: {@link JsonBytes}, which the
 * after-image reader shares), so whatever it reads Jackson reads the same way.
 *
 * <p>Anything else gives null, and the record is read with Jackson's tokens (then its tree), which is the rule: a
 * field name with an escape or of more than {@value #MAX_NAME} bytes, a field the fold reads given twice, a value of
 * another JSON type than expected, an integer past a long where the fold reads one, schemas on, a key that is not
 * a flat object of strings without escapes, integers within a long, booleans and nulls, nesting deeper than {@value #MAX_DEPTH},
 * trailing text, any departure from the grammar. EnvelopeParserFastPathTest compares it with both readings.
 */
final class EnvelopeScanner {

    static final int MAX_NAME = JsonBytes.MAX_NAME;
    static final int MAX_DEPTH = JsonBytes.MAX_DEPTH;

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
        i = JsonBytes.skipWhitespace(b, i);
        i = JsonBytes.expect(b, i, '{');
        Operation op = null;
        byte[] after = null;
        boolean seenAfter = false;
        boolean seenSource = false;
        long txId = -1;
        long lsn = -1;
        long tsMs = -1;
        String snapshot = "false";
        String marker = null;
        i = JsonBytes.skipWhitespace(b, i);
        if (b[i] != '}') {
            while (true) {
                int nameStart = i + 1;
                int nameEnd = name();
                i = JsonBytes.skipWhitespace(b, i);
                i = JsonBytes.expect(b, i, ':');
                i = JsonBytes.skipWhitespace(b, i);
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
                        i = JsonBytes.skipValue(b, i, 0);
                        after = java.util.Arrays.copyOfRange(b, start, i);
                    } else {
                        i = JsonBytes.literal(b, i, "null");
                    }
                } else if (is(nameStart, nameEnd, "source")) {
                    if (seenSource) {
                        throw NotHere.INSTANCE;
                    }
                    seenSource = true;
                    // the source's fields, each at most once (the tree would keep the last of two)
                    i = JsonBytes.expect(b, i, '{');
                    boolean seenTxId = false;
                    boolean seenLsn = false;
                    boolean seenTsMs = false;
                    boolean seenSnapshot = false;
                    i = JsonBytes.skipWhitespace(b, i);
                    if (b[i] != '}') {
                        while (true) {
                            int fieldStart = i + 1;
                            int fieldEnd = name();
                            i = JsonBytes.skipWhitespace(b, i);
                            i = JsonBytes.expect(b, i, ':');
                            i = JsonBytes.skipWhitespace(b, i);
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
                                    i = JsonBytes.literal(b, i, "true");
                                    snapshot = "true";
                                } else {
                                    i = JsonBytes.literal(b, i, "false");
                                    snapshot = "false";
                                }
                                marker = snapshot;
                            } else {
                                i = JsonBytes.skipValue(b, i, 1);
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
                    i = JsonBytes.skipValue(b, i, 0);
                }
                if (!endOfMember()) {
                    break;
                }
            }
        } else {
            i++;
        }
        i = JsonBytes.skipWhitespace(b, i);
        if (i != n || op == null) {
            throw NotHere.INSTANCE;
        }
        boolean isSnapshot = !snapshot.equals("false") && !snapshot.isEmpty();
        return new ChangeEvent(key, op, null, txId, lsn, isSnapshot, marker, tsMs, false, after, keyJson);
    }

    /**
     * Whether a record key is exactly {@code {"name":integer}}: a name of printable ASCII without escapes (not
     * {@code schema} or {@code payload}), an integer in the shape {@link Canonicalizer#isPlainInteger} keeps (within
     * a long as {@link #longValue} reads it), no whitespace. Such
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
        // at most 18 digits: 19 may be past a long, read as the tree would be
        return Canonicalizer.isPlainInteger(k, i + 2, n - 1);
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
        i = JsonBytes.skipWhitespace(b, i);
        byte c = b[i++];
        if (c == '}') {
            return false;
        }
        if (c != ',') {
            throw NotHere.INSTANCE;
        }
        i = JsonBytes.skipWhitespace(b, i);
        return true;
    }

    /**
     * The record key as the tree Jackson reads: an object of names without escapes and scalar values (strings without
     * escapes, integers within a long as an int or long node, booleans, null), each name once.
     */
    private JsonNode key() {
        i = JsonBytes.skipWhitespace(b, i);
        i = JsonBytes.expect(b, i, '{');
        ObjectNode key = JsonNodeFactory.instance.objectNode();
        i = JsonBytes.skipWhitespace(b, i);
        if (b[i] != '}') {
            while (true) {
                int nameStart = i + 1;
                int nameEnd = name();
                String name = new String(b, nameStart, nameEnd - nameStart, StandardCharsets.UTF_8);
                if (name.equals("schema") || name.equals("payload") || key.has(name)) {
                    throw NotHere.INSTANCE; // a schemas-on wrapper, or a name twice: the tree decides
                }
                i = JsonBytes.skipWhitespace(b, i);
                i = JsonBytes.expect(b, i, ':');
                i = JsonBytes.skipWhitespace(b, i);
                byte c = b[i];
                JsonNode value;
                if (c == '"') {
                    value = TextNode.valueOf(plainString());
                } else if (c == 't') {
                    i = JsonBytes.literal(b, i, "true");
                    value = BooleanNode.TRUE;
                } else if (c == 'f') {
                    i = JsonBytes.literal(b, i, "false");
                    value = BooleanNode.FALSE;
                } else if (c == 'n') {
                    i = JsonBytes.literal(b, i, "null");
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
        i = JsonBytes.skipWhitespace(b, i);
        if (i != n) {
            throw NotHere.INSTANCE;
        }
        return key;
    }

    // ---- tokens (the grammar is JsonBytes'; these keep the reader's position) -----------------------------------

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
        int start = i + 1;
        int end = JsonBytes.unescapedEnd(b, JsonBytes.expect(b, i, '"'));
        if (b[end] != '"' || end - start > MAX_NAME) {
            throw NotHere.INSTANCE;
        }
        i = end + 1;
        return end;
    }

    /** A string value without escapes, decoded. */
    private String plainString() {
        int end = JsonBytes.unescapedEnd(b, JsonBytes.expect(b, i, '"'));
        if (b[end] != '"') {
            throw NotHere.INSTANCE;
        }
        String s = new String(b, i + 1, end - i - 1, StandardCharsets.UTF_8);
        i = end + 1;
        return s;
    }

    /** An integer within a long (no fraction, no exponent), as Jackson reads an int or a long. */
    private long longValue() {
        int end = JsonBytes.integerEnd(b, i);
        long v = JsonBytes.longValue(b, i, end);
        i = end;
        return v;
    }
}
