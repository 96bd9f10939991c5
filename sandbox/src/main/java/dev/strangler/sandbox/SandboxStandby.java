package dev.strangler.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A streaming hot standby of a {@link SandboxPostgres}, made the way a DBA makes one without {@code pg_basebackup}
 * (the zonky bundle ships only initdb, pg_ctl and postgres): a physical slot on the primary that keeps the WAL from
 * before the backup, a copy of the data directory between {@code pg_backup_start} and {@code pg_backup_stop}, the
 * returned {@code backup_label}, {@code standby.signal}, and {@code primary_conninfo} / {@code primary_slot_name} /
 * {@code hot_standby_feedback = on} in {@code postgresql.auto.conf}, and {@link #start} returns once the primary holds
 * the standby's feedback. The standby runs the primary's binaries with the
 * primary's settings (wal_level=logical included, which PostgreSQL 16+ needs on a standby for logical decoding).
 *
 * <p>For tests of a read replica as the pipeline's source, and of a failover ({@link #startSyncingSlots} keeps
 * copies of the primary's failover slots, {@link #promote()} makes the standby the primary). {@link #close()} stops the standby, deletes its directory
 * and drops its slot on the primary (which otherwise would retain WAL for ever).
 */
public final class SandboxStandby implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxStandby.class);
    private static final Duration REPLAY_WAIT = Duration.ofSeconds(60);
    /** What a base backup leaves out (PostgreSQL docs, "Making a Base Backup Using the Low Level API"). */
    private static final Set<String> SKIPPED_FILES = Set.of("postmaster.pid", "postmaster.opts", "epg-lock",
            "backup_label", "tablespace_map", "standby.signal", "recovery.signal");
    private static final Set<String> EMPTIED_DIRECTORIES = Set.of("pg_wal", "pg_replslot", "pg_stat_tmp",
            "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans");

    private final SandboxPostgres primary;
    private final SandboxPostgres server;
    private final String primarySlot;

    private SandboxStandby(SandboxPostgres primary, SandboxPostgres server, String primarySlot) {
        this.primary = primary;
        this.server = server;
        this.primarySlot = primarySlot;
    }

    /** Takes a base backup of {@code primary} (PostgreSQL 12+) and starts a standby streaming from it. */
    public static SandboxStandby start(SandboxPostgres primary) {
        return start(primary, false);
    }

    /**
     * A standby that also keeps copies of the primary's failover slots (PostgreSQL 17+): {@code
     * sync_replication_slots = on} and a {@code dbname} in {@code primary_conninfo}, which the slot sync worker needs
     * to read the primary's slots. The primary's {@code synchronized_standby_slots} is left to the caller (set after
     * the backup, so that the standby does not inherit it: once promoted it would wait for a slot it does not have).
     */
    public static SandboxStandby startSyncingSlots(SandboxPostgres primary) {
        return start(primary, true);
    }

    private static SandboxStandby start(SandboxPostgres primary, boolean syncSlots) {
        String slot = "sandbox_standby_" + System.nanoTime() % 1_000_000_000L;
        primary.execute("SELECT pg_create_physical_replication_slot('" + slot + "', true)");
        try {
            SandboxPostgres server = primary.sibling(Map.of("hot_standby", "on"),
                    data -> backUp(primary, slot, data, syncSlots));
            SandboxStandby standby = new SandboxStandby(primary, server, slot);
            LOG.info("standby of {} listening on {}:{} (physical slot {} on the primary)", primary, server.host(),
                    server.port(), slot);
            standby.awaitFeedback();
            return standby;
        } catch (RuntimeException e) {
            primary.dropReplicationSlot(slot);
            throw e;
        }
    }

    /** The standby server: connect, stop, restart like any sandbox server. */
    public SandboxPostgres server() {
        return server;
    }

    public SandboxPostgres primary() {
        return primary;
    }

    /** The primary's physical slot this standby streams through (what {@code primary_slot_name} names). */
    public String primarySlot() {
        return primarySlot;
    }

    /**
     * Waits until the standby has replayed everything the primary has inserted into its WAL so far (the insert
     * position, not the write position: zonky runs with synchronous_commit=off, so a commit may not be written yet).
     */
    public void awaitReplayed() {
        String target;
        try (Connection p = primary.connect(); Statement ps = p.createStatement();
             ResultSet at = ps.executeQuery("SELECT pg_current_wal_insert_lsn()::text")) {
            at.next();
            target = at.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("reading the primary's WAL insert position failed: " + e.getMessage(), e);
        }
        awaitTrue(server, "standby", "SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn", target,
                "replay up to " + target);
    }

    /**
     * Waits until the primary's physical slot shows the standby's {@code hot_standby_feedback} ({@code xmin} set).
     * Until then nothing holds the primary's vacuum back: it may remove row versions a query on the standby still
     * sees (the query is cancelled, a recovery conflict) and catalog rows a logical slot created there needs (the
     * slot is invalidated). The walreceiver sends no feedback before the standby accepts connections, so the first
     * one comes one {@code wal_receiver_status_interval} after that, not at once.
     */
    public void awaitFeedback() {
        long started = System.nanoTime();
        awaitTrue(primary, "primary", "SELECT xmin IS NOT NULL FROM pg_replication_slots WHERE slot_name = ?",
                primarySlot, "the standby's feedback (xmin of slot " + primarySlot + ")");
        LOG.info("the primary holds the standby's xmin after {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Waits until the primary's physical slot holds catalog rows back at least as far as every logical slot on the
     * standby needs ({@code catalog_xmin}): the standby feeds a new slot's catalog_xmin back with its next feedback
     * message, not when the slot is created.
     */
    public void awaitCatalogXminFedBack() {
        String needed;
        try (Connection s = server.connect(); Statement st = s.createStatement();
             ResultSet rs = st.executeQuery("SELECT min(catalog_xmin::text::bigint)::text FROM pg_replication_slots "
                     + "WHERE slot_type = 'logical'")) {
            rs.next();
            needed = rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("reading the standby's slots failed: " + e.getMessage(), e);
        }
        if (needed == null) {
            throw new IllegalStateException("no logical slot on the standby holds a catalog_xmin");
        }
        awaitTrue(primary, "primary", "SELECT catalog_xmin::text::bigint <= " + Long.parseLong(needed)
                + " FROM pg_replication_slots WHERE slot_name = ?", primarySlot,
                "catalog_xmin " + needed + " fed back to slot " + primarySlot);
    }

    /**
     * Polls {@code sql} (one boolean, {@code parameter} its one parameter) on {@code on}, called {@code onName} in
     * the error, until it is true; up to {@link #REPLAY_WAIT}.
     */
    private void awaitTrue(SandboxPostgres on, String onName, String sql, String parameter, String what) {
        long deadline = System.nanoTime() + REPLAY_WAIT.toNanos();
        try (Connection c = on.connect(); PreparedStatement st = c.prepareStatement(sql)) {
            st.setString(1, parameter);
            while (true) {
                try (ResultSet rs = st.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no " + what + " on the " + onName + " within "
                            + REPLAY_WAIT.toSeconds() + "s; see " + server.logFile());
                }
                Thread.sleep(50);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("waiting for " + what + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        }
    }

    /**
     * Promotes the standby ({@code pg_promote()}, waiting up to 60 s): it leaves recovery, takes a new timeline and
     * accepts writes; it no longer follows the primary.
     */
    public void promote() {
        try (Connection c = server.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT pg_promote(true, 60)")) {
            rs.next();
            if (!rs.getBoolean(1)) {
                throw new IllegalStateException("the standby was not promoted within 60 s; see " + server.logFile());
            }
            LOG.info("standby {}:{} promoted", server.host(), server.port());
        } catch (SQLException e) {
            throw new IllegalStateException("promoting the standby failed: " + e.getMessage(), e);
        }
    }

    /** Stops the standby, deletes its directory, and drops its slot on the primary if the primary runs. */
    @Override
    public void close() {
        server.close();
        if (primary.isRunning()) {
            try {
                primary.dropReplicationSlot(primarySlot);
            } catch (RuntimeException e) {
                LOG.warn("could not drop the standby's slot {} on the primary: {}", primarySlot, e.getMessage());
            }
        }
    }

    private static void backUp(SandboxPostgres primary, String slot, Path target, boolean syncSlots) {
        try (Connection c = primary.connect(); Statement st = c.createStatement()) {
            boolean modern = serverMajor(st) >= 15;
            st.execute(modern ? "SELECT pg_backup_start('strangler-sandbox-standby', true)"
                    : "SELECT pg_start_backup('strangler-sandbox-standby', true, false)");
            copyDataDirectory(primary.dataDirectory(), target);
            // PostgreSQL refuses a data directory others can read
            Files.setPosixFilePermissions(target, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            String label;
            try (ResultSet rs = st.executeQuery(modern ? "SELECT labelfile FROM pg_backup_stop(false)"
                    : "SELECT labelfile FROM pg_stop_backup(false, false)")) {
                rs.next();
                label = rs.getString(1);
            }
            Files.writeString(target.resolve("backup_label"), label, StandardCharsets.UTF_8);
            Files.writeString(target.resolve("standby.signal"), "");
            // in the file, not on the command line: zonky passes settings through pg_ctl -o, which splits on spaces
            Files.writeString(target.resolve("postgresql.auto.conf"), "\n"
                    + "primary_conninfo = 'host=" + primary.host() + " port=" + primary.port() + " user="
                    + primary.superuser() + " application_name=sandbox_standby"
                    + (syncSlots ? " dbname=postgres" : "") + "'\n"
                    + "primary_slot_name = '" + slot + "'\n"
                    + "hot_standby_feedback = on\n"
                    // feedback every second, not every 10 s: the first one (sent only once the standby accepts
                    // connections) and a new slot's catalog_xmin reach the primary before a test goes on
                    + "wal_receiver_status_interval = 1\n"
                    + (syncSlots ? "sync_replication_slots = on\n" : ""), StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (SQLException e) {
            throw new IllegalStateException("base backup of " + primary + " failed: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("base backup of " + primary + " failed", e);
        }
    }

    private static int serverMajor(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT current_setting('server_version_num')::int / 10000")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * Copies a running server's data directory: files may change or vanish while they are copied, which recovery
     * from the backup's start repairs (that is what the backup mode is for).
     */
    private static void copyDataDirectory(Path source, Path target) throws IOException {
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path relative = source.relativize(dir);
                Files.createDirectories(target.resolve(relative));
                if (relative.getNameCount() == 1 && EMPTIED_DIRECTORIES.contains(relative.toString())) {
                    if (relative.toString().equals("pg_wal")) {
                        Files.createDirectories(target.resolve(relative).resolve("archive_status"));
                    }
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path relative = source.relativize(file);
                String name = relative.getFileName().toString();
                if ((relative.getNameCount() == 1 && SKIPPED_FILES.contains(name)) || name.startsWith("pgsql_tmp")
                        || name.equals("pg_internal.init")) {
                    return FileVisitResult.CONTINUE;
                }
                try {
                    Files.copy(file, target.resolve(relative), StandardCopyOption.REPLACE_EXISTING);
                } catch (NoSuchFileException gone) {
                    // dropped or renamed while copying: WAL replay recreates what the backup needs
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw e;
            }
        });
    }

    @Override
    public String toString() {
        return "SandboxStandby[" + server.jdbcUrl() + " of " + primary.jdbcUrl() + "]";
    }
}
