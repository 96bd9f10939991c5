package dev.strangler.engine.doctor;

import dev.strangler.contract.ServerCapabilities;
import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineKeys;
import dev.strangler.engine.source.SourceConnections;
import dev.strangler.engine.source.StandbySource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a read replica as the source needs (README, "A read replica as the source"): PostgreSQL 16+, hot_standby_feedback
 * on, a physical slot on the primary for the standby (so the primary keeps the catalog rows the standby's logical slot
 * needs across disconnects), a max_standby_streaming_delay that lets a parity check's cut finish, wal_level=logical
 * on the primary, a slot on the standby that no conflict has invalidated
 * and whose catalog_xmin the primary holds, and somewhere to write (source.primary.url) or what is missing without it
 * (the publication and schema strangler checks FAIL when what the pipeline would create there is missing).
 * On a primary it says only that; {@code source.primary.url} then is not used.
 */
final class StandbyProbe implements Probe {

    static final String ROLE = "primary";

    @Override
    public String name() {
        return "standby";
    }

    @Override
    public List<Check> run(Connection c, ServerCapabilities server, HostedService.Detected platform,
                           PipelineConfig config) throws SQLException {
        PipelineConfig.Source source = config.source();
        if (!server.standby()) {
            return List.of(Check.pass(ROLE, "a primary (not in recovery)" + (source.primary().isPresent()
                    ? "; " + PipelineKeys.SOURCE_PRIMARY_URL.name() + " is not needed and not used" : "")));
        }
        if (!server.decodesOnStandby()) {
            return List.of(Check.fail(ROLE, "PostgreSQL at " + source.endpoint() + " is a standby (pg_is_in_recovery() "
                    + "= true), and PostgreSQL " + server.version() + " cannot decode on a standby (16+ can)",
                    "point source.url at the primary, or upgrade to PostgreSQL 16+ to stream from a read replica"));
        }
        List<Check> checks = new ArrayList<>();
        Optional<PipelineConfig.Source> primary = source.onPrimary();
        checks.add(primary.isPresent()
                ? Check.pass(ROLE, "a standby (read replica): the slot lives here and nothing is written here; "
                        + "heartbeat, schema strangler, publication and parity history go to the primary "
                        + primary.get().endpoint())
                : Check.warn(ROLE, "a standby (read replica): the slot lives here, and " + StandbySource.WITHOUT_PRIMARY,
                        "set " + PipelineKeys.SOURCE_PRIMARY_URL.name() + "=jdbc:postgresql://PRIMARY:5432/"
                                + source.endpoint().database() + " (the same role logs in there)"));
        boolean feedback = Sql.bool(c, "SELECT current_setting('hot_standby_feedback')::boolean");
        checks.add(feedback
                ? Check.pass("hot_standby_feedback", "on: the primary keeps the catalog rows the slot here needs")
                : Check.fail("hot_standby_feedback", "off: the primary's vacuum removes catalog rows the slot on this "
                        + "standby still needs, and PostgreSQL then invalidates the slot (changes lost)",
                        "on the standby: ALTER SYSTEM SET hot_standby_feedback = on; SELECT pg_reload_conf();"));
        checks.add(StandbyDelayCheck.of(Sql.number(c, "SELECT setting::bigint FROM pg_settings WHERE name = "
                + "'max_standby_streaming_delay'"), feedback));
        String physicalSlot = Sql.string(c, "SELECT current_setting('primary_slot_name')").orElse("");
        checks.add(physicalSlot.isEmpty()
                ? Check.warn("primary_slot_name", "unset: hot_standby_feedback holds the primary's catalog rows only "
                        + "while this standby is connected; after a disconnect the primary may remove them and the "
                        + "slot here is invalidated", "on the primary: SELECT pg_create_physical_replication_slot("
                        + "'strangler_standby'); on the standby: ALTER SYSTEM SET primary_slot_name = "
                        + "'strangler_standby'; SELECT pg_reload_conf();")
                : Check.pass("primary_slot_name", physicalSlot + ": the primary keeps WAL and catalog rows for this "
                        + "standby across disconnects"));
        Optional<Long> slotCatalogXmin = slotHere(c, server, config, checks);
        if (primary.isPresent()) {
            checks.addAll(onPrimary(primary.get(), config, physicalSlot, slotCatalogXmin));
        } else {
            checks.add(Check.warn("wal_level on the primary", "not visible from a standby without "
                    + PipelineKeys.SOURCE_PRIMARY_URL.name() + "; logical decoding on a standby needs "
                    + "wal_level=logical on the primary as well as here", "on the primary: SHOW wal_level; "
                    + "ALTER SYSTEM SET wal_level = logical; and restart it (" + ServerProbe.SCRIPT_01 + ")"));
        }
        return checks;
    }

