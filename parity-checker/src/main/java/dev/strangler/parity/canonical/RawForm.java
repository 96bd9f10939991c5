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
 * event), floats (a JSON number is rounded through a double), booleans, temporals, bit strings, hstore and ranges:
 * their two readings differ, or their raw forms never meet. json is left out because PostgreSQL keeps its text as
 * written, and text the canonical rules cannot read (a lone surrogate escape) stops today's scan with an error,
 * which an equal raw value would silently pass; jsonb's text is PostgreSQL's own, always well-formed.
 *
 * <p>An equal raw value is still not a value when it is the TOAST placeholder: the caller checks that.
 */
public enum RawForm {
    /** Always canonicalised. */
    NONE,
    /** A JSON string whose content is PostgreSQL's text. */
    STRING,
    /** A JSON string as above, or an integer JSON number spelled as PostgreSQL prints it. */
    STRING_OR_INTEGER;

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
            default -> NONE;
        };
    }
}
