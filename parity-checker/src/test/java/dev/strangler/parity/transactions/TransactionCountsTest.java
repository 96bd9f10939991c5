package dev.strangler.parity.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TransactionCountsTest {

    @Test
    void shouldKeepEveryPairThroughGrowthAndReportOnlyMismatches() {
        TransactionCounts counts = new TransactionCounts(1_000_000);
        for (long xid = 1; xid <= 100_000; xid++) {
            counts.expect((int) (xid % 3), xid, 2);
        }
        for (long xid = 1; xid <= 100_000; xid++) {
            counts.found((int) (xid % 3), xid);
            if (xid % 10_000 != 0) {
                counts.found((int) (xid % 3), xid);
            }
            counts.found((int) ((xid + 1) % 3), xid); // another table of the same transaction: never announced
        }
        List<long[]> mismatches = new ArrayList<>();
        counts.forEachMismatch((table, xid, expected, found) -> mismatches.add(new long[] {table, xid, expected,
                found}));

        assertThat(counts.size()).isEqualTo(100_000);
        assertThat(mismatches).hasSize(10).allSatisfy(m -> {
            assertThat(m[1] % 10_000).isZero();
            assertThat(m[0]).isEqualTo(m[1] % 3);
            assertThat(m[2]).isEqualTo(2);
            assertThat(m[3]).isEqualTo(1);
        });
    }

    @Test
    void shouldRefuseAPairBeyondItsLimit() {
        TransactionCounts counts = new TransactionCounts(1);
        assertThat(counts.expect(0, 5, 1)).isTrue();
        assertThat(counts.expect(0, 5, 1)).as("the same pair again").isTrue();
        assertThat(counts.expect(1, 5, 1)).isFalse();
        assertThat(counts.full()).isTrue();
    }
}
