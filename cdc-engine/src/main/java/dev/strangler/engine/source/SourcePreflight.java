package dev.strangler.engine.source;

import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before anything is created, that the legacy database can serve the pipeline: reachable, a primary,
 * wal_level=logical, the role may replicate and read every table, the tables exist, the slot is free or ours.
 * The first failure is thrown as a {@link SourceNotReadyException} whose message carries the fix.
 */
public final class SourcePreflight {

    private static final Logger LOG = LoggerFactory.getLogger(SourcePreflight.class);

    /** What the preflight learned that the start-up needs. */
    public record Findings(boolean publicationExists, boolean slotExists, List<TableId> tablesMissingFromPublication) {
    }

    private final PipelineConfig config;

    public SourcePreflight(PipelineConfig config) {
        this.config = config;
    }

    public Findings run() {
        PipelineConfig.Source source = config.source();
        try (Connection c = SourceConnections.open(source, "strangler-preflight-" + config.pipelineName())) {
            checkServer(c);
            checkReplicationPrivilege(c, source.user());
            checkTables(c, source);
            boolean slotExists = checkSlot(c, source);
            List<TableId> missing = new ArrayList<>();
            boolean publicationExists = checkPublication(c, source, missing);
            return new Findings(publicationExists, slotExists, missing);
        } catch (SQLException e) {
            throw new SourceNotReadyException("preflight query on PostgreSQL at " + source.endpoint() + " failed: "
                    + SourceConnections.firstLine(e), e);
        }
    }

    private void checkServer(Connection c) throws SQLException {
        int version = c.getMetaData().getDatabaseMajorVersion();
        if (version < 10) {
            throw new SourceNotReadyException("PostgreSQL " + version + " has no pgoutput; Strangler needs "
                    + "PostgreSQL 10 or newer (14+ recommended)");
        }
        if (queryBoolean(c, "SELECT pg_is_in_recovery()")) {
            throw new SourceNotReadyException("PostgreSQL at " + config.source().endpoint() + " is a read-only "
                    + "standby; point source.url at the primary (the pipeline writes its heartbeat and schema there)");
        }
        String walLevel = queryString(c, "SELECT current_setting('wal_level')");
        if (!"logical".equals(walLevel)) {
            throw new SourceNotReadyException("wal_level is '" + walLevel + "' but logical decoding needs 'logical': "
                    + "run ALTER SYSTEM SET wal_level = logical; and restart PostgreSQL (script: sql/dba/"
                    + "01_enable_logical_decoding.sql)");
        }
    }

    private void checkReplicationPrivilege(Connection c, String user) throws SQLException {
        boolean allowed = queryBoolean(c, """
                SELECT r.rolsuper OR r.rolreplication
                       OR EXISTS (SELECT 1 FROM pg_roles g WHERE g.rolname = 'rds_replication'
                                  AND pg_has_role(r.oid, g.oid, 'MEMBER'))
                FROM pg_roles r WHERE r.rolname = current_user""");
        if (!allowed) {
            throw new SourceNotReadyException("role '" + user + "' lacks the REPLICATION attribute: run ALTER ROLE \""
                    + user + "\" WITH REPLICATION; (on Amazon RDS: GRANT rds_replication TO \"" + user + "\";)");
        }
    }

