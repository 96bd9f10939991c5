package dev.strangler.parity.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.strangler.parity.canonical.RawForm;
import dev.strangler.parity.json.JsonBytes;
import dev.strangler.parity.json.JsonBytes.NotHere;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads a spilled after-image's fields by hand, for {@link CanonicalRowCodecs}' {@code streamRow(byte[])}: per
 * column the node Jackson's tokens would give for its field (a string, an int or long, a boolean or null), without a
 * parser object or a string per field name. Field names are matched by their UTF-8 bytes, the column in the same
 * place looked at first (Debezium writes the columns in table order).
 *
 * <p>Anything else gives null and the after-image is read with Jackson's tokens as before: a column's value that is
 * an object, an array, a fraction or an integer past a long, a field name with an escape, a column's field twice,
 * and any departure from RFC 8259 (ill-formed UTF-8, a control character in a string, a broken escape or number,
 * trailing text: {@link JsonBytes}, the grammar the envelope scanner shares). CanonicalRowCodecsStreamRowTest compares
 * it with the tokens and with the tree.
 */
final class RowCodecAfterImages {

    private final byte[] b;
    private final int n;
    private int i;

    private RowCodecAfterImages(byte[] bytes) {
        this.b = bytes;
        this.n = bytes.length;
    }

    /**
     * Per column (named by the UTF-8 bytes in {@code names}) its field's node, null for a column without a field;
     * or null when the after-image is left to the tokens.
     */
    static JsonNode[] read(byte[] after, byte[][] names) {
        return read(after, names, null, null, null);
    }

    /**
     * {@link #read(byte[], byte[][])}, except that a column with a table text in {@code tableTexts} (null: none)
     * whose field's value is that text byte for byte, in its {@code forms} (a JSON string's content with its escapes
     * decoded, or an integer token), is marked in {@code same} and given no node: it is equal, as {@link RawForm}
     * says, and needs no canonicalising. When this gives null, {@code same} is to be ignored.
     */
    static JsonNode[] read(byte[] after, byte[][] names, RawForm[] forms, byte[][] tableTexts, boolean[] same) {
        try {
            return new RowCodecAfterImages(after).object(names, forms, tableTexts, same, null);
        } catch (NotHere | ArrayIndexOutOfBoundsException e) {
            return null;
        }
    }

    /**
     * Where each column's value lies in the after-image, for the digest's raw reading: {@code spans[2c]} where
     * column {@code c}'s field's value starts, {@code spans[2c + 1]} where it ends (-1 and -1 for a column without
     * a field), every value checked by the grammar ({@link JsonBytes#skipValue}), whatever its kind. False, and
     * {@code spans} to be ignored, for the after-images {@link #read(byte[], byte[][])} leaves to the tokens for
     * their shape (a field name with an escape, a column's field twice, not one object).
     */
    static boolean spans(byte[] after, byte[][] names, int[] spans) {
        java.util.Arrays.fill(spans, -1);
        try {
            new RowCodecAfterImages(after).object(names, null, null, null, spans);
            return true;
        } catch (NotHere | ArrayIndexOutOfBoundsException e) {
            return false;
        }
    }

