package dev.strangler.parity.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.contract.EventEncoding;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.DateTimeException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;

/**
 * Turns a column value read by JDBC and the same column's value in a Debezium change event (JSON without schemas,
 * the pipeline's event contract) into the same canonical text exactly when they are the same value.
 *
 * <p>Every canonical text is one JSON value, so rows and keys built from them are unambiguous and readable:
 * SQL NULL is {@link #NULL} ({@code null}); numbers and booleans are bare ({@code 12.5}, {@code 42}, {@code true});
 * everything else is a JSON string ({@code "Zoë"}, {@code "2024-03-01T10:34:56.789012Z"}, {@code "3q2+7w=="});
 * arrays are JSON arrays of their elements' canonical texts; hstore is a JSON object. The rules per type are in
 * {@code package-info.java}.
 *
 * <p>Thread-safe and stateless apart from the configured TOAST placeholder.
 */
public final class Canonicalizer {

    /** The canonical text of SQL NULL (and of JSON null). No non-NULL value canonicalises to it. */
    public static final String NULL = "null";

    /** Debezium's default {@code unavailable.value.placeholder}. */
    public static final String DEFAULT_UNAVAILABLE_PLACEHOLDER = dev.strangler.contract.EventContract.UNAVAILABLE_VALUE;

    private final String placeholder;
    private final String placeholderBase64;
    private final String placeholderUuid;
    private final String placeholderHstore;
    private final byte[] placeholderBytes;
    private final EventEncoding encoding;
    /** Debezium's money.fraction.digits default: the scale of a money Decimal. */
    private static final java.util.OptionalInt MONEY_SCALE = java.util.OptionalInt.of(2);

    /** With Debezium's default TOAST placeholder and Strangler's encodings. */
    public Canonicalizer() {
        this(DEFAULT_UNAVAILABLE_PLACEHOLDER);
    }

    /** @param unavailablePlaceholder the connector's {@code unavailable.value.placeholder} */
    public Canonicalizer(String unavailablePlaceholder) {
        this(unavailablePlaceholder, EventEncoding.strangler());
    }

    /**
     * @param unavailablePlaceholder the connector's {@code unavailable.value.placeholder}
     * @param encoding               the connector's value encodings
     */
    public Canonicalizer(String unavailablePlaceholder, EventEncoding encoding) {
        this.encoding = Objects.requireNonNull(encoding, "encoding");
        this.placeholder = Objects.requireNonNull(unavailablePlaceholder, "unavailablePlaceholder");
        this.placeholderBytes = unavailablePlaceholder.getBytes(StandardCharsets.UTF_8);
        this.placeholderBase64 = Base64.getEncoder().encodeToString(placeholderBytes);
        this.placeholderUuid = UUID.nameUUIDFromBytes(placeholderBytes).toString();
        this.placeholderHstore = JsonDocs.hstore(java.util.Map.of(placeholder, placeholder));
    }

    /** The TOAST placeholder's UTF-8: an event's string equal to it carries no value, whatever the table holds. */
    public byte[] unavailablePlaceholderUtf8() {
        return placeholderBytes.clone();
    }

    /** A mapper for reading change events exactly (BigDecimal for non-integers, no length limits). */
    public static ObjectMapper eventMapper() {
        return JsonDocs.newMapper();
    }

    /**
     * The SQL expression to select a column with so {@link #fromJdbc} can read it: the quoted name, cast to numeric
     * for money (whose text output depends on lc_monetary).
     */
    public static String selectExpression(ColumnType type) {
        String quoted = '"' + type.name().replace("\"", "\"\"") + '"';
        if (type.kind() == TypeKind.MONEY) {
            return quoted + (type.isArray() ? "::numeric[]" : "::numeric") + " AS " + quoted;
        }
        return quoted;
    }

