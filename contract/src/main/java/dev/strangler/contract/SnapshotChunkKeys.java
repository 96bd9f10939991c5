package dev.strangler.contract;

import java.util.Optional;

/**
 * How far an incremental snapshot got through a table, from the keys of Debezium's IN_PROGRESS notification on the
 * pipeline's notification topic ({@link TopicNames#notifications}): {@code last_processed_key} of {@code maximum_key},
 * each the key's columns in brackets ({@code [1024]} of {@code [20000]}). The engine shows it while it follows a
 * snapshot and the parity checker when a table cannot be checked yet; both read Debezium's keys here, so they cannot
 * tell the same snapshot's progress two ways.
 */
public final class SnapshotChunkKeys {

    private SnapshotChunkKeys() {
    }

    /**
     * The share of a single-column numeric key read so far, in whole percent (0 to 100, rounded down); empty for a
     * key of another kind, where a share cannot be told from the key, for a missing key and for a highest key of 0 or
     * less.
     */
    public static Optional<Integer> percent(String lastProcessedKey, String maximumKey) {
        Optional<Double> last = singleNumber(lastProcessedKey);
        Optional<Double> max = singleNumber(maximumKey);
        if (last.isEmpty() || max.isEmpty() || max.get() <= 0) {
            return Optional.empty();
        }
        return Optional.of((int) Math.max(0, Math.min(100, Math.floor(100 * last.get() / max.get()))));
    }

    private static Optional<Double> singleNumber(String key) {
        if (key == null) {
            return Optional.empty();
        }
        String inner = key.strip();
        if (inner.startsWith("[") && inner.endsWith("]")) {
            inner = inner.substring(1, inner.length() - 1).strip();
        }
        try {
            return Optional.of(Double.parseDouble(inner));
        } catch (NumberFormatException e) {
            return Optional.empty(); // several columns ("[abc, 7]") or not a number
        }
    }
}
