package dev.strangler.engine.doctor;

import dev.strangler.contract.OutboxContract;
import dev.strangler.contract.ServerCapabilities;
import dev.strangler.contract.SqlIdentifier;
import dev.strangler.contract.TableId;
import dev.strangler.engine.config.PipelineConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Per streamed table: it exists and is a table, the role may read it (the snapshot reads it), it has a primary key or
 * a replica identity (without one, a publication makes PostgreSQL reject the legacy app's UPDATE and DELETE), and,
 * for a captured table, which columns can be TOASTed under a non-FULL identity (their unchanged values arrive as a
 * placeholder, which parity cannot compare). An outbox table must also have the columns the EventRouter routes by;
 * its TOASTed payloads are no concern, because only its inserts are events and an insert carries every value.
 */
final class TableProbe implements Probe {

    static final String SCRIPT_04 = "sql/dba/04_replica_identity.sql";
    static final String OUTBOX_DDL = "sql/outbox/V1__outbox_and_inbox.sql";
    /** The columns {@code DebeziumSettings} has the EventRouter read; the others are optional headers. */
    static final List<String> OUTBOX_COLUMNS = OutboxContract.ROUTED_COLUMNS;

    /** Which list of the configuration a table comes from, and so which fix names it. */
    private enum Kind {
        CAPTURED("source.tables"), OUTBOX("outbox.tables");

        final String key;

        Kind(String key) {
            this.key = key;
        }
    }

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
                   pg_table_size(c.oid) AS table_bytes, c.reltuples AS estimated_rows,
                   (SELECT string_agg(p.pubname, ', ' ORDER BY p.pubname) FROM pg_publication_tables p
                     WHERE p.schemaname = n.nspname AND p.tablename = c.relname) AS publications,
                   (SELECT array_agg(a.attname::text ORDER BY a.attnum) FROM pg_attribute a
                     WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ? AND c.relname = ?""";

    @Override
    public String name() {
        return "tables";
    }

    @Override
    public List<Check> run(Connection c, ServerCapabilities server, HostedService.Detected platform,
                           PipelineConfig config) throws SQLException {
        List<Check> checks = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(QUERY)) {
            for (TableId table : config.streamedTables()) {
                Kind kind = config.outbox().tables().contains(table) ? Kind.OUTBOX : Kind.CAPTURED;
                ps.setString(1, table.schema());
                ps.setString(2, table.table());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        checks.add(missing(table, kind, config.source().endpoint().database()));
                        continue;
                    }
                    checks.addAll(checksOf(table, kind, config.source().user(), rs));
                    if (kind == Kind.CAPTURED && List.of("r", "p").contains(rs.getString("relkind"))) {
                        ToastAdvice.of(table, rs.getString("toastable"), "f".equals(rs.getString("relreplident")),
                                rs.getLong("toast_bytes"), averageRowBytes(c, table, rs),
                                config.source().toastReselect().contains(table)).ifPresent(checks::add);
                    }
                }
            }
        }
        return checks;
    }

    /**
     * The table's size over its rows, out-of-line values included. The planner's estimate when the table was
     * analysed; else a count that stops at {@value #ROW_COUNT_CAP} rows, so an unanalysed large table is not read whole
     * (its average is then an upper bound).
     */
    private static long averageRowBytes(Connection c, TableId table, ResultSet rs) throws SQLException {
        long bytes = rs.getLong("table_bytes");
        double estimated = rs.getDouble("estimated_rows");
        if (estimated > 0) {
            return (long) (bytes / estimated);
        }
        if (!rs.getBoolean(4)) {
            return -1; // no SELECT: the access check says so, and the size per row stays unknown
        }
        try (Statement st = c.createStatement(); ResultSet count = st.executeQuery("SELECT count(*) FROM (SELECT 1 "
                + "FROM " + table.quoted() + " LIMIT " + ROW_COUNT_CAP + ") s")) {
            count.next();
            return bytes / Math.max(1, count.getLong(1));
        }
    }

    private static final int ROW_COUNT_CAP = 100_000;

    private static Check missing(TableId table, Kind kind, String database) {
        String fix = "fix " + kind.key + " (names are case-sensitive, as in pg_tables)";
        if (kind == Kind.OUTBOX) {
            return Check.fail("table " + table, "outbox table " + table + " does not exist in database '" + database
                    + "'", fix + ", or create it: OutboxMigrations.apply(dataSource, \"" + table.schema() + "\") or "
                    + OUTBOX_DDL);
        }
        return Check.fail("table " + table, "table " + table + " does not exist in database '" + database + "'", fix);
    }

    private static List<Check> checksOf(TableId table, Kind kind, String user, ResultSet rs) throws SQLException {
        List<Check> checks = new ArrayList<>();
        String relkind = rs.getString("relkind");
        if (!relkind.equals("r") && !relkind.equals("p")) {
            checks.add(Check.fail("table " + table, table + " is not a table (relkind '" + relkind + "'): views and "
                    + "foreign tables have no WAL changes to capture", kind == Kind.OUTBOX
                    ? "list the outbox table itself in outbox.tables (" + OUTBOX_DDL + ")"
                    : "capture the underlying tables in source.tables instead"));
            return checks;
        }
        checks.add(access(table, user, rs.getBoolean(3), rs.getBoolean(4)));
        if (kind == Kind.OUTBOX) {
            outboxColumns(table, rs).ifPresent(checks::add);
        }
        checks.add(identity(table, kind, rs));
        return checks;
    }

    /** An outbox table without the routed columns would stop the pipeline at its first event. */
    private static java.util.Optional<Check> outboxColumns(TableId table, ResultSet rs) throws SQLException {
        java.sql.Array array = rs.getArray("columns");
        List<String> columns = array == null ? List.of() : List.of((String[]) array.getArray());
        List<String> lacking = OUTBOX_COLUMNS.stream().filter(col -> !columns.contains(col)).toList();
        if (lacking.isEmpty()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Check.fail("table " + table + ": outbox columns", "outbox table " + table
                + " has no column(s) " + String.join(", ", lacking) + ": the outbox router cannot route its rows",
                "create it in the outbox's shape (" + OUTBOX_DDL + ", OutboxMigrations), or fix outbox.tables"));
    }

    private static Check access(TableId table, String user, boolean schemaUsage, boolean select) {
        String name = "table " + table + ": SELECT";
        String role = SqlIdentifier.quote(user);
        if (!schemaUsage) {
            return Check.fail(name, "role '" + user + "' has no USAGE on schema " + table.schema()
                    + ": the snapshot cannot read " + table, "GRANT USAGE ON SCHEMA " + SqlIdentifier.quote(table.schema())
                    + " TO " + role + ";");
        }
        if (!select) {
            return Check.fail(name, "role '" + user + "' cannot read " + table + ": the initial snapshot needs "
                    + "SELECT", "GRANT SELECT ON " + table.quoted() + " TO " + role + ";");
        }
        return Check.pass(name, "role '" + user + "' can read it");
    }

    private static Check identity(TableId table, Kind kind, ResultSet rs) throws SQLException {
        String name = "table " + table + ": replica identity";
        String identity = rs.getString("relreplident");
        String pk = rs.getString("pk");
        String publications = rs.getString("publications");
        String noKeyDetail = " without a primary key: its events have no key, so no per-key order in Kafka";
        String noKeyFix = "add a primary key, or name the key columns: debezium.message.key.columns=" + table
                + ":<col1>,<col2>";
        // an outbox event's key is its aggregateid, not the row's key: no primary key costs no order there
        boolean keyed = pk != null || kind == Kind.OUTBOX;
        switch (identity) {
            case "d":
                if (pk != null) {
                    return Check.pass(name, "DEFAULT, primary key (" + pk + ")");
                }
                return noIdentity(table, kind, name, "no primary key and REPLICA IDENTITY DEFAULT", rs, publications);
            case "i":
                String index = rs.getString("identity_index");
                return keyed
                        ? Check.pass(name, "USING INDEX " + index)
                        : Check.warn(name, "USING INDEX " + index + noKeyDetail, noKeyFix);
            case "f":
                return keyed
                        ? Check.pass(name, "FULL (whole old rows in updates and deletes)"
                                + (pk != null ? ", primary key (" + pk + ")" : ""))
                        : Check.warn(name, "FULL" + noKeyDetail, noKeyFix);
            default:
                return noIdentity(table, kind, name, "REPLICA IDENTITY NOTHING", rs, publications);
        }
    }

    /** No usable identity: updates and deletes are rejected for the legacy app once the table is published. */
    private static Check noIdentity(TableId table, Kind kind, String name, String what, ResultSet rs,
                                    String publications) throws SQLException {
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
        return Check.fail(name, what + ": " + breakage + (kind == Kind.OUTBOX ? " (the outbox library deletes each "
                + "event row right after its insert)" : ""), fix + " (" + SCRIPT_04 + "), or remove " + table
                + " from " + kind.key);
    }
}