    /**
     * The same for a value selected by any SQL expression of the column's type ({@code t."total"}, an aliased
     * VALUES column), without an alias.
     */
    public static String selectExpression(String expression, ColumnType type) {
        if (type.kind() == TypeKind.MONEY) {
            return "(" + expression + ")" + (type.isArray() ? "::numeric[]" : "::numeric");
        }
        return expression;
    }

    /**
     * Whether this column's type is one whose Debezium encoding was verified against the real pipeline; other types
     * are compared by their text and may report false differences.
     */
    public static boolean isVerified(ColumnType type) {
        return type.isEnum() || TypeKind.VERIFIED.contains(type.valueTypeName().toLowerCase(Locale.ROOT));
    }

    // ---- JDBC side -----------------------------------------------------------------------------------------------

    /** The canonical text of column {@code columnIndex} of the current row (select it with {@link #selectExpression}). */
    public String fromJdbc(ResultSet rs, int columnIndex, ColumnType type) throws SQLException {
        return fromJdbc(rs, columnIndex, type, type.kind());
    }

    private String fromJdbc(ResultSet rs, int columnIndex, ColumnType type, TypeKind kind) throws SQLException {
        if (!type.isArray() && kind == TypeKind.BYTEA) {
            byte[] bytes = rs.getBytes(columnIndex);
            return bytes == null ? NULL : quote(Base64.getEncoder().encodeToString(bytes));
        }
        return fromPgText(rs.getString(columnIndex), type, kind);
    }

    /**
     * The canonical text of a value in PostgreSQL's text output (what {@code ResultSet.getString} returns with the
     * JDBC driver's DateStyle ISO); null for SQL NULL.
     */
    public String fromPgText(String text, ColumnType type) {
        return fromPgText(text, type, type.kind());
    }

    private String fromPgText(String text, ColumnType type, TypeKind kind) {
        if (text == null) {
            return NULL;
        }
        try {
            if (type.isArray()) {
                return arrayFromText(PgText.parseArray(text), kind);
            }
            return scalarFromText(text, kind);
        } catch (IllegalArgumentException | ArithmeticException | DateTimeException e) {
            throw new IllegalArgumentException("cannot canonicalise " + type + " value " + excerpt(text) + ": "
                    + e.getMessage(), e);
        }
    }

