package dev.strangler.engine.config;

import java.util.regex.Pattern;

/** A captured table, as schema and table name exactly as PostgreSQL stores them (unquoted identifiers are lower case). */
public record TableId(String schema, String table) implements Comparable<TableId> {

    private static final Pattern PART = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

    public TableId {
        if (!PART.matcher(schema).matches() || !PART.matcher(table).matches()) {
            throw new IllegalArgumentException("not a plain schema.table name: " + schema + "." + table);
        }
    }

    /** Parses {@code schema.table}; throws {@link ConfigException} naming the key when the text is not of that form. */
    public static TableId parse(String key, String text) {
        String trimmed = text.trim();
        int dot = trimmed.indexOf('.');
        if (dot <= 0 || dot != trimmed.lastIndexOf('.') || dot == trimmed.length() - 1) {
            throw new ConfigException(key + ": '" + text + "' is not schema.table; write each table with its schema, "
                    + "e.g. public.orders");
        }
        String schema = trimmed.substring(0, dot);
        String table = trimmed.substring(dot + 1);
        if (!PART.matcher(schema).matches() || !PART.matcher(table).matches()) {
            throw new ConfigException(key + ": '" + text + "' is not a plain identifier pair; Strangler takes "
                    + "unquoted names (letters, digits, '_', '$'), as PostgreSQL lists them in pg_tables");
        }
        return new TableId(schema, table);
    }

    /** The Debezium include-list entry: a regular expression that matches exactly this table. */
    public String includePattern() {
        return Pattern.quote(schema) + "\\." + Pattern.quote(table);
    }

    /** The name as SQL: both parts double-quoted, so case and keywords survive. */
    public String quoted() {
        return '"' + schema + "\".\"" + table + '"';
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
