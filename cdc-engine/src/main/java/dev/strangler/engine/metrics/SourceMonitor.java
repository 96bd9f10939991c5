package dev.strangler.engine.metrics;

import dev.strangler.contract.ServerCapabilities;
import dev.strangler.contract.TableId;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.doctor.SlotInspector;
import dev.strangler.engine.doctor.SlotState;
import dev.strangler.engine.source.SourceConnections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Reads, on a connection of its own and every {@code monitor.interval}, what only PostgreSQL knows about the
 * pipeline: its slot (lag, retained WAL, wal_status, safe_wal_size, active), {@code max_slot_wal_keep_size}, the age
 * of its heartbeat, the server's clock (to correct the lag for clock skew) and version, and the captured tables' row
 * estimates ({@code pg_class.reltuples}) for the snapshot's progress. It runs for the life of the pipeline, standby
 * and recovery included (that is when the slot's lag matters most), and never fails the pipeline: a failed poll
 * marks the source unreachable and is tried again next time.
 */
public final class SourceMonitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SourceMonitor.class);

    /**
     * One poll's findings.
     *
     * @param slot                     empty when the slot does not exist
     * @param maxSlotWalKeepSizeBytes  -1 without a cap (or before PostgreSQL 13)
     * @param clockOffsetMillis        PostgreSQL's clock minus this host's, measured around the query
     */
    public record Observation(long atMillis, Optional<SlotState> slot, long maxSlotWalKeepSizeBytes,
                              long clockOffsetMillis, String serverVersion) {
    }

    private final PipelineConfig config;
    private final SnapshotProgress snapshot;
    private final LongSupplier clock;
    private final List<Runnable> afterPoll;
    private volatile Observation last;
    private volatile boolean reachable;
    private volatile String lastProblem;
    private ScheduledExecutorService scheduler;
    private Connection connection;
    /** Of {@link #connection}'s server: read once per connection (a reconnect may reach an upgraded server). */
    private ServerCapabilities server;

    public SourceMonitor(PipelineConfig config, SnapshotProgress snapshot, LongSupplier clock,
                         List<Runnable> afterPoll) {
        this.config = config;
        this.snapshot = snapshot;
        this.clock = clock;
        this.afterPoll = List.copyOf(afterPoll);
    }

    /** Polls now and then every {@code monitor.interval} on a daemon thread until {@link #close()}. */
    public synchronized SourceMonitor start() {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "strangler-monitor-" + config.pipelineName());
                t.setDaemon(true);
                return t;
            });
            long every = config.operations().monitorInterval().toMillis();
            scheduler.scheduleWithFixedDelay(this::pollAndNotify, 0, every, TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private void pollAndNotify() {
        MDC.put("pipeline", config.pipelineName());
        try {
            poll();
            for (Runnable r : afterPoll) {
                r.run();
            }
        } catch (RuntimeException e) {
            LOG.debug("monitor of pipeline '{}' failed: {}", config.pipelineName(), e.toString());
        } finally {
            MDC.remove("pipeline");
        }
    }

    /** One poll; the latest observation stays in place when PostgreSQL does not answer. */
    public synchronized void poll() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = SourceConnections.open(config.source(), "strangler-monitor-" + config.pipelineName());
                server = ServerCapabilities.probe(connection);
            }
            last = observe(connection, server);
            reachable = true;
            lastProblem = null;
        } catch (SQLException | RuntimeException e) {
            if (reachable || lastProblem == null) {
                LOG.debug("monitor of pipeline '{}' cannot read PostgreSQL: {}", config.pipelineName(),
                        SourceConnections.firstLine(e));
            }
            reachable = false;
            lastProblem = SourceConnections.firstLine(e);
            closeConnection();
        }
    }

    private Observation observe(Connection c, ServerCapabilities server) throws SQLException {
        Optional<SlotState> slot = SlotInspector.find(c, server, config.source().slot(), config.pipelineName());
        long before = clock.getAsLong();
        long keepSize;
        long serverMillis;
        String version;
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(pg_size_bytes(nullif(current_setting("
                + "'max_slot_wal_keep_size', true), '-1') || "
                + "CASE WHEN current_setting('max_slot_wal_keep_size', true) ~ '^[0-9]+$' THEN 'MB' ELSE '' END), -1), "
                + "(extract(epoch FROM clock_timestamp()) * 1000)::bigint, current_setting('server_version')");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            keepSize = rs.getLong(1);
            serverMillis = rs.getLong(2);
            version = rs.getString(3);
        }
        long after = clock.getAsLong();
        long offset = serverMillis - (before + after) / 2;
        if (snapshot.running() || snapshot.startedAtMillis() < 0) {
            snapshot.estimates(estimates(c, server, config.streamedTables()));
        }
        return new Observation(after, slot, keepSize, offset, version);
    }

    /** pg_class.reltuples per table: -1 for a table never vacuumed or analysed, or not found. */
    static Map<String, Long> estimates(Connection c, ServerCapabilities server, List<TableId> tables)
            throws SQLException {
        Map<String, Long> result = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + server.rowEstimate("c") + " FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            for (TableId t : tables) {
                ps.setString(1, t.schema());
                ps.setString(2, t.table());
                try (ResultSet rs = ps.executeQuery()) {
                    result.put(t.toString(), rs.next() ? rs.getLong(1) : -1L);
                }
            }
        }
        return result;
    }

    /** The latest successful observation, if any. */
    public Optional<Observation> last() {
        return Optional.ofNullable(last);
    }

    /** True when the latest poll reached PostgreSQL. */
    public boolean reachable() {
        return reachable;
    }

    /** Why the latest poll failed, if it did. */
    public Optional<String> problem() {
        return Optional.ofNullable(lastProblem);
    }

    /** How long ago the latest successful observation was made. */
    public Optional<Duration> age() {
        Observation o = last;
        return o == null ? Optional.empty() : Optional.of(Duration.ofMillis(Math.max(0, clock.getAsLong()
                - o.atMillis())));
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
        closeConnection();
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing the monitor's connection failed: {}", e.getMessage());
            }
            connection = null;
        }
    }
}
