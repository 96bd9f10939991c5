package dev.strangler.parity;

import dev.strangler.contract.Lsn;
import dev.strangler.contract.ServerCapabilities;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * Waits until the pipeline has durably published everything the cut can see: the slot's confirmed_flush_lsn has
 * passed the cut's WAL position. The slot only moves after the pipeline committed offsets for events Kafka
 * acknowledged, and pgoutput delivers transactions in commit order, so every transaction visible in the cut is then
 * in Kafka.
 *
 * <p>Strictly past, not merely at: a slot that has just been created sits at its creation point while Debezium's
 * initial snapshot is still being published, and that point can equal the cut's position when nothing was written
 * since. Debezium confirms nothing until the snapshot is done and streaming runs, so a slot beyond the cut proves the
 * snapshot is complete too. The pipeline's heartbeat provides the change past the cut when the tables are idle.
 * Not getting there in time is a reason for UNVERIFIABLE, never for NO-GO.
 */
final class SlotWaiter {

    private SlotWaiter() {
    }

    /** Returns empty when the slot caught up, or the reason it did not. */
    static Optional<String> await(Connection c, ServerCapabilities server, String slot, long targetLsn,
            Duration timeout, Progress progress) throws SQLException, InterruptedException {
        long start = System.nanoTime();
        // before PostgreSQL 13 there is no wal_status (a slot is never invalidated there): NULL, never "lost"
        try (PreparedStatement ps = c.prepareStatement("SELECT s.confirmed_flush_lsn - '0/0'::pg_lsn, s.active, "
                + server.slotWalColumns("s") + " FROM pg_replication_slots s WHERE s.slot_name = ?")) {
            ps.setString(1, slot);
            while (true) {
                long confirmed;
                boolean active;
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.of("replication slot '" + slot + "' does not exist: the pipeline is not set "
                                + "up on this database, or the slot was dropped");
                    }
                    if ("lost".equals(rs.getString(3))) {
                        return Optional.of("replication slot '" + slot + "' was invalidated (wal_status=lost): "
                                + "changes were lost and the stream cannot be complete; re-create the slot and "
                                + "re-snapshot");
                    }
                    confirmed = rs.getBigDecimal(1) == null ? -1 : rs.getBigDecimal(1).longValueExact();
                    active = rs.getBoolean(2);
                }
                Duration waited = Duration.ofNanos(System.nanoTime() - start);
                if (confirmed > targetLsn) {
                    return Optional.empty();
                }
                progress.waiting(slot, confirmed < 0 ? -1 : targetLsn - confirmed, waited, timeout);
                if (waited.compareTo(timeout) >= 0) {
                    return Optional.of("pipeline lagging: slot '" + slot + "' confirmed " + lsn(confirmed)
                            + " but the cut needs " + lsn(targetLsn) + " (" + (confirmed < 0 ? "?" : targetLsn
                            - confirmed) + " bytes behind) after " + timeout.toSeconds() + "s; "
                            + (active ? "the pipeline is running but behind (its initial snapshot may still be "
                            + "being published, or its heartbeat is off while the captured tables are idle): retry "
                            + "with a longer --timeout"
                            : "no process is reading the slot: start the pipeline, then check again"));
                }
                Thread.sleep(200);
            }
        }
    }

    static String lsn(long lsn) {
        if (lsn < 0) {
            return "nothing";
        }
        return Lsn.format(lsn);
    }
}
