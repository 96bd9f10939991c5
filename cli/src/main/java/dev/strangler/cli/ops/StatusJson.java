package dev.strangler.cli.ops;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.strangler.contract.Lsn;
import dev.strangler.engine.doctor.SlotState;
import dev.strangler.engine.metrics.PipelineStatus;
import dev.strangler.engine.metrics.SnapshotProgress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * {@link PipelineStatus} as the JSON of {@code /status} and {@code strangler status --json}. One shape for both (the
 * offline status fills what it can read from PostgreSQL and Kafka and leaves the rest null), so a script reads
 * either the same way. Numbers are plain (bytes, seconds, rows); times are ISO-8601 UTC; LSNs as PostgreSQL prints them.
 */
public final class StatusJson {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StatusJson() {
    }

    public static Map<String, Object> of(PipelineStatus s, Versions versions) {
        long now = System.currentTimeMillis();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("pipeline", s.pipeline());
        m.put("running", true);
        m.put("state", s.phase().label());
        m.put("ready", s.readiness().ready());
        m.put("readyReason", s.readiness().reason());
        m.put("instance", s.instance());
        m.put("activeInstance", s.activeInstance().map(a -> {
            Map<String, Object> active = new LinkedHashMap<>();
            active.put("instance", a.instance());
            active.put("connectedAt", a.connectedAt().toString());
            return (Object) active;
        }).orElse(null));
        m.put("engineState", s.engineState());
        m.put("startedAt", s.startedAt().toString());
        m.put("uptimeSeconds", s.uptime().toSeconds());
        m.put("source", s.source());
        m.put("delivery", s.delivery());
        m.put("lagSeconds", number(s.lagSeconds()));
        Map<String, Object> position = new LinkedHashMap<>();
        position.put("lastLsn", s.lastPublishedLsn() < 0 ? null : Lsn.format(s.lastPublishedLsn()));
        position.put("newestCommitAt", s.newestCommitAt().map(Object::toString).orElse(null));
        m.put("position", position);
        m.put("slot", slot(s.slotName(), s.slot().orElse(null), s.maxSlotWalKeepSizeBytes(),
                s.slotObservedAt().map(Object::toString).orElse(null), s.sourceReachable(),
                s.sourceProblem().orElse(null)));
        Map<String, Object> events = new LinkedHashMap<>();
        events.put("published", s.events().published());
        events.put("batches", s.events().batches());
        events.put("skipped", s.events().skipped());
        events.put("perTable", s.events().perTable());
        m.put("events", events);
        m.put("snapshot", snapshot(s.snapshot(), now));
        m.put("lastError", s.lastError().map(e -> {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("kind", e.kind());
            error.put("message", e.message());
            error.put("at", e.at().toString());
            return (Object) error;
        }).orElse(null));
        m.put("versions", versions(versions, s.postgresVersion().orElse(null)));
        return m;
    }

    static Map<String, Object> slot(String name, SlotState state, long maxKeepBytes, String observedAt,
                                    boolean reachable, String problem) {
        Map<String, Object> slot = new LinkedHashMap<>();
        slot.put("name", name);
        slot.put("exists", state != null ? Boolean.TRUE : observedAt == null ? null : Boolean.FALSE);
        slot.put("active", state == null ? null : state.active());
        slot.put("walStatus", state == null ? null : state.walStatus());
        slot.put("lagBytes", state == null ? null : state.lagBytes());
        slot.put("retainedWalBytes", state == null ? null : state.retainedBytes());
        slot.put("safeWalSizeBytes", state == null ? null : state.safeWalSizeBytes());
        slot.put("maxSlotWalKeepSizeBytes", maxKeepBytes < 0 ? null : maxKeepBytes);
        slot.put("confirmedFlushLsn", state == null ? null : state.confirmedFlushLsn());
        slot.put("heartbeatAgeSeconds", state == null ? null : state.heartbeatAgeSeconds());
        slot.put("observedAt", observedAt);
        slot.put("sourceReachable", reachable);
        slot.put("sourceProblem", problem);
        return slot;
    }

    private static Map<String, Object> snapshot(PipelineStatus.Snapshot snapshot, long now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("running", snapshot.running());
        m.put("percent", percent(snapshot.fraction()));
        m.put("startedAt", snapshot.startedAt().map(Object::toString).orElse(null));
        m.put("finishedAt", snapshot.finishedAt().map(Object::toString).orElse(null));
        List<Map<String, Object>> tables = new ArrayList<>();
        for (SnapshotProgress.Table t : snapshot.tables()) {
            Map<String, Object> table = new LinkedHashMap<>();
            table.put("table", t.table());
            table.put("rows", t.rows());
            table.put("estimatedRows", t.estimatedRows() < 0 ? null : t.estimatedRows());
            table.put("percent", percent(t.fraction()));
            table.put("rowsPerSecond", t.rows() == 0 ? null : Math.round(t.ratePerSecond(now)));
            table.put("etaSeconds", !snapshot.running() || t.rows() == 0 ? null
                    : number(t.etaSeconds(now)));
            tables.add(table);
        }
        m.put("tables", tables);
        return m;
    }

    static Map<String, Object> versions(Versions v, String postgres) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("strangler", v.strangler());
        m.put("debezium", v.debezium());
        m.put("kafka", v.kafka());
        m.put("java", v.java());
        m.put("postgresql", postgres);
        return m;
    }

    private static Object percent(OptionalDouble fraction) {
        return fraction.isPresent() ? Math.round(fraction.getAsDouble() * 1000) / 10.0 : null;
    }

    private static Object number(OptionalDouble value) {
        return value.isPresent() ? Math.round(value.getAsDouble() * 10) / 10.0 : null;
    }

    public static String write(Object value) {
        try {
            return JSON.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("status is not JSON-serialisable", e);
        }
    }
}
