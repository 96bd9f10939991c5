package dev.strangler.parity.compare;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Per key bucket ({@link KeyBuckets}): how many rows it holds and the sum of their 64-bit row digests
 * ({@link dev.strangler.parity.canonical.RowDigests#digest64}), wrapping at 2^64 as PostgreSQL's exact sum does
 * once reduced modulo 2^64. A bucket can also be marked <em>unsure</em>: a row in it whose event does not show every
 * column has no digest, so the bucket must be compared row by row whatever its sums say.
 */
public final class BucketDigests {

    private static final class Sum {
        long rows;
        long digest;
        boolean unsure;
    }

    private final Map<Long, Sum> buckets = new HashMap<>();

    /** Adds one row with this digest. */
    public void add(long bucket, long digest) {
        Sum s = buckets.computeIfAbsent(bucket, b -> new Sum());
        s.rows++;
        s.digest += digest;
    }

    /** Adds a bucket's totals (as PostgreSQL returns them per bucket). */
    public void add(long bucket, long rows, long digestSum) {
        Sum s = buckets.computeIfAbsent(bucket, b -> new Sum());
        s.rows += rows;
        s.digest += digestSum;
    }

    /** Counts one row without a digest: its bucket is compared row by row. */
    public void addUnsure(long bucket) {
        Sum s = buckets.computeIfAbsent(bucket, b -> new Sum());
        s.rows++;
        s.unsure = true;
    }

    /** Adds every bucket of {@code other} (another partition's, whose buckets may overlap none or some of these). */
    public void addAll(BucketDigests other) {
        other.buckets.forEach((bucket, o) -> {
            Sum s = buckets.computeIfAbsent(bucket, b -> new Sum());
            s.rows += o.rows;
            s.digest += o.digest;
            s.unsure |= o.unsure;
        });
    }

    public int size() {
        return buckets.size();
    }

    /** Buckets on either side: these and {@code other}'s together. */
    public long unionSize(BucketDigests other) {
        return buckets.size() + other.buckets.keySet().stream().filter(b -> !buckets.containsKey(b)).count();
    }

    /** Rows counted in {@code bucket} (0 for a bucket without any). */
    public long rows(long bucket) {
        Sum s = buckets.get(bucket);
        return s == null ? 0 : s.rows;
    }

    /** Rows counted over every bucket. */
    public long rows() {
        return buckets.values().stream().mapToLong(s -> s.rows).sum();
    }

    /**
     * The buckets that must be compared row by row, in key order: those on one side only, whose counts or digest
     * sums differ, or that either side marked unsure. Equal counts and sums mean equal rows (up to a 64-bit sum
     * colliding).
     */
    public TreeSet<Long> differingFrom(BucketDigests table) {
        TreeSet<Long> differing = new TreeSet<>();
        buckets.keySet().forEach(bucket -> {
            if (differs(bucket, table)) {
                differing.add(bucket);
            }
        });
        table.buckets.keySet().forEach(bucket -> {
            if (!buckets.containsKey(bucket)) {
                differing.add(bucket);
            }
        });
        return differing;
    }

    /** Whether {@code bucket} is one of {@link #differingFrom}'s: a bucket on neither side has nothing to compare. */
    public boolean differs(long bucket, BucketDigests table) {
        Sum s = buckets.get(bucket);
        Sum t = table.buckets.get(bucket);
        if (s == null || t == null) {
            return s != t;
        }
        return s.unsure || t.unsure || s.rows != t.rows || s.digest != t.digest;
    }

    /** Calls {@code action} with every bucket counted here. */
    public void forEachBucket(java.util.function.LongConsumer action) {
        buckets.keySet().forEach(action::accept);
    }
}
