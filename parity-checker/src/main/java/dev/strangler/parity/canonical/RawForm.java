package dev.strangler.parity.canonical;

import dev.strangler.contract.EventEncoding;

/**
 * Which JSON value of an event's field, equal byte for byte to PostgreSQL's text output of the table's value, proves
 * that the two canonical values are equal, so that neither needs canonicalising.
 *
 * <p>It holds where {@link Canonicalizer} reads the event's JSON string with the very function it reads PostgreSQL's
 * text with: the same text gives the same canonical value (or the same failure). That is text and every type read as
 * text (varchar, enums, citext, xml, inet, ...), char(n), uuid, the integers, numeric unless the event carries
 * Connect's base64 Decimal ({@code decimal.handling.mode=precise}, whose alphabet includes digits: {@code "1234"} is
 * a number there), and jsonb. For the integers also a JSON number: an integer token is the integer it spells, as
 * PostgreSQL's text is. It never holds for arrays, bytea, money (read as numeric from the table, as money from the
 * event), floats (a JSON number is rounded through a double), booleans, temporals other than timestamptz (below),
 * bit strings, hstore and ranges: their two readings differ, or their raw forms never meet. json is left out because
 * PostgreSQL keeps its text as written, and text the canonical rules cannot read (a lone surrogate escape) stops
 * today's scan with an error, which an equal raw value would silently pass; jsonb's text is PostgreSQL's own, always
 * well-formed.
 *
 * <p>timestamptz has a form of its own: PostgreSQL prints it in the session's TimeZone, {@code 2024-03-01
 * 10:34:56.789+00} in UTC, and Debezium writes the same instant in UTC as {@code 2024-03-01T10:34:56.789Z}, its
 * fraction maybe padded with zeros to the column's precision. Both are read by the same function, for which the
 * date-time separator ({@code ' '} or {@code 'T'}), a zero offset ({@code +00} or {@code Z}) and a fraction's
 * trailing zeros make no difference; so a value that matches PostgreSQL's UTC text in that way, field by field, is
 * the same instant. Any other shape (another offset, BC, a year past 9999, infinity) is canonicalised.
 *
 * <p>An equal raw value is still not a value when it is the TOAST placeholder: the caller checks that.
 */
public enum RawForm {
    /** Always canonicalised. */
    NONE,
    /** A JSON string whose content is PostgreSQL's text. */
    STRING,
    /** A JSON string as above, or an integer JSON number spelled as PostgreSQL prints it. */
    STRING_OR_INTEGER,
    /**
     * A JSON string {@code yyyy-MM-ddTHH:mm:ss[.f]Z} that is PostgreSQL's UTC text {@code yyyy-MM-dd HH:mm:ss[.f]+00}
     * field by field, fractions equal up to trailing zeros.
     */
    UTC_TIMESTAMP;

    /** The raw form of a column's values in events written with {@code encoding}. */
    public static RawForm of(ColumnType type, EventEncoding encoding) {
        if (type.isArray()) {
            return NONE;
        }
        return switch (type.kind()) {
            case INT -> STRING_OR_INTEGER;
            case TEXT, BPCHAR, UUID -> STRING;
            case NUMERIC -> encoding.decimal() == EventEncoding.DecimalMode.PRECISE ? NONE : STRING;
            case JSON -> "jsonb".equalsIgnoreCase(type.valueTypeName()) ? STRING : NONE;
            case TIMESTAMPTZ -> UTC_TIMESTAMP;
            default -> NONE;
        };
    }
}
