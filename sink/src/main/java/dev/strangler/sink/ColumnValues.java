package dev.strangler.sink;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/**
 * Turns an event's JSON value into the text PostgreSQL's input function reads for the target column, by the event
 * contract's encodings (README, "Event contract"): numeric as exact text, bytea as base64, dates and times in ISO
 * form, json as the document, arrays as JSON arrays. The text is bound as an untyped parameter, so PostgreSQL reads
 * it exactly as it would read a literal written for that column: a value that does not fit (too long for a
 * varchar(n), not a valid enum label, out of range) is refused by the database and becomes a bad event, never
 * silently truncated.
 */
final class ColumnValues {

    /** Debezium's placeholder for a TOASTed value an update did not change (the column keeps its value). */
    static final String UNAVAILABLE = "__debezium_unavailable_value";
    /** The same placeholder in a bytea column, base64 of its UTF-8 bytes. */
    static final String UNAVAILABLE_BASE64 = java.util.Base64.getEncoder()
            .encodeToString(UNAVAILABLE.getBytes(java.nio.charset.StandardCharsets.UTF_8));

    private ColumnValues() {
    }

    /** The SQL expression a column's value is bound with: a plain parameter, or decoded from base64 for bytea. */
    static String placeholder(TargetCatalog.Column column) {
        return column.kind() == TargetCatalog.Kind.BYTEA ? "decode(?, 'base64')" : "?";
    }

    /** True when the value is Debezium's "unchanged TOASTed value" placeholder: the column must not be written. */
    static boolean unavailable(JsonNode value) {
        if (value == null) {
            return false;
        }
        if (value.isTextual()) {
            return value.textValue().equals(UNAVAILABLE) || value.textValue().equals(UNAVAILABLE_BASE64);
        }
        return value.isArray() && value.size() == 1 && unavailable(value.get(0));
    }

    /**
     * The text for the column, or null for SQL NULL.
     *
     * @throws IllegalArgumentException when the JSON value cannot be a value of this column (an object for a bytea)
     */
    static String text(TargetCatalog.Column column, JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        return switch (column.kind()) {
            case BYTEA -> {
                if (!value.isTextual()) {
                    throw new IllegalArgumentException("a bytea value must be base64 text, got " + describe(value));
                }
                yield value.textValue();
            }
            case ARRAY -> value.isArray() ? arrayLiteral(value) : scalar(value);
            case LOCAL_TEMPORAL -> {
                String text = scalar(value);
                yield text.endsWith("Z") || text.endsWith("z") ? text.substring(0, text.length() - 1) : text;
            }
            case JSON -> value.isTextual() ? value.textValue() : value.toString();
            case OTHER -> scalar(value);
        };
    }

    /** A scalar's text: strings as they are, numbers exactly (never in exponent form), objects as JSON. */
    private static String scalar(JsonNode value) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (value.isBigDecimal() || value.isFloatingPointNumber()) {
            BigDecimal decimal = value.decimalValue();
            return decimal.toPlainString();
        }
        if (value.isNumber()) {
            return value.bigIntegerValue().toString();
        }
        if (value.isBoolean()) {
            return value.booleanValue() ? "true" : "false";
        }
        return value.toString();
    }

    /**
     * A PostgreSQL array literal: {@code ["a", null, "b\"c"]} becomes {@code {"a",NULL,"b\"c"}}; nested arrays nest.
     * Every element is double-quoted, so commas, braces, blanks and the word NULL inside a value stay values.
     */
    static String arrayLiteral(JsonNode array) {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < array.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            JsonNode element = array.get(i);
            if (element == null || element.isNull()) {
                b.append("NULL");
            } else if (element.isArray()) {
                b.append(arrayLiteral(element));
            } else {
                String text = scalar(element);
                b.append('"').append(text.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return b.append('}').toString();
    }

    static String describe(JsonNode value) {
        String text = value.toString();
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
