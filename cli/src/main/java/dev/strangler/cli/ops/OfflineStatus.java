package dev.strangler.cli.ops;

import dev.strangler.engine.Pipeline;
import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.admin.ActiveInstance;
import dev.strangler.engine.admin.SlotAdmin;
import dev.strangler.engine.admin.StartPreview;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.metrics.SnapshotProgress;
import dev.strangler.engine.metrics.SourceMonitor;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The status of a pipeline whose endpoint does not answer, read from PostgreSQL (the slot, its heartbeat, who holds
 * the pipeline's lock) and Kafka (the stored position and what the next start does with it), in the shape of
 * {@link StatusJson} with what only a running pipeline knows left null.
 */
public final class OfflineStatus {

    private OfflineStatus() {
    }

    /**
     * @param endpointProblem why the endpoint was not asked or did not answer
     * @throws SourceNotReadyException PostgreSQL cannot be reached
     */
    public static Map<String, Object> read(PipelineConfig config, String endpointProblem) {
        SourceMonitor monitor = new SourceMonitor(config, new SnapshotProgress(), System::currentTimeMillis, List.of());
        monitor.poll();
        monitor.close();
        SourceMonitor.Observation observed = monitor.last().orElseThrow(() -> new SourceNotReadyException(
                "cannot read pipeline '" + config.pipelineName() + "''s status from PostgreSQL at "
                        + config.source().endpoint() + ": " + monitor.problem().orElse("no answer")));
        Optional<ActiveInstance> holder = new SlotAdmin(config).activeInstance();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pipeline", config.pipelineName());
        m.put("running", holder.isPresent());
        m.put("state", holder.isPresent() ? "active_elsewhere" : "not_running");
        m.put("ready", null);
        m.put("readyReason", holder.isPresent() ? "an instance holds the pipeline's lock, but its endpoint did not "
                + "answer (" + endpointProblem + ")" : "no instance of the pipeline is running (" + endpointProblem
                + ")");
        m.put("activeInstance", holder.map(h -> {
            Map<String, Object> active = new LinkedHashMap<>();
            active.put("instance", h.instance());
            active.put("connectedAt", h.connectedAt().toString());
            return (Object) active;
        }).orElse(null));
        m.put("source", config.source().endpoint().toString());
        m.put("delivery", config.delivery().name().toLowerCase(java.util.Locale.ROOT));
        m.put("lagSeconds", observed.slot().flatMap(s -> s.timeLag()).map(t -> (Object) (t.lag().toMillis() / 1000.0))
                .orElse(null));
        m.put("position", position(config));
        m.put("slot", StatusJson.slot(config.source().slot(), observed.slot().orElse(null),
                observed.maxSlotWalKeepSizeBytes(), Instant.ofEpochMilli(observed.atMillis()).toString(), true, null));
        m.put("versions", StatusJson.versions(Versions.read(), observed.serverVersion()));
        return m;
    }

    private static Map<String, Object> position(PipelineConfig config) {
        Map<String, Object> position = new LinkedHashMap<>();
        try {
            StartPreview preview = Pipeline.previewStart(config);
            position.put("storedIn", preview.where());
            position.put("lastLsn", preview.storedLsn().orElse(null));
            position.put("snapshotInProgress", preview.snapshotInProgress());
            position.put("nextStart", preview.nextStart().toLowerCase(java.util.Locale.ROOT));
            position.put("nextStartExplanation", preview.explanation());
        } catch (RuntimeException e) {
            position.put("problem", "the stored position could not be read: " + e.getMessage());
        }
        return position;
    }
}