    private String arrayFromText(List<?> items, TypeKind kind) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object item = items.get(i);
            if (item == null) {
                sb.append(NULL);
            } else if (item instanceof List<?> nested) {
                sb.append(arrayFromText(nested, kind));
            } else {
                sb.append(scalarFromText((String) item, kind));
            }
        }
        return sb.append(']').toString();
    }

    private static String scalarFromText(String text, TypeKind kind) {
        return switch (kind) {
            case BOOL -> bool(text);
            case INT -> integer(text);
            case NUMERIC -> Numbers.numeric(text);
            case MONEY -> Numbers.money(text);
            case FLOAT4 -> Numbers.float4(Numbers.parseFloat(text));
            case FLOAT8 -> Numbers.float8(Numbers.parseDouble(text));
            case TEXT -> quote(text);
            case BPCHAR -> quote(stripTrailingSpaces(text));
            case UUID -> quote(UUID.fromString(text.trim()).toString());
            case BYTEA -> quote(Base64.getEncoder().encodeToString(PgText.decodeBytea(text)));
            case JSON -> JsonDocs.canonicalQuoted(text);
            case HSTORE -> JsonDocs.hstore(PgText.parseHstore(text));
            case DATE -> Temporals.date(text);
            case TIMESTAMP -> Temporals.timestamp(text);
            case TIMESTAMPTZ -> Temporals.timestamptz(text);
            case TIME -> Temporals.time(text);
            case TIMETZ -> Temporals.timetz(text);
            case INTERVAL -> Temporals.interval(text);
            case BIT -> quote(bits(text.isEmpty() ? BigInteger.ZERO : new BigInteger(text, 2)));
            case INT_RANGE, NUM_RANGE, DATE_RANGE, TS_RANGE, TSTZ_RANGE -> range(text, kind.rangeSubtype());
        };
    }

    // ---- event side ----------------------------------------------------------------------------------------------

    /**
     * The canonical value of a field of an event's {@code before}/{@code after} (or key): {@code node} is the field,
     * null or a missing node when the event has no such field.
     */
    public CanonicalValue fromJson(JsonNode node, ColumnType type) {
        return fromJson(node, type, type.kind());
    }

    private CanonicalValue fromJson(JsonNode node, ColumnType type, TypeKind kind) {
        if (node == null || node.isMissingNode()) {
            return CanonicalValue.ABSENT;
        }
        if (node.isNull()) {
            return CanonicalValue.NULL;
        }
        if (isUnavailable(node, type, kind)) {
            return CanonicalValue.UNAVAILABLE;
        }
        try {
            if (type.isArray()) {
                if (!node.isArray()) {
                    throw new IllegalArgumentException("expected a JSON array");
                }
                return CanonicalValue.of(arrayFromJson(node, type, kind));
            }
            return CanonicalValue.of(scalarFromJson(node, kind, type));
        } catch (IllegalArgumentException | ArithmeticException | DateTimeException e) {
            throw new IllegalArgumentException("cannot canonicalise " + type + " event value "
                    + excerpt(node.toString()) + ": " + e.getMessage() + " (read with " + encoding
                    + "; a connector with other settings needs them passed to the check)", e);
        }
    }

    /**
     * Like {@link #fromJson}, for reading a row: a value the configured encodings cannot read is
     * {@link CanonicalValue.Kind#UNREADABLE} with the reason, instead of an exception.
     */
    public CanonicalValue readJson(JsonNode node, ColumnType type) {
        return readJson(node, type, type.kind());
    }

    private CanonicalValue readJson(JsonNode node, ColumnType type, TypeKind kind) {
        try {
            return fromJson(node, type, kind);
        } catch (IllegalArgumentException e) {
            return CanonicalValue.unreadable(e.getMessage());
        }
    }

    /** The rules for one column, its type looked up once: what a row codec calls per value. */
    public Column column(ColumnType type) {
        return new Column(type);
    }

    /** {@link #fromJdbc} and {@link #readJson} for one column, with its type's rules looked up once. */
    public final class Column {
        private final ColumnType type;
        private final TypeKind kind;

        /** The column's name as a key's JSON member name, followed by its colon. */
        private final String memberPrefix;

        private final RawForm rawForm;

        private final RawPlainText rawPlainText;

        /** {@code {"name":} in ASCII for an integer column with an ASCII name, else null ({@link #integerKey}). */
        private final byte[] integerKeyStart;

        private Column(ColumnType type) {
            this.type = type;
            this.kind = type.kind();
            this.rawForm = RawForm.of(type, encoding);
            this.rawPlainText = RawPlainText.of(type, encoding);
            this.memberPrefix = quote(type.name()) + ':';
            String keyStart = "{" + memberPrefix;
            boolean ascii = keyStart.chars().allMatch(ch -> ch < 0x80);
            this.integerKeyStart = kind == TypeKind.INT && !type.isArray() && ascii
                    ? keyStart.getBytes(StandardCharsets.ISO_8859_1) : null;
        }

        /** Whether {@link #integerKey} can build this column's keys (an integer column with an ASCII name). */
        public boolean hasIntegerKey() {
            return integerKeyStart != null;
        }

        /**
         * This column as a table's one key column, its canonical key from PostgreSQL's text of the value in UTF-8,
         * built from those bytes: the key {@link #canonicalKey(ResultSet, int[], Column[])} gives, without decoding
         * the text. Null when the column is no integer (or its name not ASCII) or the text is not in the shape
         * {@link #integer} keeps as it is; the caller then reads it that way.
         */
        public String integerKey(byte[] pgText) {
            if (!hasIntegerKey() || pgText == null || !isPlainInteger(pgText, 0, pgText.length)) {
                return null;
            }
            byte[] key = java.util.Arrays.copyOf(integerKeyStart, integerKeyStart.length + pgText.length + 1);
            System.arraycopy(pgText, 0, key, integerKeyStart.length, pgText.length);
            key[key.length - 1] = '}';
            return new String(key, StandardCharsets.ISO_8859_1);
        }

        /**
         * This column as a table's one key column, the canonical key of a record key's JSON when that already is
         * it, byte for byte ({@code {"name":integer}} with this column's name and the integer as {@link #integer}
         * keeps it): the key {@link #canonicalKey(JsonNode, Column[])} gives for it. Null otherwise.
         */
        public String integerKeyOfJson(byte[] keyJson) {
            if (!hasIntegerKey() || keyJson == null) {
                return null;
            }
            int start = integerKeyStart.length;
            if (keyJson.length < start + 2 || keyJson[keyJson.length - 1] != '}'
                    || !java.util.Arrays.equals(keyJson, 0, start, integerKeyStart, 0, start)
                    || !isPlainInteger(keyJson, start, keyJson.length - 1)) {
                return null;
            }
            return new String(keyJson, StandardCharsets.ISO_8859_1);
        }

        public ColumnType type() {
            return type;
        }

        /** {@link Canonicalizer#fromJdbc(ResultSet, int, ColumnType)} of this column. */
        public String fromJdbc(ResultSet rs, int columnIndex) throws SQLException {
            return Canonicalizer.this.fromJdbc(rs, columnIndex, type, kind);
        }

        /** {@link Canonicalizer#readJson(JsonNode, ColumnType)} of this column. */
        public CanonicalValue readJson(JsonNode node) {
            return Canonicalizer.this.readJson(node, type, kind);
        }

        /** {@link Canonicalizer#fromPgText(String, ColumnType)} of this column. */
        public String fromPgText(String text) {
            return Canonicalizer.this.fromPgText(text, type, kind);
        }

        /** Which of this column's event values may be compared with PostgreSQL's text as they are. */
        public RawForm rawForm() {
            return rawForm;
        }

        /** Which of this column's event values spell their plain text in a row's digest input as they are. */
        public RawPlainText rawPlainText() {
            return rawPlainText;
        }
    }

    private String arrayFromJson(JsonNode array, ColumnType type, TypeKind kind) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < array.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            JsonNode item = array.get(i);
            if (item.isNull()) {
                sb.append(NULL);
            } else if (item.isArray()) {
                sb.append(arrayFromJson(item, type, kind));
            } else {
                sb.append(scalarFromJson(item, kind, type));
            }
        }
        return sb.append(']').toString();
    }

    /** @param type the column, for the encodings that depend on its declared scale or precision */
    private String scalarFromJson(JsonNode node, TypeKind kind, ColumnType type) {
        return switch (kind) {
            case BOOL -> node.isBoolean() ? Boolean.toString(node.booleanValue()) : bool(text(node));
            case INT -> node.isInt() || node.isLong() ? Long.toString(node.longValue())
                    : node.isIntegralNumber() ? node.bigIntegerValue().toString()
                    : integer(text(node));
            case NUMERIC, MONEY -> node.isNumber() ? Numbers.numeric(node.decimalValue())
                    : encoding.decimal() == EventEncoding.DecimalMode.PRECISE
                    ? Numbers.numeric(EncodedValues.preciseDecimal(node,
                            kind == TypeKind.MONEY ? MONEY_SCALE : type.numericScale()))
                    : Numbers.numeric(text(node));
            case FLOAT4 -> Numbers.float4(node.isBigDecimal() ? node.decimalValue().floatValue()
                    : node.isNumber() ? (float) node.doubleValue() : Numbers.parseFloat(text(node)));
            case FLOAT8 -> Numbers.float8(node.isBigDecimal() ? node.decimalValue().doubleValue()
                    : node.isNumber() ? node.doubleValue() : Numbers.parseDouble(text(node)));
            case TEXT -> quote(node.isTextual() ? node.textValue() : node.toString());
            case BPCHAR -> quote(stripTrailingSpaces(text(node)));
            case UUID -> quote(UUID.fromString(text(node).trim()).toString());
            case BYTEA -> quote(Base64.getEncoder().encodeToString(
                    EncodedValues.binary(text(node), encoding.binary())));
            case JSON -> node.isTextual() ? JsonDocs.canonicalQuoted(node.textValue())
                    : quote(JsonDocs.canonical(node));
            case HSTORE -> JsonDocs.hstore(node);
            case DATE -> Temporals.date(node.isIntegralNumber() ? EncodedValues.epochDay(node.longValue())
                    : text(node));
            case TIMESTAMP -> Temporals.timestamp(node.isIntegralNumber()
                    ? EncodedValues.epochTimestamp(node.longValue(), encoding.time(), type.secondsPrecision())
                    : text(node));
            case TIMESTAMPTZ -> Temporals.timestamptz(text(node));
            case TIME -> Temporals.time(node.isIntegralNumber()
                    ? EncodedValues.timeOfDay(node.longValue(), encoding.time(), type.secondsPrecision())
                    : text(node));
            case TIMETZ -> Temporals.timetz(text(node));
            case INTERVAL -> Temporals.interval(text(node));
            case BIT -> quote(node.isBoolean() ? (node.booleanValue() ? "1" : "0")
                    : bits(littleEndian(Base64.getDecoder().decode(text(node)))));
            case INT_RANGE, NUM_RANGE, DATE_RANGE, TS_RANGE, TSTZ_RANGE -> range(text(node), kind.rangeSubtype());
        };
    }

    /**
     * Debezium's placeholders for an unchanged TOASTed value (observed with 3.6, default replica identity): the
     * placeholder string for string-typed columns (text, varchar, json, jsonb, xml, numeric, ...), a one-element
     * array of it for text/varchar/char/json/jsonb arrays, its UTF-8 bytes as numbers for int4[]/int8[], its
     * name-based UUID for uuid[], {@code {"P":"P"}} for hstore. Other types (bytea, numeric[], float arrays,
     * bool[], date[], timestamptz[], int2[], enum[]) arrive as null and cannot be told from SQL NULL.
     */
    private boolean isUnavailable(JsonNode node, ColumnType type, TypeKind kind) {
        if (node.isTextual()) {
            String t = node.textValue();
            return t.equals(placeholder)
                    || (kind == TypeKind.BYTEA && t.equals(placeholderBase64))
                    || (kind == TypeKind.HSTORE && !type.isArray() && t.equals(placeholderHstore));
        }
        if (node.isArray() && type.isArray()) {
            if (node.size() == 1 && node.get(0).isTextual()) {
                String t = node.get(0).textValue();
                return t.equals(placeholder) || t.equals(placeholderBase64) || t.equals(placeholderUuid);
            }
            if (node.size() == placeholderBytes.length && kind == TypeKind.INT) {
                for (int i = 0; i < placeholderBytes.length; i++) {
                    if (!node.get(i).isIntegralNumber() || node.get(i).longValue() != placeholderBytes[i]) {
                        return false;
                    }
                }
                return true;
            }
        }
        return false;
    }

    // ---- keys ----------------------------------------------------------------------------------------------------

    /**
     * The canonical key of an event's Kafka key ({@code {"id":42}}), in {@code keyColumns} order:
     * {@code {"id":42}}, {@code {"order_id":7,"line_no":1}}.
     *
     * @throws IllegalArgumentException a key column is missing from the key
     */
    public String canonicalKey(JsonNode keyJson, List<ColumnType> keyColumns) {
        if (keyJson == null || !keyJson.isObject()) {
            throw new IllegalArgumentException("not a key object: " + keyJson);
        }
        StringBuilder sb = new StringBuilder("{");
        for (ColumnType column : keyColumns) {
            CanonicalValue value = fromJson(keyJson.get(column.name()), column);
            if (!value.isValue()) {
                throw new IllegalArgumentException("key " + excerpt(keyJson.toString()) + " carries no value for "
                        + column.name() + " (" + value + ")");
            }
            appendField(sb, column.name(), value.text());
        }
        return sb.append('}').toString();
    }

    /** The canonical key of the current row; {@code keyIndexes[i]} is the result-set index of {@code keyColumns[i]}. */
    public String canonicalKey(ResultSet rs, int[] keyIndexes, List<ColumnType> keyColumns) throws SQLException {
        if (keyIndexes.length != keyColumns.size()) {
            throw new IllegalArgumentException("keyIndexes and keyColumns differ in length");
        }
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < keyIndexes.length; i++) {
            appendField(sb, keyColumns.get(i).name(), fromJdbc(rs, keyIndexes[i], keyColumns.get(i)));
        }
        return sb.append('}').toString();
    }

    /** {@link #canonicalKey(ResultSet, int[], List)} with the key columns' rules looked up once. */
    public String canonicalKey(ResultSet rs, int[] keyIndexes, Column[] keyColumns) throws SQLException {
        if (keyIndexes.length != keyColumns.length) {
            throw new IllegalArgumentException("keyIndexes and keyColumns differ in length");
        }
        if (keyIndexes.length == 1) {
            return "{" + keyColumns[0].memberPrefix + keyColumns[0].fromJdbc(rs, keyIndexes[0]) + "}";
        }
        StringBuilder sb = new StringBuilder(64).append('{');
        for (int i = 0; i < keyIndexes.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(keyColumns[i].memberPrefix).append(keyColumns[i].fromJdbc(rs, keyIndexes[i]));
        }
        return sb.append('}').toString();
    }

    /**
     * {@link #canonicalKey(ResultSet, int[], Column[])} of key values given as PostgreSQL's texts, in key order (null
     * for SQL NULL): the key of a row read by {@code COPY TO}.
     */
    public String canonicalKeyOfPgTexts(String[] pgTexts, Column[] keyColumns) {
        if (pgTexts.length != keyColumns.length) {
            throw new IllegalArgumentException("pgTexts and keyColumns differ in length");
        }
        StringBuilder sb = new StringBuilder(64).append('{');
        for (int i = 0; i < pgTexts.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(keyColumns[i].memberPrefix).append(keyColumns[i].fromPgText(pgTexts[i]));
        }
        return sb.append('}').toString();
    }

    /** {@link #canonicalKey(JsonNode, List)} with the key columns' rules looked up once. */
    public String canonicalKey(JsonNode keyJson, Column[] keyColumns) {
        if (keyJson == null || !keyJson.isObject()) {
            throw new IllegalArgumentException("not a key object: " + keyJson);
        }
        String single = null;
        StringBuilder sb = keyColumns.length == 1 ? null : new StringBuilder(64).append('{');
        for (int i = 0; i < keyColumns.length; i++) {
            Column column = keyColumns[i];
            CanonicalValue value = fromJson(keyJson.get(column.type.name()), column.type, column.kind);
            if (!value.isValue()) {
                throw new IllegalArgumentException("key " + excerpt(keyJson.toString()) + " carries no value for "
                        + column.type.name() + " (" + value + ")");
            }
            if (sb == null) {
                single = "{" + column.memberPrefix + value.text() + "}";
            } else {
                if (i > 0) {
                    sb.append(',');
                }
                sb.append(column.memberPrefix).append(value.text());
            }
        }
        return sb == null ? single : sb.append('}').toString();
    }

    private static void appendField(StringBuilder sb, String name, String canonical) {
        if (sb.length() > 1) {
            sb.append(',');
        }
        sb.append(quote(name)).append(':').append(canonical);
    }

    /**
     * A range as a JSON string of its brackets and bounds, each bound canonicalised as the subtype (so a tstzrange
     * read in any session TimeZone compares equal): {@code "[2024-03-01T10:00:00Z,2024-03-02T00:00:00Z)"},
     * {@code "[1.5,2.5]"}, {@code "(,5)"}, {@code "empty"}.
     */
    private static String range(String text, TypeKind subtype) {
        String t = text.trim();
        if (t.equalsIgnoreCase("empty")) {
            return quote("empty");
        }
        if (t.length() < 3 || "[(".indexOf(t.charAt(0)) < 0 || "])".indexOf(t.charAt(t.length() - 1)) < 0) {
            throw new IllegalArgumentException("not a range");
        }
        List<String> bounds = PgText.parseRangeBounds(t.substring(1, t.length() - 1));
        StringBuilder sb = new StringBuilder().append(t.charAt(0));
        for (int i = 0; i < 2; i++) {
            if (i > 0) {
                sb.append(',');
            }
            String bound = bounds.get(i);
            if (bound != null) {
                String canonical = scalarFromText(bound, subtype);
                sb.append(canonical.startsWith("\"") ? canonical.substring(1, canonical.length() - 1) : canonical);
            }
        }
        return quote(sb.append(t.charAt(t.length() - 1)).toString());
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static String text(JsonNode node) {
        if (!node.isValueNode()) {
            throw new IllegalArgumentException("expected a scalar");
        }
        return node.asText();
    }

    /**
     * An integer's canonical text: its digits when it already is in that shape (an optional minus, then 1 to 18
     * digits without a leading zero, or 0), which is how PostgreSQL prints every int2, int4, int8 and oid; anything
     * else through {@link BigInteger}, the rule (CanonicalizerFastPathTest compares both).
     */
    static String integer(String text) {
        int n = text.length();
        int from = n > 0 && text.charAt(0) == '-' ? 1 : 0;
        int digits = n - from;
        if (digits >= 1 && digits <= 18 && (text.charAt(from) != '0' || (digits == 1 && from == 0))) {
            int i = from;
            while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                i++;
            }
            if (i == n) {
                return text;
            }
        }
        return integerByBigInteger(text);
    }

    /**
     * Whether {@code text[from..to)} is an integer in the shape {@link #integer} keeps as it is: an optional minus,
     * then 1 to 18 digits without a leading zero, or 0 ({@code -0} is not).
     */
    public static boolean isPlainInteger(byte[] text, int from, int to) {
        int start = from < to && text[from] == '-' ? from + 1 : from;
        int digits = to - start;
        if (digits < 1 || digits > 18 || (text[start] == '0' && (digits > 1 || start > from))) {
            return false;
        }
        for (int i = start; i < to; i++) {
            if (text[i] < '0' || text[i] > '9') {
                return false;
            }
        }
        return true;
    }

    /** {@link #integer} through BigInteger. */
    static String integerByBigInteger(String text) {
        return new BigInteger(text.trim()).toString();
    }

    private static String bool(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "t", "true" -> "true";
            case "f", "false" -> "false";
            default -> throw new IllegalArgumentException("not a boolean: " + text);
        };
    }

    private static String stripTrailingSpaces(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ') {
            end--;
        }
        return s.substring(0, end);
    }

    /** Debezium's bit(n>1)/varbit bytes: BitSet.toByteArray(), bit 0 = the rightmost bit, least significant byte first. */
    private static BigInteger littleEndian(byte[] bytes) {
        byte[] bigEndian = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            bigEndian[i] = bytes[bytes.length - 1 - i];
        }
        return new BigInteger(1, bigEndian);
    }

    private static String bits(BigInteger value) {
        return value.toString(2);
    }

    static String quote(String s) {
        return JsonDocs.quote(s);
    }

    private static String excerpt(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
