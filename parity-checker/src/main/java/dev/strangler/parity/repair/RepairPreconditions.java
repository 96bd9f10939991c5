package dev.strangler.parity.repair;

import dev.strangler.contract.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether a report still speaks for the pipeline a repair would publish to: the same slot and topic prefix, a cut
 * the slot has passed (a slot behind the report's cut was dropped and created again since, or belongs to another
 * database: the report describes a stream that no longer continues), and not older than the repair allows (the
 * stream has moved on since; what differed then is not what differs now).
 */
public final class RepairPreconditions {

    private RepairPreconditions() {
    }

    /**
     * @return whether the slot is active (a pipeline streams from it: the re-read runs inside that pipeline)
     * @throws RepairRefusedException when the report does not speak for this pipeline now, with the reason
     */
    public static boolean check(RepairPlan plan, String slot, String topicPrefix, Connection c, Duration maxAge,
                                Instant now) throws SQLException {
        if (!plan.slot().equals(slot) || !plan.topicPrefix().equals(topicPrefix)) {
            throw new RepairRefusedException("report " + plan.reportFile() + " is of slot '" + plan.slot()
                    + "', topic prefix '" + plan.topicPrefix() + "', not of this pipeline (slot '" + slot + "', topic "
                    + "prefix '" + topicPrefix + "'): pass the --config the parity run used");
        }
        Duration age = Duration.between(plan.startedAt(), now);
        if (age.compareTo(maxAge) > 0) {
            throw new RepairRefusedException("report " + plan.reportFile() + " is " + age.toHours() + " h old (run "
                    + "at " + plan.startedAt() + "), older than --max-age " + maxAge.toHours() + " h: the stream has "
                    + "moved on since; run `strangler parity` again and repair from its report");
        }
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT confirmed_flush_lsn - '0/0'::pg_lsn, confirmed_flush_lsn::text, active FROM pg_replication_slots "
                        + "WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new RepairRefusedException("slot '" + slot + "' does not exist: the pipeline the report "
                            + "checked is gone; start it (strangler run) and check it again before repairing");
                }
                long confirmed = rs.getLong(1);
                if (!rs.wasNull() && plan.cutWalLsn() >= 0 && confirmed < plan.cutWalLsn()) {
                    throw new RepairRefusedException("report " + plan.reportFile() + " was cut at WAL "
                            + plan.cutWalLsnText() + ", later than slot '" + slot + "' has reached (" + rs.getString(2)
                            + "): the slot was dropped and created again since, or the report is of another "
                            + "database; run `strangler parity` again and repair from its report");
                }
                return rs.getBoolean(3);
            }
        }
    }

    /**
     * The table's primary-key columns and their types as format_type prints them, in key order; empty without one.
     */
    public static Map<String, String> keyColumns(Connection c, TableId table) throws SQLException {
        Map<String, String> columns = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname, format_type(a.atttypid, a.atttypmod) "
                + "FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n) "
                + "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                + "WHERE i.indrelid = to_regclass(?) AND i.indisprimary ORDER BY k.n")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return columns;
    }
}