    /** The slot on this standby: invalidated by a conflict, or holding catalog rows back to which transaction. */
    private static Optional<Long> slotHere(Connection c, ServerCapabilities server, PipelineConfig config,
                                          List<Check> checks) throws SQLException {
        String slot = config.source().slot();
        try (var ps = Sql.prepare(c, "SELECT s.catalog_xmin::text::bigint, " + server.slotConflictColumn("s")
                + " FROM pg_replication_slots s WHERE s.slot_name = ?", slot); ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                checks.add(Check.pass("slot on the standby", "'" + slot + "' does not exist yet: the pipeline "
                        + "creates it here at its first start (the primary is asked for the running-transactions "
                        + "record that creation waits for: pg_log_standby_snapshot())"));
                return Optional.empty();
            }
            if (rs.getBoolean(2)) {
                checks.add(Check.fail("slot on the standby", "'" + slot + "' was invalidated by a recovery conflict "
                        + "(the primary removed catalog rows it needed, or wal_level dropped below logical there): "
                        + "changes were lost", "turn hot_standby_feedback on and give the standby a physical slot on "
                        + "the primary, then strangler slot drop and start again (a new snapshot)"));
                return Optional.empty();
            }
            long xmin = rs.getLong(1);
            checks.add(Check.pass("slot on the standby", "'" + slot + "' holds catalog rows back to transaction "
                    + xmin));
            return rs.wasNull() ? Optional.empty() : Optional.of(xmin);
        }
    }

    private static List<Check> onPrimary(PipelineConfig.Source primary, PipelineConfig config, String physicalSlot,
                                         Optional<Long> slotCatalogXmin) {
        List<Check> checks = new ArrayList<>();
        try (Connection p = SourceConnections.open(primary, "strangler-doctor-" + config.pipelineName())) {
            if (Sql.bool(p, "SELECT pg_is_in_recovery()")) {
                return List.of(Check.fail("source.primary.url", primary.endpoint() + " is a standby too",
                        "set " + PipelineKeys.SOURCE_PRIMARY_URL.name() + " to the primary (the server "
                                + "primary_conninfo names on the standby)"));
            }
            String level = Sql.string(p, "SELECT current_setting('wal_level')").orElse("");
            checks.add("logical".equals(level) ? Check.pass("wal_level on the primary", "logical")
                    : Check.fail("wal_level on the primary", "'" + level + "': a standby decodes only WAL its primary "
                            + "wrote at wal_level=logical", "on the primary: ALTER SYSTEM SET wal_level = logical; "
                            + "and restart it (" + ServerProbe.SCRIPT_01 + ")"));
            if (!physicalSlot.isEmpty() && slotCatalogXmin.isPresent()) {
                Optional<String> held = Sql.string(p, "SELECT coalesce(catalog_xmin::text, '') FROM "
                        + "pg_replication_slots WHERE slot_name = '" + physicalSlot.replace("'", "''") + "'");
                if (held.isEmpty() || held.get().isEmpty()) {
                    checks.add(Check.warn("catalog_xmin on the primary", "the primary's slot '" + physicalSlot + "' "
                            + (held.isEmpty() ? "does not exist" : "holds no catalog_xmin") + ": the standby's "
                            + "feedback does not reach it, so its vacuum may remove what the slot here needs",
                            "check hot_standby_feedback on the standby and that it streams through '" + physicalSlot
                                    + "' (pg_stat_replication on the primary)"));
                } else if (Long.parseLong(held.get()) <= slotCatalogXmin.get()) {
                    checks.add(Check.pass("catalog_xmin on the primary", "'" + physicalSlot + "' holds catalog rows "
                            + "back to " + held.get() + ", as old as the standby's slot needs ("
                            + slotCatalogXmin.get() + ")"));
                } else {
                    checks.add(Check.warn("catalog_xmin on the primary", "'" + physicalSlot + "' holds catalog rows "
                            + "only back to " + held.get() + ", newer than the " + slotCatalogXmin.get() + " the "
                            + "standby's slot needs (feedback not yet sent, or it was off)", "check again in a few "
                            + "seconds; if it stays, check hot_standby_feedback on the standby"));
                }
            }
        } catch (SQLException | SourceNotReadyException e) {
            checks.add(Check.fail("source.primary.url", "cannot read the primary " + primary.endpoint() + ": "
                    + SourceConnections.firstLine(e), "check " + PipelineKeys.SOURCE_PRIMARY_URL.name() + " and that "
                    + "pg_hba.conf on the primary lets role '" + primary.user() + "' in from this host"));
        }
        return checks;
    }
}
