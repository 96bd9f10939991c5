package dev.strangler.engine.doctor;

import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Per captured table: it exists and is a table, the role may read it, it has a primary key or a replica identity
 * (without one, a publication makes PostgreSQL reject the legacy app's UPDATE and DELETE), and which columns can be
 * TOASTed under a non-FULL identity (their unchanged values arrive as a placeholder, which parity cannot compare).
 */
final class TableProbe implements Probe {

    static final String SCRIPT_04 = "sql/dba/04_replica_identity.sql";

    private static final String QUERY = """
            SELECT c.relkind, c.relreplident,
                   has_schema_privilege(n.oid, 'USAGE'), has_table_privilege(c.oid, 'SELECT'),
                   (SELECT string_agg(a.attname, ', ' ORDER BY a.attnum) FROM pg_index i
                      JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
                     WHERE i.indrelid = c.oid AND i.indisprimary) AS pk,
                   (SELECT i.indexrelid::regclass::text FROM pg_index i
                     WHERE i.indrelid = c.oid AND i.indisreplident) AS identity_index,
                   (SELECT i.indexrelid::regclass::text FROM pg_index i
                     WHERE i.indrelid = c.oid AND i.indisunique AND i.indimmediate AND i.indpred IS NULL
                       AND i.indexprs IS NULL
                       AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = i.indrelid
                                       AND a.attnum = ANY (i.indkey) AND NOT a.attnotnull)
                     ORDER BY i.indexrelid LIMIT 1) AS candidate_index,
                   (SELECT string_agg(a.attname, ', ' ORDER BY a.attnum) FROM pg_attribute a
                     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attstorage IN ('x', 'e')
                       AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary
                                       AND a.attnum = ANY (i.indkey))) AS toastable,
                   CASE WHEN c.reltoastrelid <> 0 THEN pg_relation_size(c.reltoastrelid) END AS toast_bytes,
                   (SELECT string_agg(p.pubname, ', ' ORDER BY p.pubname) FROM pg_publication_tables p
                     WHERE p.schemaname = n.nspname AND p.tablename = c.relname) AS publications
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ? AND c.relname = ?""";

    @Override
    public String name() {
        return "tables";
    }

    @Override
    public List<Check> run(Connection c, PipelineConfig config) throws SQLException {
        List<Check> checks = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(QUERY)) {
            for (TableId table : config.capturedTables()) {
                ps.setString(1, table.schema());
                ps.setString(2, table.table());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        checks.add(Check.fail("table " + table, "table " + table + " does not exist in database '"
                                + config.source().endpoint().database() + "'",
                                "fix source.tables (names are case-sensitive, as in pg_tables)"));
                        continue;
                    }
                    checks.addAll(checksOf(table, config.source().user(), rs));
                }
            }
        }
        return checks;
    }

    private static List<Check> checksOf(TableId table, String user, ResultSet rs) throws SQLException {
        List<Check> checks = new ArrayList<>();
        String kind = rs.getString("relkind");
        if (!kind.equals("r") && !kind.equals("p")) {
            checks.add(Check.fail("table " + table, table + " is not a table (relkind '" + kind + "'): views and "
                    + "foreign tables have no WAL changes to capture", "capture the underlying tables in "
                    + "source.tables instead"));
            return checks;
        }
        checks.add(access(table, user, rs.getBoolean(3), rs.getBoolean(4)));
        checks.add(identity(table, rs));
        toast(table, rs).ifPresent(checks::add);
        return checks;
    }

    private static Check access(TableId table, String user, boolean schemaUsage, boolean select) {
        String name = "table " + table + ": SELECT";
        String role = Sql.ident(user);
        if (!schemaUsage) {
            return Check.fail(name, "role '" + user + "' has no USAGE on schema " + table.schema()
                    + ": the snapshot cannot read " + table, "GRANT USAGE ON SCHEMA " + Sql.ident(table.schema())
                    + " TO " + role + ";");
        }
        if (!select) {
            return Check.fail(name, "role '" + user + "' cannot read " + table + ": the initial snapshot needs "
                    + "SELECT", "GRANT SELECT ON " + table.quoted() + " TO " + role + ";");
        }
        return Check.pass(name, "role '" + user + "' can read it");
    }

    private static Check identity(TableId table, ResultSet rs) throws SQLException {
        String name = "table " + table + ": replica identity";
        String identity = rs.getString("relreplident");
        String pk = rs.getString("pk");
        String publications = rs.getString("publications");
        String noKeyDetail = " without a primary key: its events have no key, so no per-key order in Kafka";
        String noKeyFix = "add a primary key, or name the key columns: debezium.message.key.columns=" + table
                + ":<col1>,<col2>";
        switch (identity) {
            case "d":
                if (pk != null) {
                    return Check.pass(name, "DEFAULT, primary key (" + pk + ")");
                }
                return noIdentity(table, name, "no primary key and REPLICA IDENTITY DEFAULT", rs, publications);
            case "i":
                String index = rs.getString("identity_index");
                return pk != null
                        ? Check.pass(name, "USING INDEX " + index)
                        : Check.warn(name, "USING INDEX " + index + noKeyDetail, noKeyFix);
            case "f":
                return pk != null
                        ? Check.pass(name, "FULL (whole old rows in updates and deletes), primary key (" + pk + ")")
                        : Check.warn(name, "FULL" + noKeyDetail, noKeyFix);
            default:
                return noIdentity(table, name, "REPLICA IDENTITY NOTHING", rs, publications);
        }
    }

    /** No usable identity: updates and deletes are rejected for the legacy app once the table is published. */
    private static Check noIdentity(TableId table, String name, String what, ResultSet rs, String publications)
            throws SQLException {
        String breakage = publications == null
                ? "once the table is in the publication PostgreSQL rejects the legacy application's UPDATE and DELETE "
                        + "on it (\"cannot update table because it does not have a replica identity and publishes "
                        + "updates\")"
                : "it is in publication(s) " + publications + " now, so PostgreSQL already rejects the legacy "
                        + "application's UPDATE and DELETE on it";
        String candidate = rs.getString("candidate_index");
        String fix = candidate != null
                ? "ALTER TABLE " + table.quoted() + " REPLICA IDENTITY USING INDEX " + candidate
                        + "; (a unique index on NOT NULL columns it already has), or add a primary key"
                : "add a primary key, or ALTER TABLE " + table.quoted() + " REPLICA IDENTITY FULL;";
        return Check.fail(name, what + ": " + breakage, fix + " (" + SCRIPT_04 + "), or remove " + table
                + " from source.tables");
    }

    private static java.util.Optional<Check> toast(TableId table, ResultSet rs) throws SQLException {
        String toastable = rs.getString("toastable");
        if (toastable == null || "f".equals(rs.getString("relreplident"))) {
            return java.util.Optional.empty();
        }
        long toastBytes = rs.getLong("toast_bytes");
        String stored = toastBytes > 0 ? Units.bytes(toastBytes) + " stored out of line now"
                : "no value stored out of line yet";
        return java.util.Optional.of(Check.warn("table " + table + ": TOAST",
                "column(s) " + toastable + " can be TOASTed (" + stored + "): an UPDATE that leaves such a large "
                        + "value unchanged sends \"__debezium_unavailable_value\" instead of it, and parity reports "
                        + "those rows \"not comparable\"",
                "if parity must compare them: ALTER TABLE " + table.quoted() + " REPLICA IDENTITY FULL; (more WAL "
                        + "per update, " + SCRIPT_04 + ")"));
    }
}
