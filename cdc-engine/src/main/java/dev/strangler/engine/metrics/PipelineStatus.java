package dev.strangler.engine.metrics;

import dev.strangler.engine.doctor.SlotState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What a running pipeline reports about itself, at one moment: the model behind {@code /status},
 * {@code /health/ready} and {@code strangler status}. Built by {@code Pipeline.status()}; rendered by the CLI. Holds
 * nothing secret: no password, no JDBC URL (its query string may hold one), only host, port and database.
 *
 * @param instance       this process, {@code pid@host}
 * @param engineState    the pipeline's lifecycle state ({@code Pipeline.State})
 * @param activeInstance while standing by: the instance that holds the pipeline's lock
 * @param lagSeconds     age of the newest source commit the pipeline has handled (heartbeats included), corrected
 *                       for the clock difference to PostgreSQL; empty before the first streamed change
 */
public record PipelineStatus(
        String pipeline,
        String instance,
        Phase phase,
        String engineState,
        Instant startedAt,
        Duration uptime,
        String source,
        String slotName,
        String delivery,
        Optional<ActiveInstance> activeInstance,
        Optional<SlotState> slot,
        long maxSlotWalKeepSizeBytes,
        Optional<Instant> slotObservedAt,
        boolean sourceReachable,
        Optional<String> sourceProblem,
        Optional<String> postgresVersion,
        long lastPublishedLsn,
        Optional<Instant> newestCommitAt,
        OptionalDouble lagSeconds,
        Events events,
        Snapshot snapshot,
        Optional<LastError> lastError,
        Readiness readiness) {

    /** The state a person asks about; {@link #label()} is what /status and the metrics say. */
    public enum Phase {
        STARTING, SNAPSHOTTING, STREAMING, WAITING_FOR_KAFKA, WAITING_FOR_POSTGRESQL, WAITING_FOR_SLOT, STANDBY,
        STOPPING, STOPPED, FAILED;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public record ActiveInstance(String instance, Instant connectedAt) {
    }

    public record Events(long published, long batches, long skipped, Map<String, Map<String, Long>> perTable) {
    }

    /**
     * @param fraction the whole snapshot's share done, when every table's estimate is known
     */
    public record Snapshot(boolean running, Optional<Instant> startedAt, Optional<Instant> finishedAt,
                           OptionalDouble fraction, List<SnapshotProgress.Table> tables) {
    }

    /** The failure the pipeline last waited on or stopped with. */
    public record LastError(String kind, String message, Instant at) {
    }

    /** /health/ready's answer, with the reason a person can act on. */
    public record Readiness(boolean ready, String reason) {
    }

    /** /health/live's answer: the process is doing its job or is on its way back to it (not failed or stopped). */
    public boolean live() {
        return phase != Phase.FAILED && phase != Phase.STOPPED;
    }

    /**
     * Ready means streaming and caught up: not starting, snapshotting, waiting for PostgreSQL or Kafka, standing by
     * or stopping, and a lag of at most {@code maxLag} (with heartbeats off the lag is not known while the tables
     * are idle, and only the state counts).
     */
    public static Readiness readiness(Phase phase, OptionalDouble lagSeconds, Duration maxLag, boolean heartbeats) {
        if (phase != Phase.STREAMING) {
            return new Readiness(false, switch (phase) {
                case STARTING -> "starting";
                case SNAPSHOTTING -> "snapshotting";
                case WAITING_FOR_KAFKA -> "waiting for Kafka";
                case WAITING_FOR_POSTGRESQL -> "waiting for PostgreSQL";
                case WAITING_FOR_SLOT -> "waiting for the replication slot";
                case STANDBY -> "standing by: another instance is active";
                default -> phase.label();
            });
        }
        if (lagSeconds.isEmpty()) {
            return heartbeats ? new Readiness(false, "streaming, no change or heartbeat seen yet")
                    : new Readiness(true, "streaming (heartbeats off: the lag is not known while tables are idle)");
        }
        double maxSeconds = maxLag.toMillis() / 1000.0;
        if (lagSeconds.getAsDouble() > maxSeconds && heartbeats) {
            return new Readiness(false, String.format(Locale.ROOT, "streaming, %.0f s behind (health.ready.max.lag "
                    + "is %d s)", lagSeconds.getAsDouble(), maxLag.toSeconds()));
        }
        return new Readiness(true, String.format(Locale.ROOT, "streaming, %.1f s behind", lagSeconds.getAsDouble()));
    }
}
