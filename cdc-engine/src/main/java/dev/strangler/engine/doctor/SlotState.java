package dev.strangler.engine.doctor;

import java.time.Duration;
import java.util.Optional;

/**
 * One replication slot as PostgreSQL reports it, with the WAL positions turned into byte counts. Columns a server
 * version lacks are null: wal_status and safe_wal_size before 13, failover and inactive_since before 17.
 *
 * @param lagBytes          WAL written but not yet confirmed by the consumer (current LSN - confirmed_flush_lsn):
 *                          for Strangler, changes not yet acknowledged by Kafka and committed as offsets
 * @param retainedBytes     WAL the slot keeps on disk (current LSN - restart_lsn)
 * @param safeWalSizeBytes  WAL that can still be written before the slot is invalidated (null: no cap)
 * @param replicationUser   the role of the process reading the slot (pg_stat_replication.usename), when active
 * @param flushLagMillis    pg_stat_replication.flush_lag of the reading process, when active (null when idle)
 * @param inactiveSeconds   seconds since the slot became inactive (PostgreSQL 17+ inactive_since)
 * @param heartbeatAgeSeconds seconds since the pipeline last wrote strangler.heartbeat (null: no row or no table)
 */
public record SlotState(
        String name,
        String plugin,
        String slotType,
        String database,
        boolean active,
        Integer activePid,
        String walStatus,
        String restartLsn,
        String confirmedFlushLsn,
        Long lagBytes,
        Long retainedBytes,
        Long safeWalSizeBytes,
        Boolean failover,
        Long inactiveSeconds,
        String applicationName,
        String replicationUser,
        String clientAddress,
        Long flushLagMillis,
        Long heartbeatAgeSeconds) {

    /** PostgreSQL removed WAL the slot still needed: changes are gone, the slot can never be read again. */
    public boolean lost() {
        return "lost".equals(walStatus);
    }

    /** True for a slot this pipeline can use: logical, pgoutput, in the configured database. */
    public boolean usableBy(String databaseName) {
        return "logical".equals(slotType) && "pgoutput".equals(plugin) && databaseName.equals(database);
    }

    /** How far behind in time the slot is, and how that was measured. */
    public record TimeLag(Duration lag, String source, boolean upperBound) {
    }

    /**
     * The slot's lag in time. PostgreSQL does not record when a WAL position was written, so this is measured, in
     * order of precision: while a process reads the slot, PostgreSQL's own flush_lag (write to confirmed flush,
     * null when caught up and idle, then 0); while nobody reads it, the time since it became inactive (PostgreSQL
     * 17+) or else since the pipeline's last heartbeat: nothing has been confirmed since then, so the oldest
     * unconfirmed change is at most that old.
     */
    public Optional<TimeLag> timeLag() {
        if (active) {
            if (flushLagMillis != null) {
                return Optional.of(new TimeLag(Duration.ofMillis(flushLagMillis), "pg_stat_replication.flush_lag",
                        false));
            }
            return Optional.of(new TimeLag(Duration.ZERO, "pg_stat_replication (caught up, idle)", false));
        }
        if (inactiveSeconds != null) {
            return Optional.of(new TimeLag(Duration.ofSeconds(inactiveSeconds), "inactive_since", true));
        }
        if (heartbeatAgeSeconds != null) {
            return Optional.of(new TimeLag(Duration.ofSeconds(heartbeatAgeSeconds), "strangler.heartbeat beat_at",
                    true));
        }
        return Optional.empty();
    }
}