    private JsonNode[] object(byte[][] names, RawForm[] forms, byte[][] tableTexts, boolean[] same, int[] spans) {
        JsonNode[] nodes = spans == null ? new JsonNode[names.length] : null;
        i = JsonBytes.skipWhitespace(b, i);
        i = JsonBytes.expect(b, i, '{');
        i = JsonBytes.skipWhitespace(b, i);
        if (b[i] == '}') {
            i++;
        } else {
            for (int field = 0; ; field++) {
                i = JsonBytes.expect(b, i, '"');
                int nameStart = i;
                int nameEnd = plainName();
                i = JsonBytes.skipWhitespace(b, i);
                i = JsonBytes.expect(b, i, ':');
                i = JsonBytes.skipWhitespace(b, i);
                int column = column(names, field, nameStart, nameEnd);
                if (column < 0) {
                    i = JsonBytes.skipValue(b, i, 0);
                } else if (spans != null) {
                    if (spans[2 * column] >= 0) {
                        throw NotHere.INSTANCE; // a column's field twice
                    }
                    spans[2 * column] = i;
                    i = JsonBytes.skipValue(b, i, 0);
                    spans[2 * column + 1] = i;
                } else {
                    if (nodes[column] != null || (same != null && same[column])) {
                        throw NotHere.INSTANCE; // a column's field twice: the tokens keep the last
                    }
                    if (tableTexts != null && tableTexts[column] != null
                            && rawEquals(forms[column], tableTexts[column])) {
                        same[column] = true;
                    } else {
                        nodes[column] = scalar();
                    }
                }
                i = JsonBytes.skipWhitespace(b, i);
                byte c = b[i++];
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    throw NotHere.INSTANCE;
                }
                i = JsonBytes.skipWhitespace(b, i);
            }
        }
        i = JsonBytes.skipWhitespace(b, i);
        if (i != n) {
            throw NotHere.INSTANCE;
        }
        return nodes;
    }

    /** The column whose name is the bytes {@code from..to}, the one at {@code field} looked at first; -1 for none. */
    private int column(byte[][] names, int field, int from, int to) {
        if (field < names.length && matches(names[field], from, to)) {
            return field;
        }
        for (int c = 0; c < names.length; c++) {
            if (c != field && matches(names[c], from, to)) {
                return c;
            }
        }
        return -1;
    }

    private boolean matches(byte[] name, int from, int to) {
        if (name.length != to - from) {
            return false;
        }
        for (int k = 0; k < name.length; k++) {
            if (name[k] != b[from + k]) {
                return false;
            }
        }
        return true;
    }

    /** A name without escapes, its opening quote read: where its bytes end; the reader is left after its quote. */
    private int plainName() {
        int end = JsonBytes.unescapedEnd(b, i);
        if (b[end] != '"') {
            throw NotHere.INSTANCE;
        }
        i = end + 1;
        return end;
    }

    /** A column's value as the node Jackson's tokens give for it. */
    private JsonNode scalar() {
        byte c = b[i];
        JsonNode node;
        switch (c) {
            case '"' -> node = TextNode.valueOf(string());
            case 't' -> {
                i = JsonBytes.literal(b, i, "true");
                node = BooleanNode.TRUE;
            }
            case 'f' -> {
                i = JsonBytes.literal(b, i, "false");
                node = BooleanNode.FALSE;
            }
            case 'n' -> {
                i = JsonBytes.literal(b, i, "null");
                node = NullNode.getInstance();
            }
            default -> {
                // an integer within a long (no fraction, no exponent), as Jackson reads an int or a long
                int end = JsonBytes.integerEnd(b, i);
                long v = JsonBytes.longValue(b, i, end);
                i = end;
                node = v == (int) v ? IntNode.valueOf((int) v) : LongNode.valueOf(v);
            }
        }
        if (i < n && !JsonBytes.isDelimiter(b[i])) {
            throw NotHere.INSTANCE;
        }
        return node;
    }

    /**
     * Whether the value here is {@code text} in {@code form}; the reader is left after it when it is, where it was
     * when not (the value is then read by {@link #scalar}, which checks it as it always did). Equal bytes are checked
     * as {@link #scalar} checks them, so no value it would refuse is taken as equal.
     */
    private boolean rawEquals(RawForm form, byte[] text) {
        int start = i;
        byte c = b[i];
        boolean equal;
        if (c == '"') {
            equal = form == RawForm.UTC_TIMESTAMP ? utcTimestampEquals(text)
                    : form != RawForm.NONE && stringEquals(text);
        } else if (form == RawForm.STRING_OR_INTEGER && (c == '-' || JsonBytes.isDigit(c))) {
            scalar(); // an integer within a long, or not here at all
            equal = Arrays.equals(b, start, i, text, 0, text.length);
        } else {
            equal = false;
        }
        if (equal && (i >= n || JsonBytes.isDelimiter(b[i]))) {
            return true;
        }
        i = start;
        return false;
    }

    /** Where the fields of PostgreSQL's {@code yyyy-MM-dd HH:mm:ss} lie: digits, except these separators. */
    private static final byte[] PG_DATE_TIME = "0000-00-00 00:00:00".getBytes(StandardCharsets.US_ASCII);

    /**
     * Whether the string here is {@code text}, PostgreSQL's timestamptz text in UTC ({@code yyyy-MM-dd HH:mm:ss[.f]+00}),
     * as {@code yyyy-MM-ddTHH:mm:ss[.f]Z} with the same digits, its fraction (1 to 9 digits) equal up to trailing
     * zeros ({@link RawForm#UTC_TIMESTAMP}). Only plain ASCII is taken: an escape, or anything else, is not equal
     * here and is read by {@link #scalar}. The reader is left after the string when it is equal.
     */
    private boolean utcTimestampEquals(byte[] text) {
        int t = PG_DATE_TIME.length;
        if (text.length < t + 3 || text[text.length - 3] != '+' || text[text.length - 2] != '0'
                || text[text.length - 1] != '0') {
            return false;
        }
        int e = i + 1; // after the event string's opening quote
        if (n - e < t + 2) {
            return false;
        }
        for (int k = 0; k < t; k++) {
            byte shape = PG_DATE_TIME[k];
            if (shape == '0' ? !JsonBytes.isDigit(text[k]) || b[e + k] != text[k]
                    : text[k] != shape || b[e + k] != (k == 10 ? (byte) 'T' : shape)) {
                return false;
            }
        }
        int tableFraction = fractionEnd(text, t, text.length - 3);
        int eventFraction = fractionEnd(b, e + t, n);
        if (tableFraction < 0 || eventFraction < 0 || eventFraction + 1 >= n || b[eventFraction] != 'Z'
                || b[eventFraction + 1] != '"' || tableFraction != text.length - 3) {
            return false;
        }
        int tableDigits = tableFraction - t - (tableFraction > t ? 1 : 0);
        int eventDigits = eventFraction - (e + t) - (eventFraction > e + t ? 1 : 0);
        for (int k = 0; k < Math.max(tableDigits, eventDigits); k++) {
            byte x = k < tableDigits ? text[t + 1 + k] : (byte) '0';
            byte y = k < eventDigits ? b[e + t + 1 + k] : (byte) '0';
            if (x != y) {
                return false;
            }
        }
        i = eventFraction + 2;
        return true;
    }

    /**
     * Where an optional fraction ({@code '.'} and 1 to 9 digits) starting at {@code from} ends, {@code from} itself
     * when there is none; -1 when a {@code '.'} is not followed by 1 to 9 digits.
     */
    private static int fractionEnd(byte[] bytes, int from, int limit) {
        if (from >= limit || bytes[from] != '.') {
            return from;
        }
        int end = from + 1;
        while (end < limit && JsonBytes.isDigit(bytes[end])) {
            end++;
        }
        int digits = end - from - 1;
        return digits >= 1 && digits <= 9 ? end : -1;
    }

    /**
     * Whether the string here, its escapes decoded, is the UTF-8 {@code text}; stops at the first byte that differs.
     * A surrogate pair escaped as two {@code \\u} escapes is one character, as in the string Jackson gives; a lone
     * surrogate is in no well-formed UTF-8, so never equal.
     */
    private boolean stringEquals(byte[] text) {
        i = JsonBytes.expect(b, i, '"');
        int j = 0;
        while (true) {
            byte c = b[i];
            if (c == '"') {
                i++;
                return j == text.length;
            }
            if (c == '\\') {
                int codePoint = escape();
                j = utf8Equals(codePoint, text, j);
                if (j < 0) {
                    return false;
                }
                continue;
            }
            if (c >= 0x20) { // ASCII, compared byte by byte: most of a value, so no call per character
                if (j == text.length || text[j] != c) {
                    return false;
                }
                i++;
                j++;
                continue;
            }
            if (c >= 0) {
                throw NotHere.INSTANCE; // a control character
            }
            int end = JsonBytes.utf8End(b, i);
            if (text.length - j < end - i || !Arrays.equals(b, i, end, text, j, j + end - i)) {
                return false;
            }
            j += end - i;
            i = end;
        }
    }

    /**
     * The escape here as one code point, a surrogate pair's two escapes as one (the two chars Jackson gives for
     * them); the reader is left after it.
     */
    private int escape() {
        byte e = b[i + 1];
        i += 2;
        return switch (e) {
            case '"', '\\', '/' -> e;
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'u' -> {
                int code = hex4(i);
                i += 4;
                if (Character.isHighSurrogate((char) code) && b[i] == '\\' && b[i + 1] == 'u') {
                    int low = hex4(i + 2);
                    if (Character.isLowSurrogate((char) low)) {
                        i += 6;
                        yield Character.toCodePoint((char) code, (char) low);
                    }
                }
                yield code;
            }
            default -> throw NotHere.INSTANCE;
        };
    }

    private int hex4(int at) {
        int code = 0;
        for (int h = 0; h < 4; h++) {
            code = code * 16 + JsonBytes.hexDigit(b[at + h]);
        }
        return code;
    }

    /**
     * Where {@code text} goes on after the UTF-8 of {@code codePoint} at {@code j}, or -1 when it does not hold
     * that there (a lone surrogate never does).
     */
    private static int utf8Equals(int codePoint, byte[] text, int j) {
        if (codePoint < 0x80) {
            return j < text.length && text[j] == codePoint ? j + 1 : -1;
        }
        if (codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE) {
            return -1;
        }
        int length = codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
        if (text.length - j < length) {
            return -1;
        }
        int lead = length == 2 ? 0xC0 : length == 3 ? 0xE0 : 0xF0;
        if ((text[j] & 0xFF) != (lead | codePoint >> 6 * (length - 1))) {
            return -1;
        }
        for (int k = 1; k < length; k++) {
            if ((text[j + k] & 0xFF) != (0x80 | (codePoint >> 6 * (length - 1 - k) & 0x3F))) {
                return -1;
            }
        }
        return j + length;
    }

    /** A string value, decoded (escapes as Jackson decodes them, each {@code \\u} escape one char). */
    private String string() {
        i = JsonBytes.expect(b, i, '"');
        int start = i;
        int plainEnd = JsonBytes.unescapedEnd(b, start);
        if (b[plainEnd] == '"') {
            i = plainEnd + 1;
            return new String(b, start, plainEnd - start, StandardCharsets.UTF_8);
        }
        // an escape: decoded into chars (never more chars than the bytes left), from the string's start
        char[] chars = new char[n - start];
        int k = 0;
        i = start;
        while (true) {
            byte c = b[i];
            if (c == '"') {
                i++;
                return new String(chars, 0, k);
            }
            if (c >= 0x20) {
                if (c != '\\') {
                    chars[k++] = (char) c;
                    i++;
                    continue;
                }
                k += Character.toChars(escape(), chars, k); // a lone surrogate's escape is its one char
                continue;
            }
            if (c >= 0) {
                throw NotHere.INSTANCE; // a control character
            }
            int end = JsonBytes.utf8End(b, i);
            int lead = b[i] & 0xFF;
            int codePoint;
            if (end - i == 2) {
                codePoint = (lead & 0x1F) << 6 | (b[i + 1] & 0x3F);
            } else if (end - i == 3) {
                codePoint = (lead & 0x0F) << 12 | (b[i + 1] & 0x3F) << 6 | (b[i + 2] & 0x3F);
            } else {
                codePoint = (lead & 0x07) << 18 | (b[i + 1] & 0x3F) << 12 | (b[i + 2] & 0x3F) << 6
                        | (b[i + 3] & 0x3F);
            }
            k += Character.toChars(codePoint, chars, k);
            i = end;
        }
    }
}
