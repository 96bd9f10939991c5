package dev.strangler.parity.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.contract.SnapshotChunkKeys;
import dev.strangler.contract.TableId;
import dev.strangler.parity.Progress;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The tables whose incremental snapshot (a table added to a running pipeline, {@code strangler snapshot}) has not
 * finished, from the notifications the pipeline published: such a table's rows are still arriving, so comparing it
 * now would report rows as missing that are only not read yet.
 *
 * <p>Kept per table, not per snapshot: Debezium runs one incremental snapshot at a time, and a request made while one
 * runs joins it under the new request's id, so a snapshot's own id may never see its COMPLETED.
 */
public final class SnapshotsInProgress {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** A table's snapshot not finished yet: when it started, and the chunk reader's last key of the highest. */
    record Running(Instant since, String lastKey, String maximumKey) {
    }

    private final Map<String, Running> running = new HashMap<>();
    /** Tables whose last scan Debezium ended with an error status, and which status: rows may be missing. */
    private final Map<String, String> failed = new HashMap<>();

    /** Reads the notification topic up to its end now; none in progress when it does not exist. */
    public static SnapshotsInProgress read(TopicReader reader, String topic, Progress progress) {
        SnapshotsInProgress state = new SnapshotsInProgress();
        TopicReader.TopicExtent extent = reader.extent(topic, TIMEOUT);
        if (extent.exists()) {
            reader.read(topic, extent, record -> state.accept(record.value()), progress);
        }
        return state;
    }

    /** Takes one notification in the order the pipeline published them; anything else is ignored. */
    void accept(byte[] value) {
        JsonNode n;
        try {
            n = value == null ? null : JSON.readTree(value);
        } catch (IOException e) {
            return;
        }
        if (n == null || !n.path("aggregate_type").asText().equals("Incremental Snapshot")) {
            return;
        }
        JsonNode data = n.path("additional_data");
        Instant at = Instant.ofEpochMilli(n.path("timestamp").asLong());
        switch (n.path("type").asText()) {
            case "STARTED" -> tables(data.path("data_collections").asText()).forEach(t -> {
                running.put(t, new Running(at, null, null));
                failed.remove(t);
            });
            case "IN_PROGRESS" -> {
                String table = data.path("current_collection_in_progress").asText();
                Running before = running.get(table);
                running.put(table, new Running(before == null ? at : before.since(),
                        data.path("last_processed_key").asText(null), data.path("maximum_key").asText(null)));
            }
            case "TABLE_SCAN_COMPLETED" -> {
                String table = data.path("scanned_collection").asText();
                running.remove(table);
                String status = data.path("status").asText("SUCCEEDED");
                if (status.equals("SUCCEEDED") || status.equals("EMPTY")) {
                    failed.remove(table);
                } else {
                    failed.put(table, status);
                }
            }
            case "COMPLETED" -> running.clear();
            case "ABORTED" -> {
                String stopped = data.path("data_collections").asText("");
                if (stopped.isBlank()) {
                    running.clear();
                } else {
                    tables(stopped).forEach(running::remove);
                }
            }
            default -> { }
        }
    }

    private static java.util.List<String> tables(String list) {
        return Arrays.stream(list.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** Why {@code table} cannot be checked now, when an incremental snapshot of it is still running. */
    public Optional<String> reason(TableId table) {
        Running r = running.get(table.toString());
        if (r == null) {
            String status = failed.get(table.toString());
            return status == null ? Optional.empty() : Optional.of("the last incremental snapshot of this table failed "
                    + "(Debezium's status " + status + "; the pipeline's log says why), so rows of it may be missing "
                    + "from its topic: run strangler snapshot --tables " + table + " again");
        }
        return Optional.of("an incremental snapshot of this table is in progress (" + progressOf(r) + ", since "
                + r.since() + "): its rows are still being published, so rows not read yet would look missing; "
                + "check again once it completes (strangler snapshot follows it)");
    }

    private static String progressOf(Running r) {
        if (r.lastKey() == null || r.maximumKey() == null) {
            return "no chunk read yet";
        }
        // a key that is not one number: its position says how far it got, a share cannot be told
        return SnapshotChunkKeys.percent(r.lastKey(), r.maximumKey())
                .map(percent -> percent + "% by key, at " + r.lastKey() + " of " + r.maximumKey())
                .orElse("at key " + r.lastKey() + " of " + r.maximumKey());
    }
}
