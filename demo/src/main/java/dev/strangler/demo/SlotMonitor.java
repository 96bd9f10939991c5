package dev.strangler.demo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks PostgreSQL, not the pipeline, how far the replication slot has come. The slot's {@code confirmed_flush_lsn}
 * only moves after the pipeline committed offsets of events Kafka acknowledged, so "confirmed_flush_lsn &gt;= L" is
 * the database's own word that everything written before L is in Kafka. One connection, shared by the progress
 * thread and the command thread, hence synchronized.
 */
public final class SlotMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SlotMonitor.class);

    private final Connection connection;
    private final String slot;

    public SlotMonitor(Connection connection, String slot) {
        this.connection = connection;
        this.slot = slot;
    }

    /** Bytes of WAL written but not yet confirmed by the slot; empty while the slot does not exist. */
    public synchronized OptionalLong lagBytes() {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), "
                + "confirmed_flush_lsn)::bigint FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    long lag = rs.getLong(1);
                    return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(lag);
                }
                return OptionalLong.empty();
            }
        } catch (SQLException e) {
            LOG.debug("slot lag query failed: {}", e.getMessage());
            return OptionalLong.empty();
        }
    }

    /** The WAL insert position now, as text (e.g. 0/1A2B3C8): past every commit record already made. */
    public synchronized String currentWalLsn() throws SQLException {
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The slot's confirmed_flush_lsn as text, if the slot exists and has one. */
    public synchronized Optional<String> confirmedFlushLsn() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
            }
        }
    }

    synchronized boolean confirmedAtLeast(String lsn) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT confirmed_flush_lsn >= ?::pg_lsn FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, lsn);
            ps.setString(2, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * Polls until the slot confirmed {@code lsn}; false when {@code timeout} passed or {@code cancelled} became true.
     * Nothing else is needed to get past L once the captured tables fall idle: the pipeline's heartbeat writes WAL
     * beyond L and the slot confirms it with the next offset commit.
     */
    public boolean awaitConfirmed(String lsn, Duration timeout, BooleanSupplier cancelled)
            throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!confirmedAtLeast(lsn)) {
            if (cancelled.getAsBoolean() || System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(200);
        }
        return true;
    }

    public String slot() {
        return slot;
    }

    @Override
    public synchronized void close() throws SQLException {
        connection.close();
    }
}
