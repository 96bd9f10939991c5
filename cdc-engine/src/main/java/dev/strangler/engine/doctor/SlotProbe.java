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

/**
 * The pipeline's own slot (free or ours, its WAL status, lag and retained WAL, failover on PostgreSQL 17+) and every
 * other slot that holds WAL back without anyone reading it.
 */
final class SlotProbe implements Probe {

    private final boolean starting;

    SlotProbe(boolean starting) {
        this.starting = starting;
    }

    @Override
    public String name() {
        return "slots";
    }

    @Override
    public List<Check> run(Connection c, ServerCapabilities server, HostedService.Detected platform,
                           PipelineConfig config) throws SQLException {
        String slot = config.source().slot();
        List<Check> checks = new ArrayList<>();
        Optional<SlotState> own = SlotInspector.find(c, server, slot, config.pipelineName());
        int physicalStandbys = (int) Sql.number(c, "SELECT count(*) FROM pg_stat_activity "
                + "WHERE backend_type = 'walsender' AND datname IS NULL");
        if (own.isEmpty()) {
            checks.add(Check.pass("slot " + slot, "does not exist yet: strangler run creates it at start"));
        } else {
            SlotState s = own.get();
            checks.add(ownership(s, config, starting));
            if (s.usableBy(config.source().endpoint().database())) {
                checks.add(wal(s));
            }
        }
        if (own.isEmpty() || own.get().usableBy(config.source().endpoint().database())) {
            checks.addAll(new FailoverSlotCheck(config.source().failoverSlot(), slot, own, physicalStandbys,
                    physicalSlots(c), synchronizedStandbySlots(c, server)).run(server));
        }
        for (SlotState other : SlotInspector.all(c, server)) {
            if (!other.name().equals(slot)) {
                otherSlot(other).ifPresent(checks::add);
            }
        }
        return checks;
    }

    private static Check ownership(SlotState s, PipelineConfig config, boolean starting) {
        String name = "slot " + s.name();
        String database = config.source().endpoint().database();
        if (!s.usableBy(database)) {
            String what = !"logical".equals(s.slotType()) ? "a " + s.slotType() + " slot"
                    : !"pgoutput".equals(s.plugin()) ? "a logical slot of plugin " + s.plugin()
                    : "a slot of database '" + s.database() + "'";
            return Check.fail(name, "slot '" + s.name() + "' exists but is " + what + ": it belongs to another "
                    + "consumer", "choose another source.slot (never drop a slot you do not own)");
        }
        if (!s.active()) {
            return Check.pass(name, "exists (pgoutput, database " + database + "), not in use: the pipeline "
                    + "resumes from it");
        }
        String who = "pid " + s.activePid() + (s.replicationUser() == null ? "" : ", role '" + s.replicationUser()
                + "'") + (s.applicationName() == null ? "" : ", application_name '" + s.applicationName() + "'")
                + (s.clientAddress() == null ? "" : ", from " + s.clientAddress());
        // Debezium names its streaming connection "Debezium Streaming" whatever the pipeline, so the role is what
        // tells this pipeline (or another instance of it) from another consumer.
        if (starting) {
            return Check.fail(name, "slot '" + s.name() + "' is in use by another process (" + who + "): another "
                    + "instance of this pipeline or another consumer is reading it", "stop it, or choose another "
                    + "source.slot");
        }
        if (config.source().user().equals(s.replicationUser())) {
            return Check.pass(name, "in use by a connection of role '" + config.source().user() + "' (" + who
                    + "): the running pipeline; if it is not, a second strangler run will refuse");
        }
        String message = "slot '" + s.name() + "' is in use (" + who + ")";
        return s.replicationUser() == null
                ? Check.warn(name, message + ": if that is not this pipeline running, strangler run will refuse",
                        "stop the other reader, or choose another source.slot")
                : Check.fail(name, message + ", not by role '" + config.source().user() + "': another consumer "
                        + "reads it, and strangler run will refuse", "stop that consumer, or choose another "
                        + "source.slot");
    }

    private static Check wal(SlotState s) {
        String name = "slot " + s.name() + ": WAL";
        String numbers = describe(s);
        if (s.lost()) {
            return Check.fail(name, LostSlot.message(s.name()).replace(": " + LostSlot.fix(s.name()), "")
                    + " (" + numbers + ")", LostSlot.fix(s.name()));
        }
        if ("unreserved".equals(s.walStatus())) {
            return Check.warn(name, "wal_status = unreserved: the slot is past max_slot_wal_keep_size and will be "
                    + "invalidated at the next checkpoint unless the pipeline catches up (" + numbers + ")",
                    "start or speed up the pipeline now; if it cannot catch up, plan a new slot and a snapshot");
        }
        if ("extended".equals(s.walStatus())) {
            return Check.warn(name, "wal_status = extended: the slot retains more WAL than max_wal_size ("
                    + numbers + ")", "make sure the pipeline runs and keeps up (strangler slot status)");
        }
        return Check.pass(name, (s.walStatus() == null ? "" : "wal_status = " + s.walStatus() + ", ") + numbers);
    }

    static String describe(SlotState s) {
        StringBuilder b = new StringBuilder();
        b.append("lag ").append(s.lagBytes() == null ? "unknown" : Units.bytes(s.lagBytes()));
        s.timeLag().ifPresent(t -> b.append(t.upperBound() ? " (at most " : " (")
                .append(Units.duration(t.lag())).append(" behind)"));
        b.append(", retains ").append(s.retainedBytes() == null ? "unknown" : Units.bytes(s.retainedBytes()))
                .append(" of WAL");
        if (s.safeWalSizeBytes() != null) {
            b.append(", ").append(Units.bytes(s.safeWalSizeBytes())).append(" more before invalidation");
        }
        return b.toString();
    }

    private static List<String> physicalSlots(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT slot_name FROM pg_replication_slots WHERE slot_type = 'physical' ORDER BY slot_name")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private static List<String> synchronizedStandbySlots(Connection c, ServerCapabilities server)
            throws SQLException {
        if (!server.failoverSlots()) {
            return List.of();
        }
        String value = Sql.string(c, "SELECT current_setting('synchronized_standby_slots', true)").orElse("");
        return java.util.Arrays.stream(value.split(",")).map(String::trim).filter(v -> !v.isEmpty()).toList();
    }

    private static Optional<Check> otherSlot(SlotState s) {
        String name = "slot " + s.name() + " (not the pipeline's)";
        String drop = "if nobody uses it any more: SELECT pg_drop_replication_slot('" + s.name() + "');";
        if (s.lost()) {
            return Optional.of(Check.warn(name, "invalidated (wal_status = lost); it can never be read again", drop));
        }
        if (s.active()) {
            return Optional.empty();
        }
        long retained = s.retainedBytes() == null ? 0 : s.retainedBytes();
        return Optional.of(Check.warn(name, "inactive " + s.slotType() + " slot" + (s.plugin() == null ? ""
                : " (" + s.plugin() + ", database " + s.database() + ")") + " retains " + Units.bytes(retained)
                + " of WAL" + (s.walStatus() == null ? "" : ", wal_status = " + s.walStatus()), drop));
    }
}
