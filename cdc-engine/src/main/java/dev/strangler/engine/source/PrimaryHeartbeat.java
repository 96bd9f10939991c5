package dev.strangler.engine.source;

import dev.strangler.engine.config.PipelineConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The heartbeat of a pipeline whose source is a standby: Debezium runs its heartbeat query on the source, which a
 * standby refuses, so this writes the same row of strangler.heartbeat on the primary instead, at the same interval.
 * The change reaches the standby by replication and the pipeline's slot there by decoding, so the slot keeps moving
 * while the captured tables are idle, exactly as on a primary. A failed beat is logged and the next one tried; it
 * never stops the pipeline (its only effect is a slot that moves later).
 */
public final class PrimaryHeartbeat implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PrimaryHeartbeat.class);

    /** The statement Debezium's heartbeat.action.query runs on a primary source; the same row, the same columns. */
    public static final String UPSERT = "INSERT INTO strangler.heartbeat AS h (pipeline, beat_at) VALUES (?, now()) "
            + "ON CONFLICT (pipeline) DO UPDATE SET beat_at = excluded.beat_at, beats = h.beats + 1";

    private final PipelineConfig.Source primary;
    private final String pipelineName;
    private final ScheduledExecutorService scheduler;
    private Connection connection;
    private boolean failing;

    private PrimaryHeartbeat(PipelineConfig.Source primary, String pipelineName) {
        this.primary = primary;
        this.pipelineName = pipelineName;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "strangler-primary-heartbeat-" + pipelineName);
            t.setDaemon(true);
            return t;
        });
    }

    /** Beats now and then every {@code interval} until closed. */
    public static PrimaryHeartbeat start(PipelineConfig.Source primary, String pipelineName, Duration interval) {
        PrimaryHeartbeat heartbeat = new PrimaryHeartbeat(primary, pipelineName);
        heartbeat.scheduler.scheduleWithFixedDelay(heartbeat::beat, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("heartbeat every {} written on the primary {} (the source is a standby)", interval,
                primary.endpoint());
        return heartbeat;
    }

    private void beat() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = SourceConnections.open(primary, "strangler-heartbeat-" + pipelineName);
            }
            try (PreparedStatement ps = connection.prepareStatement(UPSERT)) {
                ps.setString(1, pipelineName);
                ps.executeUpdate();
            }
            if (failing) {
                LOG.info("heartbeat on the primary {} written again", primary.endpoint());
                failing = false;
            }
        } catch (SQLException | RuntimeException e) {
            if (!failing) {
                LOG.warn("heartbeat on the primary {} failed ({}); retrying every beat: while it fails the slot "
                        + "moves only with changes to the captured tables", primary.endpoint(),
                        SourceConnections.firstLine(e));
                failing = true;
            }
            closeConnection();
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // a broken connection; a new one is opened for the next beat
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
    }
}
