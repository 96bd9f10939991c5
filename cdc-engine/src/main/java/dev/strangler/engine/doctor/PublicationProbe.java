package dev.strangler.engine.doctor;

import dev.strangler.contract.ServerCapabilities;
import dev.strangler.contract.SqlIdentifier;
import dev.strangler.contract.TableId;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.source.StranglerObjects;
import dev.strangler.sql.StranglerSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The publication: when it exists, it must publish every change of exactly the streamed tables, captured and outbox
 * ({@link PipelineConfig#streamedTables()}, plus the pipeline's own schema strangler); when it does not, the role
 * must be able to create it at start, or a DBA creates it.
 */
final class PublicationProbe implements Probe {

    static final String SCRIPT_03 = "sql/dba/03_publication.sql";

    @Override
    public String name() {
        return "publication";
    }

    @Override
    public List<Check> run(Connection c, ServerCapabilities server, HostedService.Detected platform,
                           PipelineConfig config) throws SQLException {
        String pub = config.source().publication();
        try (PreparedStatement ps = Sql.prepare(c, "SELECT puballtables, pubinsert, pubupdate, pubdelete, "
                + "pg_get_userbyid(pubowner) FROM pg_publication WHERE pubname = ?", pub);
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return List.of(missing(c, server, config));
            }
            List<Check> checks = new ArrayList<>();
            boolean allTables = rs.getBoolean(1);
            if (!rs.getBoolean(2) || !rs.getBoolean(3) || !rs.getBoolean(4)) {
                checks.add(Check.fail("publication " + pub + ": operations", "publication '" + pub + "' does not "
                        + "publish every insert, update and delete: those changes never reach Kafka",
                        "ALTER PUBLICATION " + SqlIdentifier.quote(pub) + " SET (publish = 'insert, update, delete, "
                                + "truncate');"));
            }
            checks.addAll(allTables ? allTables(c, pub) : tables(c, config, rs.getString(5)));
            checks.add(heartbeat(c, server, config, allTables));
            if (config.sinkEcho() != PipelineConfig.SinkEcho.OFF) {
                checks.add(sinkMarker(c, server, config, allTables));
            }
            return checks;
        }
    }

    private static Check missing(Connection c, ServerCapabilities server, PipelineConfig config)
            throws SQLException {
        String pub = config.source().publication();
        String name = "publication " + pub;
        if (server.standby() && config.source().primary().isEmpty()) {
            return Check.fail(name, "publication '" + pub + "' does not exist, and the source is a standby: without "
                    + "source.primary.url the pipeline cannot create it anywhere", "a DBA creates it on the primary: "
                    + "psql -v publication=" + pub + " -v tables='" + tableList(config) + "' -f " + SCRIPT_03
                    + "; or set source.primary.url");
        }
        List<String> notOwned = new ArrayList<>();
        // by name in the catalogs, not to_regclass: that needs USAGE on the schema, which the role may lack
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_has_role(c.relowner, 'USAGE') FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            for (TableId t : config.streamedTables()) {
                ps.setString(1, t.schema());
                ps.setString(2, t.table());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next() && !rs.getBoolean(1)) {
                        notOwned.add(t.toString());
                    }
                }
            }
        }
        boolean mayCreate = Sql.bool(c, "SELECT has_database_privilege(current_database(), 'CREATE')");
        if (notOwned.isEmpty() && mayCreate) {
            return Check.pass(name, "does not exist yet; strangler run creates it at start"
                    + (server.standby() ? " on the primary (source.primary.url)" : "") + " for exactly "
                    + join(config.streamedTables()) + " and strangler.heartbeat");
        }
        String why = !notOwned.isEmpty()
                ? "role '" + config.source().user() + "' does not own " + String.join(", ", notOwned)
                        + " (creating a publication needs ownership of every table in it)"
                : "role '" + config.source().user() + "' lacks CREATE on the database";
        return Check.fail(name, "publication '" + pub + "' does not exist and the pipeline cannot create it: " + why,
                "a DBA creates it: psql -v publication=" + pub + " -v tables='" + tableList(config) + "' -f "
                        + SCRIPT_03);
    }

    private static List<Check> allTables(Connection c, String pub) throws SQLException {
        List<String> unkeyed = new ArrayList<>();
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
                   AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
                   AND (c.relreplident = 'n' OR (c.relreplident = 'd' AND NOT EXISTS
                        (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)))
                 ORDER BY 1""")) {
            while (rs.next()) {
                unkeyed.add(rs.getString(1));
            }
        }
        String name = "publication " + pub + ": tables";
        String fix = "publish only the streamed tables: DROP PUBLICATION " + SqlIdentifier.quote(pub) + "; then " + SCRIPT_03;
        if (!unkeyed.isEmpty()) {
            return List.of(Check.fail(name, "publication '" + pub + "' is FOR ALL TABLES, and " + unkeyed.size()
                    + " table(s) have no primary key or replica identity (" + abbreviate(unkeyed) + "): PostgreSQL "
                    + "rejects the legacy application's UPDATE and DELETE on them while it exists", fix));
        }
        return List.of(Check.warn(name, "publication '" + pub + "' is FOR ALL TABLES: every table's changes are "
                + "decoded and sent to the pipeline (which drops the ones it does not capture), and any table created "
                + "later without a primary key becomes read-only for UPDATE and DELETE", fix));
    }

    private static String currentUser(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT current_user")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** A published table's name as PostgreSQL has it; it need not be a valid {@link TableId}. */
    private record Published(String schema, String table) {
        String quoted() {
            return SqlIdentifier.quote(schema) + "." + SqlIdentifier.quote(table);
        }

        @Override
        public String toString() {
            return schema + "." + table;
        }
    }

    private static List<Check> tables(Connection c, PipelineConfig config, String owner) throws SQLException {
        String pub = config.source().publication();
        Set<String> published = new TreeSet<>();
        List<Published> extra = new ArrayList<>();
        Set<String> unkeyed = new TreeSet<>();
        Set<String> streamed = config.streamedTables().stream().map(TableId::toString)
                .collect(Collectors.toCollection(TreeSet::new));
        try (PreparedStatement ps = Sql.prepare(c, """
                SELECT p.schemaname, p.tablename,
                       c.relreplident = 'n' OR (c.relreplident = 'd' AND NOT EXISTS
                           (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary))
                  FROM pg_publication_tables p
                  JOIN pg_namespace n ON n.nspname = p.schemaname
                  JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = p.tablename
                 WHERE p.pubname = ? ORDER BY 1, 2""", pub); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Published t = new Published(rs.getString(1), rs.getString(2));
                published.add(t.toString());
                if (!streamed.contains(t.toString()) && !t.schema().equals(StranglerSchema.SCHEMA)) {
                    extra.add(t);
                    if (rs.getBoolean(3)) {
                        unkeyed.add(t.toString());
                    }
                }
            }
        }
        List<TableId> missing = config.streamedTables().stream().filter(t -> !published.contains(t.toString()))
                .toList();
        String name = "publication " + pub + ": tables";
        List<Check> checks = new ArrayList<>();
        if (!missing.isEmpty() && owner.equals(currentUser(c))) {
            checks.add(Check.warn(name, "publication '" + pub + "' does not publish " + describe(config, missing)
                    + " yet: it belongs to the pipeline's role '" + owner + "', so strangler run adds "
                    + (missing.size() == 1 ? "it" : "them") + " (ALTER PUBLICATION ... ADD TABLE) and publishes "
                    + "their existing rows by an incremental snapshot", "none needed; strangler run does it"));
        } else if (!missing.isEmpty()) {
            checks.add(Check.fail(name, "publication '" + pub + "' (owner " + owner + ") exists but does not publish "
                    + describe(config, missing) + ": Strangler uses an existing publication as it is, so "
                    + (missing.size() == 1 ? "its" : "their") + " " + whatNeverArrives(config, missing)
                    + " would never reach Kafka", "ALTER PUBLICATION " + SqlIdentifier.quote(pub) + " ADD TABLE "
                    + missing.stream().map(TableId::quoted).collect(Collectors.joining(", ")) + "; (as its owner "
                    + "or a superuser, " + SCRIPT_03 + ")"));
        }
        if (!extra.isEmpty()) {
            String drop = "ALTER PUBLICATION " + SqlIdentifier.quote(pub) + " DROP TABLE "
                    + extra.stream().map(Published::quoted).collect(Collectors.joining(", ")) + ";";
            if (!unkeyed.isEmpty()) {
                checks.add(Check.fail(name, "publication '" + pub + "' also publishes " + join(extra)
                        + ", which neither source.tables nor outbox.tables lists; " + String.join(", ", unkeyed) + " ha"
                        + (unkeyed.size() == 1 ? "s" : "ve") + " no primary key or replica identity, so PostgreSQL "
                        + "rejects the legacy application's UPDATE and DELETE on "
                        + (unkeyed.size() == 1 ? "it" : "them") + " now", drop));
            } else {
                checks.add(Check.warn(name, "publication '" + pub + "' also publishes " + join(extra) + ", which "
                        + "neither source.tables nor outbox.tables lists: their changes are decoded and sent to the "
                        + "pipeline for nothing", drop + " (or add them to source.tables)"));
            }
        }
        if (checks.isEmpty()) {
            checks.add(Check.pass(name, "publishes exactly " + describe(config, config.streamedTables())));
        }
        return checks;
    }

    /** The heartbeat must be published, or the slot stands still (and retains WAL) while the tables are idle. */
    private static Check heartbeat(Connection c, ServerCapabilities server, PipelineConfig config, boolean allTables)
            throws SQLException {
        String pub = config.source().publication();
        String name = "publication " + pub + ": heartbeat";
        if (allTables) {
            return Check.pass(name, "FOR ALL TABLES includes " + StranglerObjects.HEARTBEAT_TABLE);
        }
        boolean exists = Sql.bool(c, "SELECT to_regclass('strangler.heartbeat') IS NOT NULL");
        boolean published = Sql.bool(c, "SELECT EXISTS (SELECT 1 FROM pg_publication_tables WHERE pubname = ? "
                + "AND schemaname = 'strangler' AND tablename = 'heartbeat')", pub);
        boolean schemaPublished = server.publishesSchemas()
                && Sql.bool(c, "SELECT EXISTS (SELECT 1 FROM pg_publication_namespace pn JOIN pg_publication p "
                + "ON p.oid = pn.pnpubid JOIN pg_namespace n ON n.oid = pn.pnnspid WHERE p.pubname = ? "
                + "AND n.nspname = 'strangler')", pub);
        if (published || schemaPublished) {
            return Check.pass(name, published ? "strangler.heartbeat is published"
                    : "schema strangler is published: strangler.heartbeat is covered once the first start "
                            + "creates it");
        }
        String fix = "ALTER PUBLICATION " + SqlIdentifier.quote(pub) + " ADD TABLE strangler.heartbeat; (as a superuser, "
                + "after the pipeline's first start created it; or run " + SCRIPT_03 + " again)";
        return Check.warn(name, exists
                ? "strangler.heartbeat is not published: while the captured tables are idle the slot does not move "
                        + "and PostgreSQL retains WAL"
                : "strangler.heartbeat does not exist yet and the publication will not cover it: after the first "
                        + "start the slot stands still while the captured tables are idle", fix);
    }

    /**
     * No echo (sink.echo drop or mark): the sink's marker must be published, or the pipeline cannot tell a sink's
     * writes from the legacy application's and publishes them as new legacy events. A FAIL once a sink has written
     * here (markers exist), a warning before.
     */
    private static Check sinkMarker(Connection c, ServerCapabilities server, PipelineConfig config, boolean allTables)
            throws SQLException {
        String pub = config.source().publication();
        String name = "publication " + pub + ": sink marker";
        if (allTables) {
            return Check.pass(name, "FOR ALL TABLES includes " + StranglerObjects.SINK_MARKER_TABLE);
        }
        boolean published = Sql.bool(c, "SELECT EXISTS (SELECT 1 FROM pg_publication_tables WHERE pubname = ? "
                + "AND schemaname = 'strangler' AND tablename = 'sink_marker')", pub);
        boolean schemaPublished = server.publishesSchemas()
                && Sql.bool(c, "SELECT EXISTS (SELECT 1 FROM pg_publication_namespace pn JOIN pg_publication p "
                + "ON p.oid = pn.pnpubid JOIN pg_namespace n ON n.oid = pn.pnnspid WHERE p.pubname = ? "
                + "AND n.nspname = 'strangler')", pub);
        if (published || schemaPublished) {
            return Check.pass(name, published ? "strangler.sink_marker is published: a strangler sink's writes are "
                    + (config.sinkEcho() == PipelineConfig.SinkEcho.DROP ? "dropped" : "marked") + " (sink.echo)"
                    : "schema strangler is published: strangler.sink_marker is covered once the migrations create it");
        }
        // by name in the catalogs: to_regclass needs USAGE on the schema, which the role may lack
        boolean sinkWrote = Sql.bool(c, "SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = "
                + "c.relnamespace WHERE n.nspname = 'strangler' AND c.relname = 'sink_marker' "
                + "AND has_schema_privilege(n.oid, 'USAGE') AND has_table_privilege(c.oid, 'SELECT'))")
                && Sql.bool(c, "SELECT EXISTS (SELECT 1 FROM strangler.sink_marker)");
        String fix = "ALTER PUBLICATION " + SqlIdentifier.quote(pub) + " ADD TABLE strangler.sink_marker; (as its owner or a "
                + "superuser, once the migrations created it; or run " + SCRIPT_03 + " again), or set sink.echo=off "
                + "if no strangler sink writes to this database";
        if (sinkWrote) {
            return Check.fail(name, "a strangler sink writes to this database (strangler.sink_marker has rows) but "
                    + "publication '" + pub + "' does not publish strangler.sink_marker: the sink's writes to "
                    + "captured tables would come back as new legacy events (echo)", fix);
        }
        return Check.warn(name, "publication '" + pub + "' does not publish strangler.sink_marker: if a strangler "
                + "sink ever writes to the captured tables, its writes come back as new legacy events (echo)", fix);
    }

    private static String tableList(PipelineConfig config) {
        return config.streamedTables().stream().map(TableId::toString).collect(Collectors.joining(","));
    }

    /** The tables, an outbox table marked as one: "shop.orders, messaging.outbox (outbox)". */
    private static String describe(PipelineConfig config, List<TableId> tables) {
        return tables.stream().map(t -> config.outbox().tables().contains(t) ? t + " (outbox)" : t.toString())
                .collect(Collectors.joining(", "));
    }

    /** What is lost when these tables are not published: table changes, outbox events, or both. */
    private static String whatNeverArrives(PipelineConfig config, List<TableId> tables) {
        long outboxes = tables.stream().filter(config.outbox().tables()::contains).count();
        return outboxes == 0 ? "changes" : outboxes == tables.size() ? "outbox events" : "changes and outbox events";
    }

    private static String join(java.util.Collection<?> tables) {
        return tables.stream().map(Object::toString).collect(Collectors.joining(", "));
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 5 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 5)) + " and " + (names.size() - 5) + " more";
    }
}
