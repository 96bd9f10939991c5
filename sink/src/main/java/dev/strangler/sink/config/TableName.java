package dev.strangler.sink.config;

import java.util.regex.Pattern;

/**
 * A legacy table the sink writes, as schema and table name exactly as PostgreSQL stores them. The sink's own copy of
 * the engine's table id (the sink depends on neither engine nor parity checker); it goes when a contract module holds
 * the one shared type.
 */
public record TableName(String schema, String table) implements Comparable<TableName> {

    private static final Pattern PART = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");

    public TableName {
        if (!PART.matcher(schema).matches() || !PART.matcher(table).matches()) {
            throw new IllegalArgumentException("not a plain schema.table name: " + schema + "." + table);
        }
    }

    /** Parses {@code schema.table}; throws {@link SinkConfigException} naming the key when it is not of that form. */
    public static TableName parse(String key, String text) {
        String trimmed = text.trim();
        int dot = trimmed.indexOf('.');
        if (dot <= 0 || dot != trimmed.lastIndexOf('.') || dot == trimmed.length() - 1
                || !PART.matcher(trimmed.substring(0, dot)).matches()
                || !PART.matcher(trimmed.substring(dot + 1)).matches()) {
            throw new SinkConfigException(key + ": '" + text + "' is not schema.table; write the table with its "
                    + "schema as PostgreSQL lists it in pg_tables, e.g. shop.orders");
        }
        return new TableName(trimmed.substring(0, dot), trimmed.substring(dot + 1));
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
    public int compareTo(TableName other) {
        return toString().compareTo(other.toString());
    }
}
