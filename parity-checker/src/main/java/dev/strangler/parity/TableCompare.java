package dev.strangler.parity;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the rows of each table are compared with its topic (README, "Parity", in-database mode).
 *
 * @param mode    {@link Mode#SCAN}: every row is read and compared; {@link Mode#IN_DATABASE}: PostgreSQL sums row
 *                digests per key bucket in the cut's snapshot and only buckets whose sums differ from the stream's
 *                are read and compared (tables that cannot be digested are scanned, and the report says why);
 *                {@link Mode#AUTO}: in the database for tables that can be digested and hold at least
 *                {@code minRows} rows by PostgreSQL's estimate, a scan otherwise
 * @param minRows the estimated rows from which {@link Mode#AUTO} compares in the database
 * @param rowsPerBucket about how many rows a key bucket holds: one differing row costs fetching its bucket; capped
 *                      at {@link dev.strangler.parity.compare.KeyBuckets#MAX_BUCKETS} buckets a table (about 22 MB
 *                      of sums), so from 10 million rows on the default's buckets grow (1 billion rows: 10,000 each)
 */
public record TableCompare(Mode mode, long minRows, long rowsPerBucket) {

    /** From this estimated size AUTO compares in the database. */
    public static final long DEFAULT_MIN_ROWS = 1_000_000;

    /**
     * Small enough that thousands of scattered differences fetch a small part of the table (10,000 at 10M rows: at
     * most 10%; with 10,000 rows a bucket they hit every bucket), large enough that PostgreSQL's GROUP BY stays cheap
     * (measured at 1M rows: 100 to 10,000 groups cost alike; bench/README.md, "In-database mode").
     */
    public static final long DEFAULT_ROWS_PER_BUCKET = 100;

    /**
     * A full scan: measured on the parity benchmark (bench/README.md, "In-database mode"; PostgreSQL, Kafka and the
     * check on the same 2 cores), the in-database comparison was no cheaper with no difference (0.93 x the scan's
     * time, 1.06 x its CPU) and dearer with any (each differing range is fetched and its partition folded again).
     * It pays where shipping rows or spilling them costs more than folding the stream twice: a database far from
     * the checker, a spill directory short of room, a database server with cores to spare.
     */
    public static final TableCompare DEFAULT = new TableCompare(Mode.SCAN, DEFAULT_MIN_ROWS);

    /** With the default bucket size. */
    public TableCompare(Mode mode, long minRows) {
        this(mode, minRows, DEFAULT_ROWS_PER_BUCKET);
    }

    /** The modes, with the codes the command line and report.json use. */
    public enum Mode {
        AUTO("auto"),
        SCAN("scan"),
        IN_DATABASE("in-database");

        private final String code;

        Mode(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        /** @throws IllegalArgumentException naming the value and the modes there are */
        public static Mode parse(String text) {
            for (Mode m : values()) {
                if (m.code.equals(text.trim().toLowerCase(Locale.ROOT))) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown table compare mode '" + text + "': use one of "
                    + Arrays.stream(values()).map(Mode::code).collect(Collectors.joining(", ")));
        }
    }

    public TableCompare {
        java.util.Objects.requireNonNull(mode, "mode");
        if (minRows < 0) {
            throw new IllegalArgumentException("the in-database mode's minimum rows must be 0 or more, not "
                    + minRows);
        }
        if (rowsPerBucket < 1) {
            throw new IllegalArgumentException("rows per key bucket must be 1 or more, not " + rowsPerBucket);
        }
    }

    @Override
    public String toString() {
        return mode == Mode.AUTO ? "auto (in the database from " + minRows + " rows)" : mode.code();
    }
}
