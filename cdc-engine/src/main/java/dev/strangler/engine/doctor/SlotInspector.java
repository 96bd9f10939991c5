package dev.strangler.engine.doctor;

import dev.strangler.contract.ServerCapabilities;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads pg_replication_slots (and, for an active slot, pg_stat_replication) into {@link SlotState}s. Works for any
 * role: the catalog views are readable by everyone, only a few pg_stat_replication columns of other roles' sessions
 * need pg_read_all_stats and are then null.
 */
public final class SlotInspector {

    private SlotInspector() {
    }

    /** Every slot on the server, ordered by name. */
    public static List<SlotState> all(Connection c, ServerCapabilities server) throws SQLException {
        List<SlotState> slots = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(query(server, "") + " ORDER BY s.slot_name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                slots.add(read(rs, null));
            }
        }
        return slots;
    }

    /**
     * The named slot, with the pipeline's heartbeat age when {@code pipeline} is given and strangler.heartbeat is
     * readable; empty when the slot does not exist.
     */
    public static Optional<SlotState> find(Connection c, ServerCapabilities server, String slot, String pipeline)
            throws SQLException {
        Long heartbeatAge = pipeline == null ? null : heartbeatAge(c, pipeline);
        try (PreparedStatement ps = c.prepareStatement(query(server, " WHERE s.slot_name = ?"))) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs, heartbeatAge)) : Optional.empty();
            }
        }
    }

    private static String query(ServerCapabilities server, String where) {
        String current = "CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END";
        return "SELECT s.slot_name, s.plugin, s.slot_type, d.datname, s.active, s.active_pid, "
                + server.slotWalColumns("s") + ", "
                + "s.restart_lsn::text, s.confirmed_flush_lsn::text, "
                + "pg_wal_lsn_diff(" + current + ", s.confirmed_flush_lsn)::bigint, "
                + "pg_wal_lsn_diff(" + current + ", s.restart_lsn)::bigint, "
                + server.slotFailoverColumns("s") + ", "
                + "r.application_name, r.client_addr::text, (extract(epoch FROM r.flush_lag) * 1000)::bigint, r.usename::text "
                + "FROM pg_replication_slots s LEFT JOIN pg_database d ON d.oid = s.datoid "
                + "LEFT JOIN pg_stat_replication r ON r.pid = s.active_pid" + where;
    }

    private static SlotState read(ResultSet rs, Long heartbeatAge) throws SQLException {
        return new SlotState(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getBoolean(5),
                (Integer) rs.getObject(6), rs.getString(7), rs.getString(9), rs.getString(10), longOrNull(rs, 11),
                longOrNull(rs, 12), longOrNull(rs, 8), (Boolean) rs.getObject(13), longOrNull(rs, 14),
                rs.getString(15), rs.getString(18), rs.getString(16), longOrNull(rs, 17), heartbeatAge);
    }

    private static Long longOrNull(ResultSet rs, int column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    /** Seconds since the pipeline's last heartbeat, or null when there is none or the table is not readable. */
    private static Long heartbeatAge(Connection c, String pipeline) throws SQLException {
        // the oid form of has_table_privilege returns null (not an error) while the table does not exist
        if (!Sql.bool(c, "SELECT coalesce(has_table_privilege(to_regclass('strangler.heartbeat'), 'SELECT'), "
                + "false)")) {
            return null;
        }
        try (PreparedStatement ps = Sql.prepare(c, "SELECT extract(epoch FROM now() - beat_at)::bigint "
                + "FROM strangler.heartbeat WHERE pipeline = ?", pipeline); ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getLong(1) : null;
        }
    }
}