    private void checkTables(Connection c, PipelineConfig.Source source) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("""
                SELECT c.oid IS NOT NULL, c.oid IS NOT NULL AND has_table_privilege(c.oid, 'SELECT')
                FROM (SELECT to_regclass(?) AS oid) r LEFT JOIN pg_class c ON c.oid = r.oid""")) {
            List<TableId> tables = new ArrayList<>(source.tables());
            tables.addAll(config.outbox().tables());
            for (TableId table : tables) {
                exists.setString(1, table.quoted());
                try (ResultSet rs = exists.executeQuery()) {
                    rs.next();
                    if (!rs.getBoolean(1)) {
                        throw new SourceNotReadyException("table " + table + " does not exist in database '"
                                + source.endpoint().database() + "'; fix source.tables (names are case-sensitive, "
                                + "as in pg_tables) or outbox.tables");
                    }
                    if (!rs.getBoolean(2)) {
                        throw new SourceNotReadyException("role '" + source.user() + "' cannot read " + table
                                + ": run GRANT SELECT ON " + table.quoted() + " TO \"" + source.user() + "\";");
                    }
                }
            }
        }
    }

    private boolean checkSlot(Connection c, PipelineConfig.Source source) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT s.plugin, s.slot_type, d.datname, s.active, s.active_pid, s.wal_status
                FROM pg_replication_slots s LEFT JOIN pg_database d ON d.oid = s.datoid WHERE s.slot_name = ?""")) {
            ps.setString(1, source.slot());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    checkFreeSlots(c);
                    return false;
                }
                String slot = source.slot();
                if (!"logical".equals(rs.getString(2)) || !"pgoutput".equals(rs.getString(1))) {
                    throw new SourceNotReadyException("slot '" + slot + "' exists but is a " + rs.getString(2)
                            + " slot of plugin " + rs.getString(1) + ", not pgoutput: it belongs to another "
                            + "consumer; choose another source.slot");
                }
                if (!source.endpoint().database().equals(rs.getString(3))) {
                    throw new SourceNotReadyException("slot '" + slot + "' exists in database '" + rs.getString(3)
                            + "', not '" + source.endpoint().database() + "'; choose another source.slot");
                }
                if (rs.getBoolean(4)) {
                    throw new SourceNotReadyException("slot '" + slot + "' is in use by another process (pid "
                            + rs.getInt(5) + "): another pipeline or consumer is reading it; stop it, or choose "
                            + "another source.slot");
                }
                if ("lost".equals(rs.getString(6))) {
                    throw new SourceNotReadyException("slot '" + slot + "' was invalidated by PostgreSQL "
                            + "(wal_status=lost): WAL it needed was removed, so changes were lost. Recover with a new "
                            + "slot and a fresh snapshot: SELECT pg_drop_replication_slot('" + slot + "'); then start "
                            + "with snapshot.mode=when_needed");
                }
                return true;
            }
        }
    }

    private void checkFreeSlots(Connection c) throws SQLException {
        boolean full = queryBoolean(c, "SELECT count(*) >= current_setting('max_replication_slots')::int "
                + "FROM pg_replication_slots");
        if (full) {
            throw new SourceNotReadyException("every replication slot is taken (max_replication_slots="
                    + queryString(c, "SELECT current_setting('max_replication_slots')") + "): drop an unused slot "
                    + "(SELECT slot_name, active FROM pg_replication_slots) or raise max_replication_slots and "
                    + "restart PostgreSQL");
        }
    }

    private boolean checkPublication(Connection c, PipelineConfig.Source source, List<TableId> missing)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT puballtables FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, source.publication());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                if (rs.getBoolean(1)) {
                    LOG.warn("publication '{}' is FOR ALL TABLES: PostgreSQL rejects UPDATE and DELETE on any table "
                            + "without a primary key or replica identity while it exists; a publication for just "
                            + "the captured tables is safer", source.publication());
                    return true;
                }
            }
        }
        List<TableId> wanted = config.publishedTables(StranglerObjects.HEARTBEAT_TABLE);
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT 1 FROM pg_publication_tables WHERE pubname = ? AND schemaname = ? AND tablename = ?")) {
            for (TableId t : wanted) {
                ps.setString(1, source.publication());
                ps.setString(2, t.schema());
                ps.setString(3, t.table());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        missing.add(t);
                    }
                }
            }
        }
        if (!missing.isEmpty()) {
            LOG.warn("publication '{}' exists and is used as it is, but does not publish {}: their changes will not "
                    + "reach Kafka. Fix: ALTER PUBLICATION {} ADD TABLE {};", source.publication(), missing,
                    source.publication(), String.join(", ", missing.stream().map(TableId::quoted).toList()));
        }
        return true;
    }

    private static boolean queryBoolean(Connection c, String sql) throws SQLException {
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static String queryString(Connection c, String sql) throws SQLException {
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
