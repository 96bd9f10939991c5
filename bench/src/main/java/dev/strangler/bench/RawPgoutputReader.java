package dev.strangler.bench;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * The baseline: PgJDBC's replication API reading the same kind of slot (pgoutput, protocol 1, same publication) and
 * discarding every message after looking at its first byte and relation id. It counts the row changes (I, U, D) of
 * one relation until it has seen the expected number, and confirms the received position once a second, as any
 * well-behaved consumer (and pg_recvlogical) does.
 */
final class RawPgoutputReader {

    /** What one drain measured; times from System.nanoTime(). */
    record Result(long events, long launchNanos, long firstEventNanos, long lastEventNanos, long messages,
                  long bytes, LogSequenceNumber lastChange, long readerCpuMillis, long walsenderCpuMillis,
                  long processCpuMillis, long machineBusyMillis) {

        /** CPU the machine spent on anything but this JVM and the walsender during the drain. */
        long foreignCpuMillis() {
            return machineBusyMillis - processCpuMillis - Math.max(0, walsenderCpuMillis);
        }
    }

    private final String jdbcUrl;
    private final String user;
    private final String password;

    RawPgoutputReader(String jdbcUrl, String user, String password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
    }

    /**
     * Streams the slot from its confirmed position until {@code expected} changes of {@code relationId} were seen.
     *
     * @throws IllegalStateException when they are not all seen within {@code timeout}
     */
    Result drain(String slot, String publication, long relationId, long expected, Duration timeout)
            throws SQLException, InterruptedException {
        Properties props = new Properties();
        PGProperty.USER.set(props, user);
        PGProperty.PASSWORD.set(props, password);
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(props, "10");
        PGProperty.REPLICATION.set(props, "database");
        PGProperty.PREFER_QUERY_MODE.set(props, "simple");
        PGProperty.APPLICATION_NAME.set(props, "strangler-bench-raw");

        var threads = ManagementFactory.getThreadMXBean();
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long machineAtLaunch = Proc.machineBusyMillis();
        long processAtLaunch = os.getProcessCpuTime();
        long cpuAtLaunch = threads.getCurrentThreadCpuTime();
        long launch = System.nanoTime();
        long deadline = launch + timeout.toNanos();
        try (Connection c = DriverManager.getConnection(jdbcUrl, props)) {
            PGReplicationStream stream = c.unwrap(PGConnection.class).getReplicationAPI().replicationStream()
                    .logical()
                    .withSlotName(slot)
                    .withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", publication)
                    .withStatusInterval(10, TimeUnit.SECONDS)
                    .start();
            long walsenderPid = walsenderPid(slot);
            long events = 0;
            long messages = 0;
            long bytes = 0;
            long first = -1;
            long last = -1;
            LogSequenceNumber lastChange = LogSequenceNumber.INVALID_LSN;
            long nextFeedback = launch + TimeUnit.SECONDS.toNanos(1);
            while (events < expected) {
                ByteBuffer msg = stream.readPending();
                long now = System.nanoTime();
                if (msg == null) {
                    if (now > deadline) {
                        throw new IllegalStateException("raw reader saw only " + events + " of " + expected
                                + " changes within " + timeout.toSeconds() + "s (last received LSN "
                                + stream.getLastReceiveLSN() + ")");
                    }
                    LockSupport.parkNanos(50_000);
                    continue;
                }
                messages++;
                int pos = msg.position();
                bytes += msg.remaining();
                byte type = msg.get(pos);
                if ((type == 'I' || type == 'U' || type == 'D') && (msg.getInt(pos + 1) & 0xFFFFFFFFL) == relationId) {
                    events++;
                    if (first < 0) {
                        first = now;
                    }
                    last = now;
                    if (events == expected) {
                        lastChange = stream.getLastReceiveLSN(); // the WAL position of this change
                    }
                }
                if (now >= nextFeedback) {
                    LogSequenceNumber received = stream.getLastReceiveLSN();
                    stream.setAppliedLSN(received);
                    stream.setFlushedLSN(received);
                    stream.forceUpdateStatus();
                    nextFeedback = now + TimeUnit.SECONDS.toNanos(1);
                }
            }
            long readerCpu = (threads.getCurrentThreadCpuTime() - cpuAtLaunch) / 1_000_000;
            long processCpu = (os.getProcessCpuTime() - processAtLaunch) / 1_000_000;
            long machineBusy = Proc.machineBusyMillis() - machineAtLaunch;
            // The walsender is a fresh process for this stream: its whole CPU time is this drain's.
            long walsenderCpu = walsenderPid > 0 ? Proc.cpuMillis(walsenderPid) : -1;
            LogSequenceNumber received = stream.getLastReceiveLSN();
            stream.setAppliedLSN(received);
            stream.setFlushedLSN(received);
            stream.forceUpdateStatus();
            stream.close();
            return new Result(events, launch, first, last, messages, bytes, lastChange, readerCpu, walsenderCpu,
                    processCpu, machineBusy);
        }
    }

    /** The walsender serving the slot (its active_pid), or -1; asked over a normal connection. */
    long walsenderPid(String slot) {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, password);
             PreparedStatement ps = c.prepareStatement(
                     "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ? AND active")) {
            ps.setString(1, slot);
            for (int attempt = 0; attempt < 50; attempt++) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        return rs.getLong(1);
                    }
                }
                Thread.sleep(10);
            }
        } catch (SQLException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }
}
