package dev.strangler.engine.admin;

import dev.strangler.contract.SnapshotChunkKeys;
import java.util.Map;
import java.util.Optional;

/**
 * One of Debezium's notifications about an incremental snapshot, as the pipeline published it to its notification
 * topic.
 *
 * @param snapshotId the id of the signal that started the snapshot
 * @param type       STARTED, IN_PROGRESS, TABLE_SCAN_COMPLETED, COMPLETED, ABORTED, PAUSED, RESUMED or SKIPPED
 * @param data       Debezium's additional data: {@code data_collections}, {@code current_collection_in_progress},
 *                   {@code last_processed_key}, {@code maximum_key}, {@code scanned_collection},
 *                   {@code total_rows_scanned}, {@code status}
 */
public record SnapshotNotice(String snapshotId, String type, Map<String, String> data) {

    /** A table's scan that read its rows (or found none), not one Debezium gave up with an error. */
    public boolean scanSucceeded() {
        String status = data.getOrDefault("status", "SUCCEEDED");
        return status.equals("SUCCEEDED") || status.equals("EMPTY");
    }

    public boolean ends() {
        return type.equals("COMPLETED") || type.equals("ABORTED");
    }

    /** What a person reads: the table and how far it got. */
    public String describe() {
        return switch (type) {
            case "REQUESTED" -> "requested snapshot " + snapshotId + " of " + data.getOrDefault("data_collections", "?")
                    + ("1".equals(data.get("attempt")) ? "" : " again (attempt " + data.get("attempt") + "): the last "
                    + "scan of it failed");
            case "STARTED" -> "started: " + data.getOrDefault("data_collections", "?");
            case "IN_PROGRESS" -> data.getOrDefault("current_collection_in_progress", "?") + ": read up to key "
                    + data.getOrDefault("last_processed_key", "?") + " of " + data.getOrDefault("maximum_key", "?")
                    + percent().map(p -> " (" + p + "%)").orElse("");
            case "TABLE_SCAN_COMPLETED" -> data.getOrDefault("scanned_collection", "?") + ": "
                    + data.getOrDefault("total_rows_scanned", "?") + " rows read ("
                    + data.getOrDefault("status", "?").toLowerCase(java.util.Locale.ROOT) + ")";
            case "COMPLETED" -> "completed";
            case "ABORTED" -> "cancelled: " + data.getOrDefault("data_collections", "?");
            default -> type.toLowerCase(java.util.Locale.ROOT) + " " + data;
        };
    }

    /**
     * How far the chunk reader got through a single-column numeric key ({@link SnapshotChunkKeys#percent}); empty for
     * other keys, where a share cannot be told from the key.
     */
    public Optional<Integer> percent() {
        return SnapshotChunkKeys.percent(data.get("last_processed_key"), data.get("maximum_key"));
    }
}
