package dev.strangler.contract;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;

/**
 * What the PostgreSQL server at the other end of a connection can do, from its {@code server_version_num}, read once
 * per connection. Every SQL fragment or decision that differs between PostgreSQL versions lives here, so the engine,
 * the doctor and the parity checker cannot disagree about which version has what (a column that is missing on one
 * version fails the whole statement: PostgreSQL 12 has no {@code pg_replication_slots.wal_status}).
 *
 * <p>In the contract because the engine and the parity checker both need it and the parity checker may not depend on
 * the engine; it needs nothing but {@code java.sql}.
 */
public final class ServerCapabilities {

    /** The oldest major version Strangler runs against; README, "Supported PostgreSQL versions". */
    public static final int OLDEST_SUPPORTED_MAJOR = 12;

    /** The oldest major version that decodes logically on a standby (a read replica as the source). */
    public static final int OLDEST_DECODING_STANDBY_MAJOR = 16;

    private final int versionNum;
    private final String version;
    private final boolean standby;

    private ServerCapabilities(int versionNum, String version, boolean standby) {
        this.versionNum = versionNum;
        this.version = version == null || version.isBlank() ? String.valueOf(versionNum) : version;
        this.standby = standby;
    }

    /**
     * @param versionNum {@code server_version_num}, e.g. 120022 for 12.22
     * @param version    {@code server_version} as the server prints it (shown in messages), e.g. "12.22"
     */
    public static ServerCapabilities of(int versionNum, String version) {
        return new ServerCapabilities(versionNum, version, false);
    }

    /** @param standby the server is a hot standby ({@code pg_is_in_recovery()}) */
    public static ServerCapabilities of(int versionNum, String version, boolean standby) {
        return new ServerCapabilities(versionNum, version, standby);
    }

    /** Asks the server; one round trip, readable by every role. */
    public static ServerCapabilities probe(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT current_setting('server_version_num')::int, current_setting('server_version'), "
                        + "pg_is_in_recovery()")) {
            rs.next();
            return new ServerCapabilities(rs.getInt(1), rs.getString(2), rs.getBoolean(3));
        }
    }

    /**
     * A hot standby (a read replica): it accepts no write, so the pipeline's heartbeat, schema strangler and the
     * parity history go to the primary (source.primary.url) or are off, and its WAL position is the replayed one.
     */
    public boolean standby() {
        return standby;
    }

    /** 16+: a standby can hold a logical slot and decode (the slot lives on the standby). */
    public boolean decodesOnStandby() {
        return major() >= OLDEST_DECODING_STANDBY_MAJOR;
    }

    /**
     * The WAL position a consistent cut waits for, as pg_lsn: on a primary the insert position (a visible commit's
     * record is inserted, though with asynchronous commit maybe not written yet); on a standby the replayed position
     * (a transaction becomes visible there when its commit record is replayed, and nothing is inserted).
     */
    public String cutWalPositionFunction() {
        return standby ? "pg_last_wal_replay_lsn()" : "pg_current_wal_insert_lsn()";
    }

    public int versionNum() {
        return versionNum;
    }

    /** The server's own text, e.g. "12.22" or "17.6 (Debian 17.6-1)". */
    public String version() {
        return version;
    }

    /** 12 for 12.22; 9 for 9.6 (the major then also had a middle digit, irrelevant here: both are refused). */
    public int major() {
        return versionNum / 10000;
    }

    /** Why Strangler refuses this server, in one line, or empty when it is supported. */
    public Optional<String> unsupportedReason() {
        return major() < OLDEST_SUPPORTED_MAJOR ? Optional.of(unsupportedMessage(version)) : Optional.empty();
    }

    private static String unsupportedMessage(String version) {
        return "PostgreSQL " + version + " is not supported: Strangler needs PostgreSQL " + OLDEST_SUPPORTED_MAJOR
                + " or newer (14+ recommended); upgrade the server";
    }

    /**
     * 13+: {@code max_slot_wal_keep_size} caps the WAL a slot retains, and {@code pg_replication_slots} shows
     * {@code wal_status} and {@code safe_wal_size}. Before 13 a stopped pipeline's slot keeps WAL until the disk is
     * full, and a slot is never invalidated.
     */
    public boolean capsSlotWal() {
        return major() >= 13;
    }

    /**
     * {@code wal_status, safe_wal_size} of {@code pg_replication_slots} aliased {@code slots} (text, bigint), or two
     * typed NULLs where the server has no such columns.
     */
    public String slotWalColumns(String slots) {
        return capsSlotWal() ? slots + ".wal_status, " + slots + ".safe_wal_size" : "NULL::text, NULL::bigint";
    }

    /**
     * 17+: a logical slot can be a failover slot (synchronised to standbys), and {@code pg_replication_slots} shows
     * {@code failover} and {@code inactive_since}.
     */
    public boolean failoverSlots() {
        return major() >= 17;
    }

    /**
     * {@code failover} (boolean) and seconds since {@code inactive_since} (bigint) of {@code pg_replication_slots}
     * aliased {@code slots}, or two typed NULLs before 17.
     */
    public String slotFailoverColumns(String slots) {
        return failoverSlots() ? slots + ".failover, extract(epoch FROM now() - " + slots + ".inactive_since)::bigint"
                : "NULL::boolean, NULL::bigint";
    }

    /**
     * Whether a slot of {@code pg_replication_slots} aliased {@code slots} was invalidated by a recovery conflict
     * (boolean; {@code conflicting}, 16+, the only versions with slots on a standby), or a typed NULL before 16.
     */
    public String slotConflictColumn(String slots) {
        return major() >= 16 ? slots + ".conflicting" : "NULL::boolean";
    }

    /**
     * The current transaction's snapshot as text ({@code xmin:xmax:xip,...}, 64-bit ids): {@code pg_current_snapshot()}
     * from 13; {@code txid_current_snapshot()} before (same text, deprecated since 13).
     */
    public String currentSnapshotFunction() {
        return major() >= 13 ? "pg_current_snapshot()" : "txid_current_snapshot()";
    }

    /** 14+: large transactions can be streamed while in progress; before 14 they are decoded only at commit. */
    public boolean streamsInProgressTransactions() {
        return major() >= 14;
    }

    /**
     * 15+: a publication can cover a whole schema ({@code TABLES IN SCHEMA}, {@code pg_publication_namespace}), so
     * tables created later in it are published without an ALTER PUBLICATION.
     */
    public boolean publishesSchemas() {
        return major() >= 15;
    }

    /**
     * The estimated row count of {@code pg_class} aliased {@code classes} as bigint, -1 when unknown. From 14 a table
     * never vacuumed or analysed has reltuples -1; before 14 it has 0 (with relpages 0), which would read as "empty"
     * and put a snapshot's progress at 100 % from its first row.
     */
    public String rowEstimate(String classes) {
        return major() >= 14 ? classes + ".reltuples::bigint"
                : "CASE WHEN " + classes + ".relpages = 0 AND " + classes + ".reltuples = 0 THEN -1 ELSE "
                        + classes + ".reltuples::bigint END";
    }

    @Override
    public String toString() {
        return "PostgreSQL " + version + " (" + versionNum + (standby ? ", standby" : "") + ")";
    }
}
