package dev.strangler.parity.model;

import java.util.Objects;

/**
 * A checked table: schema and table name exactly as PostgreSQL stores them (unquoted identifiers are lower case).
 *
 * <p>The same shape as the engine's {@code dev.strangler.engine.config.TableId} (schema, table, {@link #parse},
 * {@link #quoted}, {@code schema.table} as text), so both can be replaced by one type when the shared contract module
 * exists. It is more permissive on purpose: the checker also reads topics written by Kafka Connect or Debezium
 * Server, whose tables may have names that need quoting; only a dot cannot be told apart in the text form.
 */
public record TableId(String schema, String table) implements Comparable<TableId> {

    public TableId {
        Objects.requireNonNull(schema, "schema");
        Objects.requireNonNull(table, "table");
        if (schema.isEmpty() || table.isEmpty()) {
            throw new IllegalArgumentException("a table needs a schema and a name: '" + schema + "." + table + "'");
        }
    }

    /**
     * Parses {@code schema.table}.
     *
     * @throws IllegalArgumentException when the text is not one schema and one table name separated by one dot
     */
    public static TableId parse(String text) {
        String trimmed = text.trim();
        int dot = trimmed.indexOf('.');
        if (dot <= 0 || dot != trimmed.lastIndexOf('.') || dot == trimmed.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not schema.table; write each table with its "
                    + "schema, e.g. public.orders");
        }
        return new TableId(trimmed.substring(0, dot), trimmed.substring(dot + 1));
    }

    /** The name as SQL: both parts double-quoted (embedded quotes doubled), so case and keywords survive. */
    public String quoted() {
        return quote(schema) + "." + quote(table);
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    @Override
    public String toString() {
        return schema + "." + table;
    }

    @Override
    public int compareTo(TableId other) {
        return toString().compareTo(other.toString());
    }
}
