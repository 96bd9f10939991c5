package dev.strangler.parity.model;

/**
 * How a table's rows were compared with its topic (README, "Parity", in-database mode).
 *
 * @param kind             a full scan (every row shipped and compared) or in the database (digests per key bucket,
 *                         rows fetched only for buckets whose digests differ)
 * @param reason           why this method ran: the selection's rule, or why the table could not be compared in the
 *                         database
 * @param buckets          key buckets compared by digest (both sides' buckets together); 0 for a scan
 * @param differingBuckets buckets whose digests differed, compared row by row; 0 for a scan
 * @param rowsFetched      rows read from the table and compared row by row: every row for a scan, those of the
 *                         differing buckets in the database
 */
public record CompareMethod(Kind kind, String reason, long buckets, long differingBuckets, long rowsFetched) {

    /** The method, with a stable code for report.json. */
    public enum Kind {
        SCAN("scan"),
        IN_DATABASE("in-database");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    public CompareMethod {
        java.util.Objects.requireNonNull(kind, "kind");
        java.util.Objects.requireNonNull(reason, "reason");
    }

    /** A full scan of {@code rows} rows, for this reason. */
    public static CompareMethod scan(String reason, long rows) {
        return new CompareMethod(Kind.SCAN, reason, 0, 0, rows);
    }

    /** One line for logs and the text summary. */
    public String describe() {
        return kind == Kind.SCAN ? "full scan (" + reason + ")"
                : String.format(java.util.Locale.US, "in the database: %,d of %,d key buckets differed, %,d rows "
                + "fetched (%s)", differingBuckets, buckets, rowsFetched, reason);
    }
}
