/**
 * Canonical text of PostgreSQL column values, the same from JDBC and from Debezium change events.
 *
 * <p>Entry points: {@link dev.strangler.parity.canonical.ColumnCatalog} (column types and primary key from
 * pg_catalog) and {@link dev.strangler.parity.canonical.Canonicalizer} (values and keys). Every canonical text is
 * one JSON value; SQL NULL is {@code null}. The rules, by type (all verified against Debezium 3.6.1 with the
 * pipeline's settings in {@code CanonicalizerPipelineIT}):
 *
 * <ul>
 *   <li>boolean: {@code true} / {@code false}. smallint, integer, bigint, oid: the integer.</li>
 *   <li>numeric, decimal, money: the exact value with trailing fractional zeros removed, plain notation
 *       ({@code 1.500} and {@code 1.5} are equal, as for PostgreSQL's {@code =}; the event carries the column's
 *       scale); {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} (Debezium writes {@code NAN},
 *       {@code POSITIVE_INFINITY}, {@code NEGATIVE_INFINITY}). Select money with
 *       {@link dev.strangler.parity.canonical.Canonicalizer#selectExpression} (its text depends on lc_monetary).</li>
 *   <li>real, double precision: compared as the IEEE value of the column's width; text is the shortest decimal that
 *       reads back as that float/double, laid out like PostgreSQL prints it ({@code 0.1}, {@code 1e-45},
 *       {@code 1.7976931348623157e+308}); {@code -0} is {@code 0} (PostgreSQL's {@code =} agrees);
 *       {@code "NaN"} equals {@code "NaN"}; {@code "Infinity"}, {@code "-Infinity"}.</li>
 *   <li>text, varchar, citext, name, enum, xml, inet, cidr, macaddr, ranges: the exact text as a JSON string
 *       (no Unicode normalisation, case kept for citext). char(n): trailing spaces removed (they are insignificant
 *       for bpchar). uuid: lower case.</li>
 *   <li>bytea: standard base64 with padding. bit(n), varbit: the bits as binary digits without leading zeros
 *       ({@code "0"} for zero): Debezium carries bit strings as integers, so leading zeros (and a varbit's length)
 *       are not compared.</li>
 *   <li>json, jsonb: the document re-serialised with sorted keys, no whitespace and numbers by value, as a JSON
 *       string. json keeps its text in PostgreSQL; key order, whitespace and number spelling are ignored, and a
 *       duplicate key keeps its last value (known limitation: documents differing only in a shadowed duplicate
 *       compare equal). hstore: a JSON object with sorted keys.</li>
 *   <li>date: {@code "2000-02-29"} (Debezium's zone designator dropped); years outside 0..9999 as ISO
 *       ({@code "+5874897-12-31"}, {@code "-0043-03-15"} for 44 BC); {@code "infinity"}, {@code "-infinity"}.</li>
 *   <li>timestamp: {@code "2024-03-01T12:34:56.789012"}, the wall-clock value (Debezium appends a meaningless
 *       {@code Z}); timestamptz: the instant in UTC, {@code "2024-03-01T10:34:56.789012Z"}, whatever offset it was
 *       written with. Fractional seconds without trailing zeros, none when zero (the event pads to the column's
 *       precision). Infinite values as {@code "infinity"} / {@code "-infinity"}.</li>
 *   <li>time: {@code "12:34:56.5"} ({@code 24:00:00} stays {@code "24:00:00"}); timetz: normalised to UTC,
 *       {@code "10:34:56.789012Z"} (Debezium drops the offset, so {@code 12:00+02} and {@code 10:00+00} are
 *       equal).</li>
 *   <li>interval: the three stored fields (months, days, microseconds) in PostgreSQL's iso_8601 style,
 *       {@code "P1Y2M3DT4H5M6.78S"}, {@code "PT0S"}; {@code 1 day} and {@code 24 hours} stay different.</li>
 *   <li>arrays: JSON arrays of the elements' canonical texts, {@code null} for NULL elements, {@code []} when
 *       empty, nested for multi-dimensional arrays; lower bounds are not compared.</li>
 * </ul>
 *
 * <p>Debezium losses the canonical form does not hide (a parity check reports them as differences): time
 * {@code 24:00:00} arrives as {@code 00:00:00}; multi-dimensional arrays arrive as arrays of nulls; a numeric[]
 * holding NaN arrives as null; BC dates in snapshot events lose their era; unchanged TOASTed bytea, numeric[],
 * float/bool/date/timestamptz/int2/enum arrays arrive as null with the default replica identity. money[] and
 * interval[] columns are missing from events altogether
 * ({@link dev.strangler.parity.canonical.CanonicalValue.Kind#ABSENT}).
 */
package dev.strangler.parity.canonical;
