package dev.strangler.parity.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyBucketsTest {

    /** Every key lies in its bucket's range, whatever the width and sign; ranges are open only past the longs. */
    private static void assertInItsBucket(KeyBuckets buckets, long key) {
        long b = buckets.bucketOf(key);
        Long lo = buckets.lowerBound(b);
        Long hi = buckets.upperBound(b);
        assertThat(lo == null || lo <= key).as("key %s >= lower bound %s (width %s)", key, lo, buckets.width())
                .isTrue();
        assertThat(hi == null || key < hi).as("key %s < upper bound %s (width %s)", key, hi, buckets.width())
                .isTrue();
        if (lo != null) {
            assertThat(buckets.bucketOf(lo)).isEqualTo(b);
        }
        if (hi != null) {
            assertThat(buckets.bucketOf(hi)).isEqualTo(b + 1);
        }
    }

    @Test
    void shouldPutEveryKeyInTheBucketWhoseRangeHoldsItAlsoForNegativeKeys() {
        KeyBuckets buckets = new KeyBuckets(100);
        assertThat(buckets.bucketOf(0)).isZero();
        assertThat(buckets.bucketOf(99)).isZero();
        assertThat(buckets.bucketOf(100)).isEqualTo(1);
        assertThat(buckets.bucketOf(-1)).as("floor, not truncation toward zero").isEqualTo(-1);
        assertThat(buckets.bucketOf(-100)).isEqualTo(-1);
        assertThat(buckets.bucketOf(-101)).isEqualTo(-2);
        Random random = new Random(16);
        for (long width : new long[] {1, 3, 100, 10_007, 1L << 40, Long.MAX_VALUE / 3, Long.MAX_VALUE}) {
            KeyBuckets b = new KeyBuckets(width);
            for (long key : new long[] {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1, 0, 1, Long.MAX_VALUE - 1,
                    Long.MAX_VALUE}) {
                assertInItsBucket(b, key);
            }
            for (int i = 0; i < 1_000; i++) {
                assertInItsBucket(b, random.nextLong());
            }
        }
    }

    @Test
    void shouldSizeBucketsForAboutTheRowsAskedForAcrossTheKeySpan() {
        KeyBuckets dense = KeyBuckets.forSpan(1, 1_000_000, 1_000_000, 10_000);
        long first = dense.bucketOf(1);
        long last = dense.bucketOf(1_000_000);
        assertThat(last - first + 1).as("buckets over the span").isBetween(100L, 101L);
        KeyBuckets gaps = KeyBuckets.forSpan(-5_000_000, 5_000_000, 1_000, 100);
        assertThat(gaps.bucketOf(5_000_000) - gaps.bucketOf(-5_000_000) + 1)
                .as("sparse keys: buckets follow the row count, not the span").isBetween(10L, 11L);
    }

    @Test
    void shouldCapTheBucketsSoTheirSumsStayBoundedForAnyTableSize() {
        KeyBuckets billion = KeyBuckets.forSpan(1, 1_000_000_000, 1_000_000_000, 100);
        assertThat(billion.bucketOf(1_000_000_000) - billion.bucketOf(1) + 1).as("buckets over the span")
                .isBetween(KeyBuckets.MAX_BUCKETS, KeyBuckets.MAX_BUCKETS + 1);
        assertThat(billion.width()).as("rows a bucket once capped").isEqualTo(10_000);
        KeyBuckets tenMillion = KeyBuckets.forSpan(1, 10_000_000, 10_000_000, 100);
        assertThat(tenMillion.width()).as("below the cap: the rows asked for").isEqualTo(100);
    }

    @Test
    void shouldHandleTheWholeLongRangeASingleRowAndAnEmptyTable() {
        KeyBuckets huge = KeyBuckets.forSpan(Long.MIN_VALUE, Long.MAX_VALUE, 1_000_000, 10_000);
        assertThat(huge.width()).isPositive();
        assertThat(huge.bucketOf(Long.MAX_VALUE) - huge.bucketOf(Long.MIN_VALUE) + 1).isBetween(100L, 102L);
        assertInItsBucket(huge, Long.MIN_VALUE);
        assertInItsBucket(huge, Long.MAX_VALUE);
        KeyBuckets oneBucket = KeyBuckets.forSpan(Long.MIN_VALUE, Long.MAX_VALUE, 5, 10_000);
        assertThat(oneBucket.width()).isEqualTo(Long.MAX_VALUE);
        assertInItsBucket(oneBucket, Long.MIN_VALUE);
        KeyBuckets single = KeyBuckets.forSpan(42, 42, 1, 10_000);
        assertThat(single.width()).isEqualTo(1);
        assertThat(single.lowerBound(single.bucketOf(42))).isEqualTo(42);
        assertThat(single.upperBound(single.bucketOf(42))).isEqualTo(43);
        KeyBuckets empty = KeyBuckets.forSpan(0, -1, 0, 10_000);
        assertThat(empty.width()).isEqualTo(Long.MAX_VALUE);
        assertThat(empty.bucketOf(Long.MIN_VALUE)).isEqualTo(-2);
        assertThat(empty.lowerBound(-2)).as("open below").isNull();
        assertThat(empty.upperBound(1)).as("open above").isNull();
    }

    @Test
    void shouldWriteTheBucketInSqlAsFloorDivision() {
        assertThat(new KeyBuckets(10).bucketSql("\"id\""))
                .isEqualTo("(\"id\"::int8 / 10 - CASE WHEN \"id\"::int8 % 10 < 0 THEN 1 ELSE 0 END)");
    }

    @Test
    void shouldRefuseANonPositiveWidthOrBucketSize() {
        assertThatThrownBy(() -> new KeyBuckets(0)).hasMessageContaining("positive");
        assertThatThrownBy(() -> KeyBuckets.forSpan(0, 10, 10, 0)).hasMessageContaining("rows per bucket");
    }

    @Test
    void shouldReadTheValueOfACanonicalIntegerKey() {
        assertThat(TableComparison.integerKey("{\"id\":-42}")).isEqualTo(-42);
        assertThat(TableComparison.integerKey("{\"a:b\":9223372036854775807}")).isEqualTo(Long.MAX_VALUE);
        assertThatThrownBy(() -> TableComparison.integerKey("{\"id\":\"x\"}")).hasMessageContaining("not an integer");
    }
}
