package dev.strangler.sink;

import dev.strangler.contract.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the sink must know of a legacy table to write it: its columns with their types (how a JSON value becomes the
 * text PostgreSQL reads), its primary key and unique indexes (what ON CONFLICT can target), and the privileges the
 * sink's role has on it. Read once at start.
 */
final class TargetCatalog {

    /** How a JSON value is turned into the text PostgreSQL's input function reads for the column. */
    enum Kind {
        /** base64 text, decoded with decode(?, 'base64') (Debezium's binary.handling.mode=base64). */
        BYTEA,
        /** a JSON array, written as an array literal {...}. */
        ARRAY,
        /** date, time, timestamp without time zone: a trailing 'Z' (Debezium's isostring) is dropped. */
        LOCAL_TEMPORAL,
        /** json, jsonb: the document's text. */
        JSON,
        /** everything else: the value's text. */
        OTHER
    }

    /**
     * @param type         the column's type as SQL ({@code format_type}), for casts
     * @param identityAlways a GENERATED ALWAYS AS IDENTITY column: an insert of it needs OVERRIDING SYSTEM VALUE
     * @param generated    a generated column, which cannot be written
     */
    record Column(String name, String type, Kind kind, boolean identityAlways, boolean generated) {
    }

    record Table(TableId name, Map<String, Column> columns, List<String> primaryKey, List<Set<String>> uniqueKeys,
                 Set<String> privileges) {

        Optional<Column> column(String name) {
            return Optional.ofNullable(columns.get(name));
        }

        boolean hasUniqueIndexOn(List<String> keyColumns) {
            Set<String> wanted = new LinkedHashSet<>(keyColumns);
            return uniqueKeys.stream().anyMatch(wanted::equals);
        }
    }

    private TargetCatalog() {
    }

    /** The table, or empty when it does not exist (or is not a table the sink can write). */
    static Optional<Table> read(Connection c, TableId name) throws SQLException {
        Long oid = null;
        Set<String> privileges = new LinkedHashSet<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT c.oid, has_schema_privilege(n.oid, 'USAGE'),
                       has_table_privilege(c.oid, 'SELECT'), has_table_privilege(c.oid, 'INSERT'),
                       has_table_privilege(c.oid, 'UPDATE'), has_table_privilege(c.oid, 'DELETE')
                  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')""")) {
            ps.setString(1, name.schema());
            ps.setString(2, name.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    oid = rs.getLong(1);
                    String[] names = {"USAGE", "SELECT", "INSERT", "UPDATE", "DELETE"};
                    for (int i = 0; i < names.length; i++) {
                        if (rs.getBoolean(i + 2)) {
                            privileges.add(names[i]);
                        }
                    }
                }
            }
        }
        if (oid == null) {
            return Optional.empty();
        }
        return Optional.of(new Table(name, columns(c, oid), primaryKey(c, oid), uniqueKeys(c, oid), privileges));
    }

    private static Map<String, Column> columns(Connection c, long oid) throws SQLException {
        Map<String, Column> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT a.attname, format_type(a.atttypid, a.atttypmod), b.typname, b.typcategory,
                       a.attidentity = 'a', a.attgenerated <> ''
                  FROM pg_attribute a
                  JOIN pg_type t ON t.oid = a.atttypid
                  JOIN pg_type b ON b.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
                 WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped
                 ORDER BY a.attnum""")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    columns.put(name, new Column(name, rs.getString(2), kind(rs.getString(3), rs.getString(4)),
                            rs.getBoolean(5), rs.getBoolean(6)));
                }
            }
        }
        return columns;
    }

    static Kind kind(String baseTypeName, String category) {
        if ("A".equals(category)) {
            return Kind.ARRAY;
        }
        return switch (baseTypeName) {
            case "bytea" -> Kind.BYTEA;
            case "date", "time", "timestamp" -> Kind.LOCAL_TEMPORAL;
            case "json", "jsonb" -> Kind.JSON;
            default -> Kind.OTHER;
        };
    }

    private static List<String> primaryKey(Connection c, long oid) throws SQLException {
        for (Index index : indexes(c, oid)) {
            if (index.primary()) {
                return index.columns();
            }
        }
        return List.of();
    }

    private static List<Set<String>> uniqueKeys(Connection c, long oid) throws SQLException {
        List<Set<String>> keys = new ArrayList<>();
        for (Index index : indexes(c, oid)) {
            keys.add(new LinkedHashSet<>(index.columns()));
        }
        return keys;
    }

    private record Index(boolean primary, List<String> columns) {
    }

    /** Unique indexes ON CONFLICT can use: on plain columns, not partial. */
    private static List<Index> indexes(Connection c, long oid) throws SQLException {
        List<Index> result = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT i.indisprimary,
                       array(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
                               JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                              ORDER BY k.ord)
                  FROM pg_index i
                 WHERE i.indrelid = ? AND i.indisunique AND i.indisvalid AND i.indpred IS NULL
                   AND i.indexprs IS NULL
                 ORDER BY NOT i.indisprimary, i.indexrelid""")) {
            ps.setLong(1, oid);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String[] columns = (String[]) rs.getArray(2).getArray();
                    result.add(new Index(rs.getBoolean(1), Arrays.asList(columns)));
                }
            }
        }
        return result;
    }
}
