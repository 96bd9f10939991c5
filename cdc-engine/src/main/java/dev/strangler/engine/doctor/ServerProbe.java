package dev.strangler.engine.doctor;

import dev.strangler.contract.ServerCapabilities;
import dev.strangler.engine.config.PipelineConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The server as a whole: version, wal_level, free slots and WAL senders, the WAL cap. */
final class ServerProbe implements Probe {

    static final String SCRIPT_01 = "sql/dba/01_enable_logical_decoding.sql";
    static final String VERSION_CHECK = "server version";

    @Override
    public String name() {
        return "server";
    }

    @Override
    public List<Check> run(Connection c, ServerCapabilities server, HostedService.Detected platform,
                           PipelineConfig config) throws SQLException {
        List<Check> checks = new ArrayList<>();
        HostedService hosted = platform.service();
        checks.add(version(server));
        checks.add(platform.check());
        // primary or standby, and what a standby needs: StandbyProbe
        checks.add(walLevel(c, hosted));
        checks.addAll(capacity(c, config, hosted));
        checks.add(walKeepSize(c, server, hosted));
        return checks;
    }

    /** Only reached for a supported version: the doctor refuses older ones before any probe runs. */
    static Check version(ServerCapabilities server) {
        Optional<String> unsupported = server.unsupportedReason();
        if (unsupported.isPresent()) {
            return Check.fail(VERSION_CHECK, unsupported.get(),
                    "upgrade PostgreSQL to " + ServerCapabilities.OLDEST_SUPPORTED_MAJOR + " or newer");
        }
        if (!server.streamsInProgressTransactions() || !server.capsSlotWal()) {
            return Check.warn(VERSION_CHECK, "PostgreSQL " + server.version() + " works, but before 14 large "
                    + "transactions are decoded only at commit"
                    + (server.capsSlotWal() ? "" : ", and before 13 nothing caps the WAL a slot retains"),
                    "plan an upgrade to PostgreSQL 14 or newer");
        }
        return Check.pass(VERSION_CHECK, "PostgreSQL " + server.version());
    }

    private static Check walLevel(Connection c, HostedService hosted) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT setting, pending_restart FROM pg_settings WHERE name = 'wal_level'")) {
            rs.next();
            String level = rs.getString(1);
            if ("logical".equals(level)) {
                return Check.pass("wal_level", "logical");
            }
            String pending = rs.getBoolean(2) ? " (a new value is set and waits for a restart)" : "";
            return Check.fail("wal_level", "wal_level is '" + level + "'" + pending + "; logical decoding needs "
                    + "'logical'", hosted.enableLogicalDecoding("ALTER SYSTEM SET wal_level = logical; then restart "
                    + "PostgreSQL (" + SCRIPT_01 + ")"));
        }
    }

    private static List<Check> capacity(Connection c, PipelineConfig config, HostedService hosted)
            throws SQLException {
        String slot = config.source().slot();
        try (var ps = Sql.prepare(c, """
                SELECT current_setting('max_replication_slots')::int,
                       (SELECT count(*) FROM pg_replication_slots),
                       EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ?),
                       current_setting('max_wal_senders')::int,
                       (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'walsender'),
                       EXISTS (SELECT 1 FROM pg_replication_slots WHERE slot_name = ? AND active)""", slot, slot);
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            int maxSlots = rs.getInt(1);
            int usedSlots = rs.getInt(2);
            boolean ours = rs.getBoolean(3);
            int maxSenders = rs.getInt(4);
            int usedSenders = rs.getInt(5);
            boolean oursActive = rs.getBoolean(6);
            List<Check> checks = new ArrayList<>();
            int freeSlots = maxSlots - usedSlots;
            String slots = usedSlots + " of max_replication_slots=" + maxSlots + " in use";
            String raiseSlots = "drop an unused slot (SELECT slot_name, active FROM pg_replication_slots) or "
                    + hosted.setParameter("max_replication_slots", Integer.toString(maxSlots + 4), true,
                    "ALTER SYSTEM SET max_replication_slots = " + (maxSlots + 4) + "; and restart PostgreSQL");
            if (ours) {
                checks.add(Check.pass("replication slots", slots + "; the pipeline's slot '" + slot + "' exists"));
            } else if (freeSlots <= 0) {
                checks.add(Check.fail("replication slots", slots + ": no slot is free for '" + slot + "'",
                        raiseSlots));
            } else if (freeSlots == 1) {
                checks.add(Check.warn("replication slots", slots + ": the pipeline takes the last free one",
                        raiseSlots));
            } else {
                checks.add(Check.pass("replication slots", slots + "; " + freeSlots + " free"));
            }
            int freeSenders = maxSenders - usedSenders;
            String senders = usedSenders + " of max_wal_senders=" + maxSenders + " in use";
            String raiseSenders = hosted.setParameter("max_wal_senders", Integer.toString(maxSenders + 4), true,
                    "ALTER SYSTEM SET max_wal_senders = " + (maxSenders + 4) + "; and restart PostgreSQL");
            if (oursActive) {
                checks.add(Check.pass("WAL senders", senders + ", one of them reading '" + slot + "'"));
            } else if (freeSenders <= 0) {
                checks.add(Check.fail("WAL senders", senders + ": none is free for the pipeline's replication "
                        + "connection", raiseSenders));
            } else {
                checks.add(Check.pass("WAL senders", senders + "; " + freeSenders + " free"));
            }
            return checks;
        }
    }

    private static Check walKeepSize(Connection c, ServerCapabilities server, HostedService hosted)
            throws SQLException {
        if (!server.capsSlotWal()) {
            return Check.warn("max_slot_wal_keep_size", "PostgreSQL before 13 cannot cap the WAL a slot retains: "
                    + "a stopped pipeline keeps WAL until the disk is full", "monitor the slot's retained WAL "
                    + "(strangler slot status) or upgrade to PostgreSQL 13+");
        }
        String value = Sql.string(c, "SELECT current_setting('max_slot_wal_keep_size')").orElse("-1");
        if (value.equals("-1")) {
            return Check.warn("max_slot_wal_keep_size", "unset (-1): a slot whose pipeline is stopped retains WAL "
                    + "without limit, until the disk is full and PostgreSQL stops",
                    hosted.setParameter("max_slot_wal_keep_size", "20480", false, "ALTER SYSTEM SET "
                            + "max_slot_wal_keep_size = '20GB'; SELECT pg_reload_conf();") + " (in MB; size it to "
                            + "what the WAL disk can spare" + (hosted == HostedService.SELF_MANAGED ? ", " + SCRIPT_01
                            : "") + ")");
        }
        return Check.pass("max_slot_wal_keep_size", value + ": beyond it PostgreSQL invalidates the slot "
                + "(wal_status = lost) instead of filling the disk");
    }
}
