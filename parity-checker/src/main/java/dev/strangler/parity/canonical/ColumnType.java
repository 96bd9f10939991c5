package dev.strangler.parity.canonical;

import java.util.Locale;
import java.util.Objects;

/**
 * The PostgreSQL type of one column, as the canonicalisation needs it.
 *
 * @param name            column name (attname), exactly as in the catalog
 * @param typeName        base type name (pg_type.typname, domains resolved to their base type): {@code numeric},
 *                        {@code int4}, {@code timestamptz}, {@code _text} for {@code text[]}
 * @param category        pg_type.typcategory of the base type as a one-letter string: {@code "A"} array,
 *                        {@code "E"} enum, {@code "N"} numeric, {@code "S"} string, {@code "D"} date/time, ...
 * @param elementTypeName for arrays the element's base type name ({@code text} for {@code _text}), else null
 * @param isEnum          the value (for arrays: the element) is an enum
 * @param typmod          pg_attribute.atttypmod: precision and scale of numeric, precision of time and timestamp
 *                        types; -1 when the type has none. Some connector encodings depend on it.
 */
public record ColumnType(String name, String typeName, String category, String elementTypeName, boolean isEnum,
                         int typmod) {

    /** A column without a type modifier. */
    public ColumnType(String name, String typeName, String category, String elementTypeName, boolean isEnum) {
        this(name, typeName, category, elementTypeName, isEnum, -1);
    }

    public ColumnType {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(typeName, "typeName");
        Objects.requireNonNull(category, "category");
        if ("A".equals(category) && elementTypeName == null) {
            throw new IllegalArgumentException("array column " + name + " needs an element type");
        }
    }

    /** A non-array column of a built-in or extension type, e.g. {@code scalar("price", "numeric")}. */
    public static ColumnType scalar(String name, String typeName) {
        return new ColumnType(name, typeName, categoryOf(typeName), null, false);
    }

    /** An array column, e.g. {@code arrayOf("tags", "text")} for {@code text[]}. */
    public static ColumnType arrayOf(String name, String elementTypeName) {
        return new ColumnType(name, "_" + elementTypeName, "A", elementTypeName, false);
    }

    /** An enum column (a user-defined {@code CREATE TYPE ... AS ENUM}). */
    public static ColumnType enumType(String name, String enumTypeName) {
        return new ColumnType(name, enumTypeName, "E", null, true);
    }

    /** An array of an enum type. */
    public static ColumnType enumArrayOf(String name, String enumTypeName) {
        return new ColumnType(name, "_" + enumTypeName, "A", enumTypeName, true);
    }

    public boolean isArray() {
        return "A".equals(category);
    }

    /** The type of one value: the element type for arrays, the type itself otherwise. */
    public String valueTypeName() {
        return isArray() ? elementTypeName : typeName;
    }

    /** The same column with a type modifier, e.g. {@code withTypmod(...)} for {@code numeric(10,2)}. */
    public ColumnType withTypmod(int modifier) {
        return new ColumnType(name, typeName, category, elementTypeName, isEnum, modifier);
    }

    /** The declared scale of a numeric(p,s) column; empty for an unconstrained numeric or another type. */
    public java.util.OptionalInt numericScale() {
        return typmod >= 4 ? java.util.OptionalInt.of((typmod - 4) & 0xFFFF) : java.util.OptionalInt.empty();
    }

    /** The declared fractional-second digits of a time or timestamp column: 0 to 6, 6 when undeclared. */
    public int secondsPrecision() {
        return typmod >= 0 ? typmod : 6;
    }

    /** How values of this column are canonicalised (for arrays: how each element is). */
    TypeKind kind() {
        return TypeKind.of(valueTypeName(), isEnum);
    }

    /** Human-readable SQL type, e.g. {@code numeric}, {@code text[]}. */
    @Override
    public String toString() {
        return name + " " + (isArray() ? elementTypeName + "[]" : typeName);
    }

    private static String categoryOf(String typeName) {
        return switch (typeName.toLowerCase(Locale.ROOT)) {
            case "bool" -> "B";
            case "int2", "int4", "int8", "oid", "numeric", "money", "float4", "float8" -> "N";
            case "date", "timestamp", "timestamptz", "time", "timetz" -> "D";
            case "interval" -> "T";
            case "inet", "cidr" -> "I";
            case "bit", "varbit" -> "V";
            case "text", "varchar", "bpchar", "name", "citext" -> "S";
            default -> "U";
        };
    }
}
