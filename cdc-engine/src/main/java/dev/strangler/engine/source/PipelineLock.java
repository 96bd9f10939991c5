package dev.strangler.engine.source;

import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.PipelineConfig;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One active instance per pipeline: a PostgreSQL session-level advisory lock keyed by the replication slot, held on a
 * connection of its own for as long as the instance publishes.
 *
 * <p>Why this mechanism: the lock lives where the slot lives, needs no table and no write (so it works with a
 * least-privilege role and on a read replica), and PostgreSQL releases it the moment the holder's session ends: a
 * killed process closes its sockets and a standby takes over within a poll. Two things a session lock alone does not
 * catch are handled here too:
 * <ul>
 *   <li>a dead host that never closes its sockets: the lock session asks PostgreSQL for TCP keepalives
 *   ({@code tcp_keepalives_*}), so the server ends it after about 25 seconds of silence;</li>
 *   <li>a frozen process (SIGSTOP, a stalled VM, a network partition): its kernel still answers keepalives, so the
 *   session lives on. The holder therefore runs a trivial query every few seconds ({@link #renew()}), and a standby
 *   that sees the holder's session idle for longer than {@code takeoverAfter} ends it (and the slot's walsender if
 *   it is the same role's) with {@code pg_terminate_backend} and takes the lock. The frozen instance, when it wakes,
 *   finds its sessions gone and its Kafka producer fenced, and stops.</li>
 * </ul>
 * The holder's {@code application_name} names its pid, host and since when it holds the lock, which is what a
 * standby logs.
 */
public final class PipelineLock implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineLock.class);
    /** The application_name Debezium gives its replication connection, whatever the pipeline. */
    private static final String DEBEZIUM_STREAMING = "Debezium Streaming";
    private static final String LOCK_ARGS = "hashtext('strangler.pipeline'), hashtext(?)";
    private static final DateTimeFormatter SINCE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** Who holds the lock, as PostgreSQL shows the holder's session. */
    public record Holder(int pid, String instance, Instant connectedAt, Duration silentFor) {
        @Override
        public String toString() {
            return instance + " (session pid " + pid + ", last seen " + silentFor.toSeconds() + "s ago)";
        }
    }

    private final PipelineConfig.Source source;
    private final String pipelineName;
    private final Duration takeoverAfter;
    private final Clock clock;
    private final String instance;
    private Connection connection;
    private boolean held;

    public PipelineLock(PipelineConfig.Source source, String pipelineName, Duration takeoverAfter, Clock clock) {
        this.source = source;
        this.pipelineName = pipelineName;
        this.takeoverAfter = takeoverAfter;
        this.clock = clock;
        this.instance = ProcessHandle.current().pid() + "@" + hostName();
    }

    /** This process as the lock and the logs name it: {@code pid@host}. */
    public String instance() {
        return instance;
    }

    /** How often the holder shows it is alive: well within {@code takeoverAfter}. */
    public Duration renewInterval() {
        long millis = Math.max(500, Math.min(5_000, takeoverAfter.toMillis() / 5));
        return Duration.ofMillis(millis);
    }

    public synchronized boolean isHeld() {
        return held;
    }

    /**
     * Tries once to take the lock.
     *
     * @return true when this instance holds it now
     * @throws SourceNotReadyException PostgreSQL cannot be reached (the cause carries the SQLState)
     */
    public synchronized boolean tryAcquire() {
        if (held) {
            return true;
        }
        try {
            Connection c = connection();
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(" + LOCK_ARGS + ")")) {
                ps.setString(1, source.slot());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    held = rs.getBoolean(1);
                }
            }
            if (held) {
                setApplicationName(c, "strangler active " + instance + " " + SINCE.format(clock.instant()));
            }
            return held;
        } catch (SQLException e) {
            closeConnection();
            throw new SourceNotReadyException("cannot take pipeline '" + pipelineName + "''s lock on "
                    + source.endpoint() + ": " + SourceConnections.firstLine(e), e);
        }
    }

    /** The session holding the lock, if another one holds it. */
    public synchronized Optional<Holder> holder() {
        try {
            Connection c = connection();
            try (PreparedStatement ps = c.prepareStatement("SELECT l.pid, a.application_name, a.backend_start, "
                    + "extract(epoch FROM now() - coalesce(a.query_start, a.backend_start)) * 1000, a.state "
                    + "FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                    + "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 2 "
                    + "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                    + "AND l.classid = hashtext('strangler.pipeline')::oid AND l.objid = hashtext(?)::oid "
                    + "AND l.pid <> pg_backend_pid()")) {
                ps.setString(1, source.slot());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    String name = rs.getString(2);
                    String who = name == null || name.isBlank() ? "an unnamed session" : name;
                    // a session running a query right now is not silent, however long ago it began
                    long silentMillis = "active".equals(rs.getString(5)) ? 0 : (long) rs.getDouble(4);
                    return Optional.of(new Holder(rs.getInt(1), who,
                            rs.getTimestamp(3) == null ? Instant.EPOCH : rs.getTimestamp(3).toInstant(),
                            Duration.ofMillis(Math.max(0, silentMillis))));
                }
            }
        } catch (SQLException e) {
            closeConnection();
            throw new SourceNotReadyException("cannot read who holds pipeline '" + pipelineName + "''s lock: "
                    + SourceConnections.firstLine(e), e);
        }
    }

    /** True when the holder has shown no sign of life for longer than {@code takeoverAfter}. */
    public boolean isSilent(Holder holder) {
        return holder.silentFor().compareTo(takeoverAfter) > 0;
    }

    /**
     * Ends a silent holder's lock session and, when it is this role's, the slot's walsender, so that the lock and the
     * slot become free. Returns once PostgreSQL has signalled them; the caller then tries to take the lock.
     */
    public synchronized void endSilentHolder(Holder holder) {
        LOG.warn("pipeline '{}': the active instance {} has shown no sign of life for {}s (over "
                + "standby.takeover.after={}s): ending its sessions and taking over", pipelineName, holder.instance(),
                holder.silentFor().toSeconds(), takeoverAfter.toSeconds());
        try {
            Connection c = connection();
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(?)")) {
                ps.setInt(1, holder.pid());
                ps.execute();
            }
            terminateSlotReader(c);
        } catch (SQLException e) {
            closeConnection();
            throw new SourceNotReadyException("cannot end the silent holder of pipeline '" + pipelineName
                    + "''s lock (" + holder + "): " + SourceConnections.firstLine(e), e);
        }
    }

    /**
     * After taking the lock: a walsender of this role still reading the slot belongs to an instance that is gone or
     * was just ended (the lock says no other instance is active). Ends it and waits until the slot is free, at most
     * {@code timeout}.
     */
    public synchronized void freeSlot(Duration timeout) {
        if (!held) {
            throw new IllegalStateException("the lock is not held");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Connection c = connection();
            while (terminateSlotReader(c)) {
                if (System.nanoTime() > deadline) {
                    return; // the start reports the busy slot with its own message
                }
                Thread.sleep(200);
            }
        } catch (SQLException e) {
            closeConnection();
            throw new SourceNotReadyException("cannot check replication slot '" + source.slot() + "': "
                    + SourceConnections.firstLine(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Ends the slot's walsender if it is a Debezium stream of this pipeline's role (another kind of reader, such as
     * pg_recvlogical, is never ended: the start refuses with its name instead); true when it was still active.
     */
    private boolean terminateSlotReader(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT s.active_pid, pg_terminate_backend(s.active_pid) "
                + "FROM pg_replication_slots s JOIN pg_stat_activity a ON a.pid = s.active_pid "
                + "WHERE s.slot_name = ? AND a.usename = current_user AND a.application_name = ?")) {
            ps.setString(1, source.slot());
            ps.setString(2, DEBEZIUM_STREAMING);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    LOG.info("pipeline '{}': ended walsender pid {} that still read slot '{}' for a previous "
                            + "instance", pipelineName, rs.getInt(1), source.slot());
                    return true;
                }
                return false;
            }
        }
    }

    /**
     * The holder's sign of life. A failure means the session, and with it the lock, is gone: the caller must stop
     * publishing at once.
     *
     * @throws SourceNotReadyException the lock session is gone
     */
    public synchronized void renew() {
        if (!held) {
            throw new IllegalStateException("the lock is not held");
        }
        try (Statement st = connection.createStatement()) {
            st.execute("SELECT 1");
        } catch (SQLException | RuntimeException e) {
            held = false;
            closeConnection();
            throw new SourceNotReadyException("pipeline '" + pipelineName + "' lost its lock session: "
                    + SourceConnections.firstLine(e), e instanceof SQLException ? e : null);
        }
    }

    /** Releases the lock (closing the session releases it too). */
    public synchronized void release() {
        if (held && connection != null) {
            try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(" + LOCK_ARGS + ")")) {
                ps.setString(1, source.slot());
                ps.execute();
            } catch (SQLException e) {
                LOG.debug("releasing the pipeline lock failed: {}", e.getMessage());
            }
        }
        held = false;
        closeConnection();
    }

    @Override
    public void close() {
        release();
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = SourceConnections.openLockSession(source, "strangler standby " + instance);
            try (Statement st = connection.createStatement()) {
                // a dead host's session ends (and releases the lock) within about 25 s instead of hours
                st.execute("SET tcp_keepalives_idle = 10");
                st.execute("SET tcp_keepalives_interval = 5");
                st.execute("SET tcp_keepalives_count = 3");
            }
        }
        return connection;
    }

    private static void setApplicationName(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT set_config('application_name', ?, false)")) {
            ps.setString(1, name.length() > 63 ? name.substring(0, 63) : name);
            ps.execute();
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing the lock session failed: {}", e.getMessage());
            }
            connection = null;
        }
    }

    private static String hostName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return name.length() > 24 ? name.substring(0, 24) : name;
        } catch (java.io.IOException e) {
            return "unknown-host";
        }
    }
}
