package dev.strangler.parity.canonical;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads column types and primary keys from pg_catalog (names are matched exactly, not case-folded). */
public final class ColumnCatalog {

    private ColumnCatalog() {
    }

    /**
     * The live columns of {@code schema.table} in ordinal order (attnum > 0, not dropped), domains resolved to their
     * base types, arrays with their element type.
     *
     * @throws SQLException also when the table does not exist
     */
    public static List<ColumnType> load(Connection c, String schema, String table) throws SQLException {
        List<String> names = new ArrayList<>();
        List<Long> typeOids = new ArrayList<>();
        List<Integer> typmods = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT a.attname, a.atttypid::int8, a.atttypmod
                FROM pg_catalog.pg_attribute a
                JOIN pg_catalog.pg_class cl ON cl.oid = a.attrelid
                JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace
                WHERE n.nspname = ? AND cl.relname = ? AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                    typeOids.add(rs.getLong(2));
                    typmods.add(rs.getInt(3));
                }
            }
        }
        if (names.isEmpty() && !exists(c, schema, table)) {
            throw new SQLException("no such table: " + schema + "." + table);
        }
        Map<Long, TypeRow> cache = new HashMap<>();
        List<ColumnType> columns = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            TypeRow type = resolve(c, typeOids.get(i), cache);
            if ("A".equals(type.category) && type.elementOid != 0) {
                TypeRow element = resolve(c, type.elementOid, cache);
                columns.add(new ColumnType(names.get(i), type.name, "A", element.name, element.isEnum(),
                        typmods.get(i) >= 0 ? typmods.get(i) : element.domainTypmod()));
            } else {
                columns.add(new ColumnType(names.get(i), type.name, type.category, null, type.isEnum(),
                        typmods.get(i) >= 0 ? typmods.get(i) : type.domainTypmod()));
            }
        }
        return List.copyOf(columns);
    }

    /** The primary-key columns of {@code schema.table} in key order; empty when the table has none. */
    public static List<String> primaryKey(Connection c, String schema, String table) throws SQLException {
        List<String> key = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT a.attname
                FROM pg_catalog.pg_index i
                JOIN pg_catalog.pg_class cl ON cl.oid = i.indrelid
                JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace
                CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                JOIN pg_catalog.pg_attribute a ON a.attrelid = cl.oid AND a.attnum = k.attnum
                WHERE i.indisprimary AND n.nspname = ? AND cl.relname = ?
                ORDER BY k.ord""")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    key.add(rs.getString(1));
                }
            }
        }
        return List.copyOf(key);
    }

    private static boolean exists(Connection c, String schema, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT 1 FROM pg_catalog.pg_class cl JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace
                WHERE n.nspname = ? AND cl.relname = ?""")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** @param domainTypmod the type modifier a domain declares ({@code numeric(10,2)}), -1 when none */
    private record TypeRow(String name, String category, String typtype, long elementOid, int domainTypmod) {
        boolean isEnum() {
            return "e".equals(typtype);
        }
    }

    /** Follows domains down to their base type (domains of domains included). */
    private static TypeRow resolve(Connection c, long oid, Map<Long, TypeRow> cache) throws SQLException {
        TypeRow cached = cache.get(oid);
        if (cached != null) {
            return cached;
        }
        long current = oid;
        int domainTypmod = -1;
        for (int depth = 0; depth < 32; depth++) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT typname, typcategory::text, typtype::text, typbasetype::int8, typelem::int8, typtypmod
                    FROM pg_catalog.pg_type WHERE oid = ?::int8::oid""")) {
                ps.setLong(1, current);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new SQLException("no pg_type row for oid " + current);
                    }
                    if ("d".equals(rs.getString(3))) {
                        // the outermost domain's modifier wins, as in PostgreSQL
                        domainTypmod = domainTypmod >= 0 ? domainTypmod : rs.getInt(6);
                        current = rs.getLong(4);
                        continue;
                    }
                    TypeRow row = new TypeRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(5),
                            domainTypmod);
                    cache.put(oid, row);
                    return row;
                }
            }
        }
        throw new SQLException("domain chain too deep for type oid " + oid);
    }
}
