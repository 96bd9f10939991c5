package dev.strangler.parity.compare;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BucketDigestsTest {

    @Test
    void shouldFindNoDifferenceWhenCountsAndSumsAgreeHoweverTheRowsWereAdded() {
        BucketDigests stream = new BucketDigests();
        stream.add(1, 10);
        stream.add(1, Long.MAX_VALUE); // wraps, as the table side's sum reduced modulo 2^64 does
        stream.add(-3, 7);
        BucketDigests table = new BucketDigests();
        table.add(1, 2, 10 + Long.MAX_VALUE);
        table.add(-3, 1, 7);
        assertThat(stream.differingFrom(table)).isEmpty();
        assertThat(stream.rows()).isEqualTo(3);
        assertThat(stream.unionSize(table)).isEqualTo(2);
    }

    @Test
    void shouldFlagBucketsOnOneSideOnlyWithOtherCountsOrSumsOrUnsureRows() {
        BucketDigests stream = new BucketDigests();
        BucketDigests table = new BucketDigests();
        stream.add(1, 5);            // same
        table.add(1, 1, 5);
        stream.add(2, 5);            // other sum
        table.add(2, 1, 6);
        stream.add(3, 5);            // other count, same sum
        table.add(3, 2, 5);
        stream.add(4, 5);            // stream only
        table.add(5, 1, 5);          // table only
        stream.addUnsure(6);         // an event without every column
        table.add(6, 1, 0);
        assertThat(stream.differingFrom(table)).containsExactly(2L, 3L, 4L, 5L, 6L);
        assertThat(stream.unionSize(table)).isEqualTo(6);
    }

    @Test
    void shouldAddPartitionsBucketByBucket() {
        BucketDigests a = new BucketDigests();
        a.add(1, 3);
        BucketDigests b = new BucketDigests();
        b.add(1, 4);
        b.addUnsure(2);
        a.addAll(b);
        BucketDigests table = new BucketDigests();
        table.add(1, 2, 7);
        table.add(2, 1, 0);
        assertThat(a.differingFrom(table)).as("the unsure bucket stays unsure once added").containsExactly(2L);
        assertThat(a.rows(1)).isEqualTo(2);
    }
}
