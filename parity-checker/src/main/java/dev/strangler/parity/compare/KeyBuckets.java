package dev.strangler.parity.compare;

/**
 * Key ranges of an integer primary key for the in-database comparison: bucket {@code b} holds the keys
 * {@code b * width <= key < (b + 1) * width}, i.e. {@code bucket(key) = floorDiv(key, width)}.
 *
 * <p>Buckets are aligned at multiples of the width rather than at the table's smallest key, so a key's bucket never
 * depends on an origin and no subtraction can overflow: every {@code long} key, also one the stream holds far outside
 * the table's keys, has a bucket that PostgreSQL computes exactly as Java does ({@link #bucketSql}). The width is
 * chosen so that the table's key span holds about one bucket per {@code rowsPerBucket} rows, and at most
 * {@link #MAX_BUCKETS}; gaps in the keys only make some buckets smaller.
 */
public record KeyBuckets(long width) {

    /**
     * The most buckets a table's key span is cut into, whatever the rows per bucket: the checker holds about 100
     * bytes per bucket and side ({@link BucketDigests}' map; measured 97-108 B), so 100,000 buckets cost about 11 MB
     * a side, 22 MB for table and stream, plus about 40 bytes per differing bucket, well within a 512 MB heap. Past
     * {@code MAX_BUCKETS * rowsPerBucket} rows the buckets grow instead (1 billion rows: 10,000 rows a bucket).
     * PostgreSQL's GROUP BY then holds 100,000 groups (about 190 bytes each): past work_mem it spills a bigint and
     * the bucket per row, not the row (RowDigests#digestsSql).
     */
    public static final long MAX_BUCKETS = 100_000;

    public KeyBuckets {
        if (width <= 0) {
            throw new IllegalArgumentException("a bucket width must be positive, not " + width);
        }
    }

    /**
     * Buckets for keys between {@code min} and {@code max} (inclusive) holding about {@code rows} rows, about
     * {@code rowsPerBucket} rows each but no more than {@link #MAX_BUCKETS} buckets. An empty table ({@code rows <= 0} or no keys) gets one wide bucket: every
     * key the stream holds then lands in at most three buckets, each compared row by row.
     */
    public static KeyBuckets forSpan(long min, long max, long rows, long rowsPerBucket) {
        if (rowsPerBucket <= 0) {
            throw new IllegalArgumentException("rows per bucket must be positive, not " + rowsPerBucket);
        }
        if (rows <= 0 || max < min) {
            return new KeyBuckets(Long.MAX_VALUE);
        }
        long buckets = Math.min(MAX_BUCKETS, Math.max(1, (rows + rowsPerBucket - 1) / rowsPerBucket));
        long span = max - min; // unsigned: up to 2^64 - 1 for keys from Long.MIN_VALUE to Long.MAX_VALUE
        long perBucket = Long.divideUnsigned(span, buckets);
        // + 1: the span's last key is in the last bucket; a width past Long.MAX_VALUE is capped (two or three buckets)
        if (perBucket < 0 || perBucket == Long.MAX_VALUE) {
            return new KeyBuckets(Long.MAX_VALUE);
        }
        return new KeyBuckets(perBucket + 1);
    }

    public long bucketOf(long key) {
        return Math.floorDiv(key, width);
    }

    /** The bucket's smallest key, or null when it would lie below Long.MIN_VALUE (the range is open below). */
    public Long lowerBound(long bucket) {
        try {
            return Math.multiplyExact(bucket, width);
        } catch (ArithmeticException e) {
            return null;
        }
    }

    /** The first key past the bucket, or null when it would lie past Long.MAX_VALUE (the range is open above). */
    public Long upperBound(long bucket) {
        try {
            return Math.multiplyExact(Math.addExact(bucket, 1), width);
        } catch (ArithmeticException e) {
            return null;
        }
    }

    /**
     * The bucket of {@code column} (a quoted int2/int4/int8 column) in SQL: PostgreSQL's integer division truncates
     * toward zero, so a negative key with a remainder is one bucket lower, as {@link Math#floorDiv} has it.
     */
    public String bucketSql(String column) {
        String key = column + "::int8";
        return "(" + key + " / " + width + " - CASE WHEN " + key + " % " + width + " < 0 THEN 1 ELSE 0 END)";
    }
}
