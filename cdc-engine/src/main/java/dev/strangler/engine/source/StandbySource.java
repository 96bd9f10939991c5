package dev.strangler.engine.source;

import dev.strangler.contract.ServerCapabilities;
import dev.strangler.contract.SqlIdentifier;
import dev.strangler.contract.TableId;
import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineKeys;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A read replica as the source (PostgreSQL 16+ decodes on a hot standby): Debezium connects to the standby and its
 * slot lives there, and nothing is ever written on the standby (it could not be). What the pipeline must write goes
 * to the primary named by {@code source.primary.url}, as the same role: schema strangler's migrations, the
 * publication (a catalog object, replicated to the standby), the heartbeat ({@link PrimaryHeartbeat}), and the
 * running-transactions record a slot's creation on a standby waits for ({@link #nudgeSlotCreation}). Without
 * {@code source.primary.url} all of that is off, with the consequences in {@link #WITHOUT_PRIMARY}.
 */
public final class StandbySource {

    private static final Logger LOG = LoggerFactory.getLogger(StandbySource.class);
    private static final Duration REPLAY_WAIT = Duration.ofSeconds(60);

    /** What a standby source without source.primary.url costs; logged at start, shown by the doctor. */
    public static final String WITHOUT_PRIMARY = PipelineKeys.SOURCE_PRIMARY_URL.name()
            + " is not set, so the pipeline writes nothing: no heartbeat (while the captured tables are idle the slot "
            + "does not move, the standby retains WAL and strangler parity waits for the next change), no "
            + "migrations and no publication (a DBA creates both on the primary: strangler sql print migrations, "
            + "CREATE PUBLICATION), no parity history, and a new slot waits up to 15 s for the primary's next "
            + "running-transactions record (longer on an idle primary)";

    private StandbySource() {
    }

    /**
     * Where the pipeline writes: the source itself when it is a primary, its primary when it is a standby and
     * source.primary.url is set, nowhere (empty) otherwise.
     */
    public static Optional<PipelineConfig.Source> writeTarget(PipelineConfig.Source source,
                                                               ServerCapabilities server) {
        return server.standby() ? source.onPrimary() : Optional.of(source);
    }

    /**
     * Creates the publication on the primary when it does not exist (for exactly the published tables, as Debezium's
     * "filtered" mode would on a primary) and waits until the standby has replayed it, so that Debezium finds it
     * there. Returns whether it was created.
     */
    public static boolean ensurePublication(PipelineConfig config, PipelineConfig.Source primary) {
        String pub = config.source().publication();
        try (Connection p = SourceConnections.open(primary, "strangler-" + config.pipelineName())) {
            if (exists(p, pub)) {
                return false;
            }
            try (Statement st = p.createStatement()) {
                st.execute("CREATE PUBLICATION " + SqlIdentifier.quote(pub) + " FOR TABLE "
                        + config.publishedTables(StranglerObjects.HEARTBEAT_TABLE).stream().map(TableId::quoted)
                        .collect(Collectors.joining(", ")));
            }
        } catch (SQLException e) {
            throw new SourceNotReadyException("cannot create publication '" + pub + "' on the primary "
                    + primary.endpoint() + ": " + SourceConnections.firstLine(e) + "; create it there as its owner "
                    + "(CREATE PUBLICATION ... FOR TABLE ...)", e);
        }
        LOG.info("publication '{}' created on the primary {}; waiting for the standby to replay it", pub,
                primary.endpoint());
        awaitOnStandby(config, pub);
        return true;
    }

    private static void awaitOnStandby(PipelineConfig config, String pub) {
        long deadline = System.nanoTime() + REPLAY_WAIT.toNanos();
        try (Connection s = SourceConnections.open(config.source(), "strangler-" + config.pipelineName())) {
            while (!exists(s, pub)) {
                if (System.nanoTime() > deadline) {
                    throw new SourceNotReadyException("the standby " + config.source().endpoint() + " did not "
                            + "replay publication '" + pub + "' within " + REPLAY_WAIT.toSeconds() + "s: check its "
                            + "replication from the primary (pg_stat_wal_receiver on the standby)");
                }
                Thread.sleep(100);
            }
        } catch (SQLException e) {
            throw new SourceNotReadyException("cannot read the standby " + config.source().endpoint() + ": "
                    + SourceConnections.firstLine(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceNotReadyException("interrupted while waiting for the standby", e);
        }
    }

    private static boolean exists(Connection c, String pub) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, pub);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    /**
     * Creating a logical slot on a standby waits for a running-transactions record from the primary, which the
     * primary writes every 15 s only while it is busy, and while transactions run there it may take several before
     * the slot reaches a consistent point. Until the pipeline's slot exists on the standby, this thread asks the
     * primary for one four times a second ({@code pg_log_standby_snapshot()}, PostgreSQL 16+; superuser or
     * {@code GRANT EXECUTE}). A refusal is logged once and the slot's creation then waits for the primary's own.
     *
     * @return the thread, already started; it ends by itself once the slot exists, after 5 minutes, or when
     * interrupted
     */
    public static Thread nudgeSlotCreation(PipelineConfig config, PipelineConfig.Source primary) {
        Thread t = new Thread(() -> nudge(config, primary), "strangler-standby-slot-" + config.pipelineName());
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void nudge(PipelineConfig config, PipelineConfig.Source primary) {
        String slot = config.source().slot();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        try (Connection s = SourceConnections.open(config.source(), "strangler-" + config.pipelineName());
             Connection p = SourceConnections.open(primary, "strangler-" + config.pipelineName());
             PreparedStatement exists = s.prepareStatement(
                     "SELECT 1 FROM pg_replication_slots WHERE slot_name = ? AND catalog_xmin IS NOT NULL")) {
            exists.setString(1, slot);
            boolean allowed = true;
            while (System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
                if (allowed) {
                    try (Statement st = p.createStatement()) {
                        st.execute("SELECT pg_log_standby_snapshot()");
                    } catch (SQLException e) {
                        allowed = false;
                        LOG.warn("cannot ask the primary for a running-transactions record ({}): slot '{}' is "
                                + "created on the standby when the primary writes its next one (every 15 s while "
                                + "it is busy); GRANT EXECUTE ON FUNCTION pg_log_standby_snapshot() TO {} on the "
                                + "primary makes it immediate", SourceConnections.firstLine(e), slot,
                                config.source().user());
                    }
                }
                Thread.sleep(250);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("stopped helping the slot's creation on the standby: {}", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
