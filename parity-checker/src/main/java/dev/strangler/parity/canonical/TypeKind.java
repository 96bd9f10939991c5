package dev.strangler.parity.canonical;

import java.util.Locale;
import java.util.Set;

/** How one (scalar or element) value is canonicalised; derived from the base type name. */
enum TypeKind {
    BOOL, INT, NUMERIC, MONEY, FLOAT4, FLOAT8, TEXT, BPCHAR, UUID, BYTEA, JSON, HSTORE, DATE, TIMESTAMP, TIMESTAMPTZ,
    TIME, TIMETZ, INTERVAL, BIT,
    /** Ranges: the bounds canonicalised as their subtype, brackets kept. */
    INT_RANGE, NUM_RANGE, DATE_RANGE, TS_RANGE, TSTZ_RANGE;

    /** Types whose event encoding was verified against the real pipeline (CanonicalizerPipelineIT). */
    static final Set<String> VERIFIED = Set.of("bool", "int2", "int4", "int8", "numeric", "money", "float4", "float8",
            "text", "varchar", "bpchar", "citext", "uuid", "bytea", "json", "jsonb", "hstore", "date", "timestamp",
            "timestamptz", "time", "timetz", "interval", "inet", "cidr", "macaddr", "xml", "bit", "varbit",
            "int4range", "int8range", "numrange", "daterange", "tsrange", "tstzrange");

    static TypeKind of(String typeName, boolean isEnum) {
        if (isEnum) {
            return TEXT;
        }
        return switch (typeName.toLowerCase(Locale.ROOT)) {
            case "bool" -> BOOL;
            case "int2", "int4", "int8", "oid" -> INT;
            case "numeric" -> NUMERIC;
            case "money" -> MONEY;
            case "float4" -> FLOAT4;
            case "float8" -> FLOAT8;
            case "bpchar" -> BPCHAR;
            case "uuid" -> UUID;
            case "bytea" -> BYTEA;
            case "json", "jsonb" -> JSON;
            case "hstore" -> HSTORE;
            case "date" -> DATE;
            case "timestamp" -> TIMESTAMP;
            case "timestamptz" -> TIMESTAMPTZ;
            case "time" -> TIME;
            case "timetz" -> TIMETZ;
            case "interval" -> INTERVAL;
            case "bit", "varbit" -> BIT;
            case "int4range", "int8range" -> INT_RANGE;
            case "numrange" -> NUM_RANGE;
            case "daterange" -> DATE_RANGE;
            case "tsrange" -> TS_RANGE;
            case "tstzrange" -> TSTZ_RANGE;
            default -> TEXT;
        };
    }

    /** The subtype of a range kind, else null. */
    TypeKind rangeSubtype() {
        return switch (this) {
            case INT_RANGE -> INT;
            case NUM_RANGE -> NUMERIC;
            case DATE_RANGE -> DATE;
            case TS_RANGE -> TIMESTAMP;
            case TSTZ_RANGE -> TIMESTAMPTZ;
            default -> null;
        };
    }
}
