package dev.strangler.demo;

/**
 * Events of one table topic by Debezium operation, plus tombstones (null values after a delete) and values whose op
 * was missing or unknown (which the pipeline should never produce, so they are counted rather than ignored).
 */
public record OpCounts(long c, long u, long d, long r, long tombstones, long other) {

    public static final OpCounts NONE = new OpCounts(0, 0, 0, 0, 0, 0);

    /** Every record on the topic. */
    public long events() {
        return c + u + d + r + tombstones + other;
    }

    /**
     * The rows the stream says exist: each snapshot read and each insert adds a row, each delete removes one. Equal
     * to the table's row count exactly when nothing was lost or duplicated (updates do not change the count).
     */
    public long rowsFromStream() {
        return c + r - d;
    }

    /** The counts with one more record of the given kind: an op letter, or null for a tombstone. */
    public OpCounts plus(String op) {
        if (op == null) {
            return new OpCounts(c, u, d, r, tombstones + 1, other);
        }
        return switch (op) {
            case "c" -> new OpCounts(c + 1, u, d, r, tombstones, other);
            case "u" -> new OpCounts(c, u + 1, d, r, tombstones, other);
            case "d" -> new OpCounts(c, u, d + 1, r, tombstones, other);
            case "r" -> new OpCounts(c, u, d, r + 1, tombstones, other);
            default -> new OpCounts(c, u, d, r, tombstones, other + 1);
        };
    }
}
