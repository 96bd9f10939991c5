package dev.strangler.contract;

import java.util.Objects;

/**
 * A table: schema and name exactly as PostgreSQL stores them (unquoted identifiers are lower case). Permissive on
 * purpose, since the parity checker also reads topics of tables named by other connectors; what the pipeline itself
 * accepts in its configuration is stricter and checked where the configuration is read.
 */
public record TableId(String schema, String table) implements Comparable<TableId> {

    private static final java.util.regex.Pattern PLAIN = java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

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

    /**
     * Parses {@code schema.table} of unquoted identifiers only (letters, digits, '_', '$'), the way PostgreSQL lists
     * them in pg_tables: what a configuration accepts, so every place that writes the name (SQL, include lists,
     * topic names) can write it as it is.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static TableId parsePlain(String text) {
        TableId id = parse(text);
        if (!PLAIN.matcher(id.schema()).matches() || !PLAIN.matcher(id.table()).matches()) {
            throw new IllegalArgumentException("'" + text.trim() + "' is not a plain identifier pair; Strangler takes "
                    + "unquoted names (letters, digits, '_', '$'), as PostgreSQL lists them in pg_tables");
        }
        return id;
    }

    /** The name as SQL: both parts double-quoted (embedded quotes doubled), so case and keywords survive. */
    public String quoted() {
        return SqlIdentifier.quote(schema) + "." + SqlIdentifier.quote(table);
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
