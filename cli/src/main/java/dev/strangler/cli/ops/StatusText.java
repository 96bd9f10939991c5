package dev.strangler.cli.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.engine.doctor.Units;
import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** {@link StatusJson} (from the endpoint or {@link OfflineStatus}) for a person: a few labelled lines. */
public final class StatusText {

    private StatusText() {
    }

    public static String render(JsonNode s, String from) {
        StringBuilder b = new StringBuilder();
        b.append("pipeline ").append(s.path("pipeline").asText()).append(": ")
                .append(s.path("state").asText().replace('_', ' '));
        if (!s.path("ready").isNull() && !s.path("ready").isMissingNode()) {
            b.append(s.path("ready").asBoolean() ? " (ready: " : " (not ready: ")
                    .append(s.path("readyReason").asText()).append(")");
        }
        b.append('\n');
        if (s.path("ready").isNull() || s.path("ready").isMissingNode()) {
            row(b, "note", s.path("readyReason").asText());
        }
        if (s.hasNonNull("instance")) {
            row(b, "instance", s.path("instance").asText() + ", up " + Units.duration(Duration.ofSeconds(
                    s.path("uptimeSeconds").asLong())) + " (since " + s.path("startedAt").asText() + ")");
        }
        JsonNode active = s.path("activeInstance");
        if (active.isObject()) {
            row(b, "active instance", active.path("instance").asText() + " (connected since "
                    + active.path("connectedAt").asText() + ")");
        }
        JsonNode slot = s.path("slot");
        row(b, "source", s.path("source").asText() + ", slot " + slot.path("name").asText() + ", "
                + s.path("delivery").asText().replace('_', ' '));
        row(b, "slot", slotLine(slot));
        if (slot.hasNonNull("heartbeatAgeSeconds")) {
            row(b, "heartbeat", Units.duration(Duration.ofSeconds(slot.path("heartbeatAgeSeconds").asLong()))
                    + " ago");
        }
        if (s.hasNonNull("lagSeconds")) {
            row(b, "lag", String.format(Locale.ROOT, "%.1f s", s.path("lagSeconds").asDouble()));
        }
        JsonNode position = s.path("position");
        if (position.hasNonNull("lastLsn") || position.hasNonNull("problem")) {
            row(b, "position", position.hasNonNull("problem") ? position.path("problem").asText()
                    : "LSN " + position.path("lastLsn").asText()
                    + (position.hasNonNull("newestCommitAt") ? ", newest source commit "
                    + position.path("newestCommitAt").asText() : "")
                    + (position.hasNonNull("storedIn") ? " in " + position.path("storedIn").asText() : ""));
        }
        if (position.hasNonNull("nextStartExplanation")) {
            row(b, "next start", position.path("nextStartExplanation").asText());
        }
        JsonNode events = s.path("events");
        if (events.isObject()) {
            StringBuilder perTable = new StringBuilder();
            for (Iterator<Map.Entry<String, JsonNode>> it = events.path("perTable").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> table = it.next();
                perTable.append(perTable.length() == 0 ? "; " : ", ").append(table.getKey()).append(' ')
                        .append(table.getValue().toString().replace("\"", "").replace(":", " "));
            }
            row(b, "events", events.path("published").asLong() + " published in " + events.path("batches").asLong()
                    + " batches" + perTable);
        }
        JsonNode snapshot = s.path("snapshot");
        if (snapshot.isObject() && (snapshot.path("running").asBoolean() || snapshot.hasNonNull("startedAt"))) {
            row(b, "snapshot", (snapshot.path("running").asBoolean() ? "running" : "done")
                    + (snapshot.hasNonNull("percent") ? ", " + snapshot.path("percent").asDouble() + "%" : ""));
            for (JsonNode t : snapshot.path("tables")) {
                if (t.path("rows").asLong() == 0 && !snapshot.path("running").asBoolean()) {
                    continue;
                }
                row(b, "  " + t.path("table").asText(), t.path("rows").asLong() + " rows"
                        + (t.hasNonNull("estimatedRows") ? " of ~" + t.path("estimatedRows").asLong() + " ("
                        + t.path("percent").asDouble() + "%)" : "")
                        + (t.hasNonNull("rowsPerSecond") ? ", " + t.path("rowsPerSecond").asLong() + " rows/s" : "")
                        + (t.hasNonNull("etaSeconds") ? ", about " + Units.duration(Duration.ofSeconds(
                        t.path("etaSeconds").asLong())) + " left" : ""));
            }
        }
        JsonNode error = s.path("lastError");
        if (error.isObject()) {
            row(b, "last error", error.path("kind").asText() + " at " + error.path("at").asText() + ": "
                    + error.path("message").asText());
        }
        JsonNode v = s.path("versions");
        row(b, "versions", "strangler " + v.path("strangler").asText() + ", debezium " + v.path("debezium").asText()
                + ", kafka " + v.path("kafka").asText() + ", java " + v.path("java").asText()
                + (v.hasNonNull("postgresql") ? ", postgresql " + v.path("postgresql").asText() : ""));
        row(b, "from", from);
        return b.toString();
    }

    private static String slotLine(JsonNode slot) {
        if (!slot.path("sourceReachable").asBoolean(true)) {
            return "unknown: PostgreSQL does not answer (" + slot.path("sourceProblem").asText() + ")";
        }
        if (slot.path("exists").isNull() || slot.path("exists").isMissingNode()) {
            return "not read yet";
        }
        if (!slot.path("exists").asBoolean()) {
            return "does not exist (strangler run creates it at start)";
        }
        StringBuilder b = new StringBuilder(slot.path("active").asBoolean() ? "active" : "inactive");
        if (slot.hasNonNull("walStatus")) {
            b.append(", wal_status ").append(slot.path("walStatus").asText());
        }
        if (slot.hasNonNull("lagBytes")) {
            b.append(", ").append(Units.bytes(slot.path("lagBytes").asLong())).append(" behind");
        }
        if (slot.hasNonNull("retainedWalBytes")) {
            b.append(", retains ").append(Units.bytes(slot.path("retainedWalBytes").asLong()));
            if (slot.hasNonNull("maxSlotWalKeepSizeBytes")) {
                b.append(" of ").append(Units.bytes(slot.path("maxSlotWalKeepSizeBytes").asLong()))
                        .append(" (max_slot_wal_keep_size)");
            }
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String label, String value) {
        b.append(String.format("  %-16s %s%n", label + ":", value));
    }
}
