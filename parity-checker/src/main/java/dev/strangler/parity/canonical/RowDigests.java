package dev.strangler.parity.canonical;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The digest of a row computed the same way by PostgreSQL (from the table, without shipping the row) and by the
 * checker (from a change event's canonical values): the groundwork of an in-database check that compares digests
 * per key range and fetches rows only where they differ (issue 16, item 4).
 *
 * <p>Both sides build one text per row, its <em>digest input</em>: per column {@code N} for NULL, else
 * {@code V<bytes>:<text>} with the UTF-8 length of the column's <em>plain text</em>, so the input is unambiguous
 * whatever the values hold. The plain text is what PostgreSQL prints for the value with a few normalisations that
 * the canonical form also makes (numeric without trailing zeros, timestamps in ISO form, timestamptz in UTC, jsonb
 * through {@code ::jsonb::text}); the checker derives it from the canonical text, or takes it from the event's raw
 * JSON where that already spells it ({@link RawPlainText}, the same bytes). The digest is the first 64 bits of
 * {@code md5} of the input, which a range sums (PostgreSQL exactly, the checker modulo 2^64).
 *
 * <p>A value whose two plain texts disagree although the values are equal (a BC date or timestamp, a year past
 * 9999, {@code -0} as a float, a jsonb number with trailing zeros) only makes its range's digests differ, so the
 * range is compared row by row: slower, never wrong. Different values never share a plain text, so equal digests mean equal rows
 * (up to md5 collisions of 64 bits summed per range).
 */
public final class RowDigests {

    private RowDigests() {
    }

    /** Why a table with these columns cannot be digested in the database; empty when it can. */
    public static Optional<String> unsupportedReason(List<ColumnType> columns, int serverMajor) {
        for (ColumnType c : columns) {
            if (c.isArray()) {
                return Optional.of("column " + c.name() + " is an array (" + c + ")");
            }
            switch (c.kind()) {
                case BOOL, INT, TEXT, BPCHAR, UUID, DATE, FLOAT4, FLOAT8, TIMESTAMP, TIMESTAMPTZ, JSON, BYTEA -> { }
                case NUMERIC -> {
                    if (serverMajor < 13) {
                        return Optional.of("column " + c.name() + " is numeric, whose trailing zeros PostgreSQL "
                                + serverMajor + " cannot trim (trim_scale came with 13)");
                    }
                }
                default -> {
                    return Optional.of("column " + c.name() + " is " + c + ", not digested in the database yet");
                }
            }
        }
        return Optional.empty();
    }

    /**
     * A query of the rows of {@code fromSql} (a table or subquery): per row, {@code carriedSql} (an expression over
     * its columns) as column {@code carried} and the row's 64-bit digest ({@link #digest64}) as column
     * {@code digest}. Check {@link #unsupportedReason} first.
     *
     * <p>Two subqueries, each kept apart by {@code OFFSET 0} (else the planner folds it into the query around it):
     * the inner computes each column's plain text once, where the digest input uses it twice (its length, then the
     * text) and PostgreSQL computes a repeated expression each time it appears; the outer computes the digest, so an
     * aggregate over the result that spills to disk spills two bigints a row, not the texts. Measured on 1M rows
     * (bench/README.md, "In-database mode", eighth session): 11.5 CPU-s of PostgreSQL before, 4.8-5.5 after.
     */
    public static String digestsSql(List<ColumnType> columns, String carriedSql, String fromSql) {
        return "SELECT carried, " + digest64Sql(inputSql(columns.size())) + " AS digest FROM "
                + plainTexts(columns, carriedSql, fromSql) + " OFFSET 0";
    }

    /** As {@link #digestsSql}, with the digest input (column {@code input}) instead of the digest: for tests. */
    static String inputsSql(List<ColumnType> columns, String carriedSql, String fromSql) {
        return "SELECT carried, " + inputSql(columns.size()) + " AS input FROM "
                + plainTexts(columns, carriedSql, fromSql);
    }

    /** The subquery of {@code carried} and each column's plain text, {@code p1} to {@code pN}. */
    private static String plainTexts(List<ColumnType> columns, String carriedSql, String fromSql) {
        StringBuilder sb = new StringBuilder("(SELECT ").append(carriedSql).append(" AS carried");
        for (int i = 0; i < columns.size(); i++) {
            ColumnType c = columns.get(i);
            sb.append(", ").append(plainTextSql('"' + c.name().replace("\"", "\"\"") + '"', c))
                    .append(" AS p").append(i + 1);
        }
        return sb.append(" FROM ").append(fromSql).append(" OFFSET 0) AS plain").toString();
    }

    /** The digest input (see the class comment) over the plain texts {@code p1} to {@code pN}. */
    private static String inputSql(int columns) {
        List<String> parts = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
            parts.add("CASE WHEN p" + i + " IS NULL THEN 'N' ELSE 'V' || octet_length(p" + i + ") || ':' || p" + i
                    + " END");
        }
        return parts.isEmpty() ? "''" : String.join(" || ", parts);
    }

    /**
     * The plain text of a column in SQL, NULL exactly when the value is (the input tests the plain text for NULL).
     * The cheapest form measured that prints what the old one printed: an output function rather than
     * {@code format()} or {@code to_char()}, no regular expression.
     */
    private static String plainTextSql(String col, ColumnType c) {
        return switch (c.kind()) {
            // trim_scale(0.00) is 0 already: no CASE for zero
            case NUMERIC -> "trim_scale(" + col + ")::text";
            // the output function (DateStyle ISO, which PgJDBC sets) drops trailing fractional zeros and the point
            // as to_char plus regexp_replace('\.?0+$') did, and writes BC, where to_char printed 44 BC as 0044 AD
            case TIMESTAMP -> "(CASE WHEN isfinite(" + col + ") THEN replace(" + col + "::text, ' ', 'T') ELSE "
                    + col + "::text END)";
            case TIMESTAMPTZ -> "(CASE WHEN isfinite(" + col + ") THEN replace((" + col
                    + " AT TIME ZONE 'UTC')::text, ' ', 'T') || 'Z' ELSE " + col + "::text END)";
            case JSON -> col + "::jsonb::text";
            case BYTEA -> "translate(encode(" + col + ", 'base64'), E'\\n', '')";
            case BPCHAR -> col + "::text"; // the cast drops the trailing spaces, as the canonical form does
            case BOOL -> col + "::text"; // true/false; the output function prints t/f
            // casts through the output function, as format('%s') but cheaper
            case INT, UUID, DATE, FLOAT4, FLOAT8 -> col + "::text";
            default -> "text".equals(c.typeName()) || "varchar".equals(c.typeName()) ? col + "::text"
                    // the output function, as JDBC reads it: a cast may print otherwise (inet::text keeps a host's
                    // /32); format() prints NULL as '', hence the CASE
                    : "(CASE WHEN " + col + " IS NOT NULL THEN format('%s', " + col + ") END)";
        };
    }

    /**
     * The digest input of a row from its columns' canonical texts (null for a column whose value the event did not
     * show: then there is no input and the row's range must be compared row by row).
     */
    public static String digestInput(List<ColumnType> columns, List<String> canonical) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            String value = canonical.get(i);
            if (value == null) {
                return null;
            }
            if (value.equals(Canonicalizer.NULL)) {
                sb.append('N');
                continue;
            }
            String plain = plainText(value, columns.get(i));
            sb.append('V').append(plain.getBytes(StandardCharsets.UTF_8).length).append(':').append(plain);
        }
        return sb.toString();
    }

    /**
     * The first 64 bits of {@code md5(input)} as a signed bigint in SQL. A range sums them with {@code sum()}, which
     * is exact (numeric); reduced modulo 2^64 it equals {@link #digest64}'s wrapping sum.
     */
    private static String digest64Sql(String inputSql) {
        return "('x' || substr(md5(" + inputSql + "), 1, 16))::bit(64)::bigint";
    }

    /** What {@link #digest64Sql} computes, from the digest input; {@code md5} a reusable MessageDigest for MD5. */
    public static long digest64(String input, MessageDigest md5) {
        return digest64(md5.digest(input.getBytes(StandardCharsets.UTF_8)));
    }

    private static long digest64(byte[] md5Digest) {
        return (unsigned(md5Digest, 0) << 32) | unsigned(md5Digest, 4);
    }

    /**
     * A digest input built as UTF-8 bytes, column by column, for a row whose plain texts are taken from an event's
     * raw JSON where they can be ({@link RawPlainText}) and from canonical texts elsewhere: the bytes of
     * {@link #digestInput} for the same row. One per row; not thread-safe.
     */
    public static final class Input {
        /** Room kept before a value's text for its item's head {@code V<bytes>:} (an int's digits at most). */
        private static final int HEAD = 12;
        /** The input so far; {@link RawPlainText} works on a value's text in place. */
        byte[] bytes;
        private int length;

        /** @param expected the bytes the input is likely to need (it grows past them) */
        public Input(int expected) {
            this.bytes = new byte[Math.max(16, expected)];
        }

        /** A NULL column's item. */
        public void appendNull() {
            ensure(1);
            bytes[length++] = 'N';
        }

        /** A column's item from its canonical text ({@link Canonicalizer#NULL} for SQL NULL), as digestInput does. */
        public void appendCanonical(String canonical, ColumnType column) {
            if (canonical.equals(Canonicalizer.NULL)) {
                appendNull();
                return;
            }
            byte[] plain = plainText(canonical, column).getBytes(StandardCharsets.UTF_8);
            int mark = openValue();
            append(plain, 0, plain.length);
            closeValue(mark);
        }

        /**
         * Starts a value's item; its plain text's bytes are then appended, and {@link #closeValue} writes the item's
         * head before them (or {@link #cancelValue} drops them).
         */
        int openValue() {
            ensure(HEAD);
            int mark = length;
            length += HEAD;
            return mark;
        }

        /** Writes {@code V<bytes>:} before the text appended since {@link #openValue} gave {@code mark}. */
        void closeValue(int mark) {
            int textStart = mark + HEAD;
            int textLength = length - textStart;
            int at = mark;
            bytes[at++] = 'V';
            at = writeDigits(textLength, at);
            bytes[at++] = ':';
            System.arraycopy(bytes, textStart, bytes, at, textLength);
            length = at + textLength;
        }

        /** Drops what was appended since {@link #openValue} gave {@code mark}. */
        void cancelValue(int mark) {
            length = mark;
        }

        private int writeDigits(int value, int at) {
            if (value >= 10) {
                at = writeDigits(value / 10, at);
            }
            bytes[at] = (byte) ('0' + value % 10);
            return at + 1;
        }

        void append(byte b) {
            ensure(1);
            bytes[length++] = b;
        }

        void append(byte[] from, int start, int end) {
            ensure(end - start);
            System.arraycopy(from, start, bytes, length, end - start);
            length += end - start;
        }

        /** The last byte appended. */
        byte last() {
            return bytes[length - 1];
        }

        /** Drops the last {@code count} bytes appended. */
        void drop(int count) {
            length -= count;
        }

        int length() {
            return length;
        }

        private void ensure(int more) {
            if (bytes.length - length < more) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }

        /** The input's bytes, for tests. */
        byte[] toByteArray() {
            return java.util.Arrays.copyOf(bytes, length);
        }

        /** {@link RowDigests#digest64(String, MessageDigest)} of this input. */
        public long digest64(MessageDigest md5) {
            md5.update(bytes, 0, length);
            return RowDigests.digest64(md5.digest());
        }
    }

    /** A new MessageDigest for MD5 (one per thread: it is not thread-safe). */
    public static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }

    private static long unsigned(byte[] b, int from) {
        return ((b[from] & 0xffL) << 24) | ((b[from + 1] & 0xffL) << 16) | ((b[from + 2] & 0xffL) << 8)
                | (b[from + 3] & 0xffL);
    }

    private static String plainText(String canonical, ColumnType c) {
        String text = canonical.startsWith("\"") ? unquote(canonical) : canonical;
        return c.kind() == TypeKind.JSON ? jsonbText(text) : text;
    }

    private static String unquote(String canonical) {
        if (canonical.indexOf('\\') < 0 && canonical.length() >= 2 && canonical.endsWith("\"")) {
            return canonical.substring(1, canonical.length() - 1); // no escape: the text between the quotes
        }
        try {
            return JsonDocs.MAPPER.readTree(canonical).textValue();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a canonical string: " + canonical, e);
        }
    }

    /** A canonical JSON document as PostgreSQL's jsonb prints it. */
    static String jsonbText(String canonicalDocument) {
        try {
            StringBuilder sb = new StringBuilder();
            writeJsonb(JsonDocs.MAPPER.readTree(canonicalDocument), sb);
            return sb.toString();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON document: " + e.getOriginalMessage(), e);
        }
    }

    /** jsonb's layout: ", " and ": " between items, object keys shorter first, then by their bytes. */
    private static void writeJsonb(JsonNode node, StringBuilder sb) {
        switch (node.getNodeType()) {
            case OBJECT -> {
                List<String> keys = new ArrayList<>();
                for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                    keys.add(it.next());
                }
                keys.sort(RowDigests::jsonbKeyOrder);
                sb.append('{');
                for (int i = 0; i < keys.size(); i++) {
                    sb.append(i == 0 ? "" : ", ");
                    jsonbString(keys.get(i), sb);
                    sb.append(": ");
                    writeJsonb(node.get(keys.get(i)), sb);
                }
                sb.append('}');
            }
            case ARRAY -> {
                sb.append('[');
                for (int i = 0; i < node.size(); i++) {
                    sb.append(i == 0 ? "" : ", ");
                    writeJsonb(node.get(i), sb);
                }
                sb.append(']');
            }
            case STRING -> jsonbString(node.textValue(), sb);
            case NUMBER -> sb.append(node.decimalValue().signum() == 0 ? "0"
                    : node.decimalValue().stripTrailingZeros().toPlainString());
            case BOOLEAN -> sb.append(node.booleanValue());
            default -> sb.append("null");
        }
    }

    private static int jsonbKeyOrder(String a, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        if (x.length != y.length) {
            return Integer.compare(x.length, y.length);
        }
        return java.util.Arrays.compareUnsigned(x, y);
    }

    /** PostgreSQL's escape_json: the two-character escapes, \\u00XX for other control characters, the rest as is. */
    private static void jsonbString(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        sb.append('"');
    }
}
