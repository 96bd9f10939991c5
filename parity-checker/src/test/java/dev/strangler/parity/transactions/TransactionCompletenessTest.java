package dev.strangler.parity.transactions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.contract.TableId;
import dev.strangler.parity.model.IncompleteTransaction;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.model.TransactionCheck;
import dev.strangler.parity.model.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/** The completeness logic on hand-written END records and counted events. */
class TransactionCompletenessTest {

    private static final TableId ORDERS = TableId.parse("shop.orders");
    private static final TableId CUSTOMERS = TableId.parse("shop.customers");
    /** The cut: xmax 1000, nothing in progress; these 32-bit xids are their own widening. */
    private static final long XMAX = 1000;

    private final List<byte[]> topic = new ArrayList<>();

    private static TransactionCompleteness check(long maxPairs) {
        return new TransactionCompleteness("p.transaction", List.of(ORDERS, CUSTOMERS), x -> x, x -> x < XMAX,
                maxPairs);
    }

    private void end(TransactionCompleteness check, long xid, long lsn, String collections) {
        byte[] value = ("{\"status\":\"END\",\"id\":\"" + xid + ":" + lsn + "\",\"event_count\":0,"
                + "\"data_collections\":[" + collections + "],\"ts_ms\":1748941502123}")
                .getBytes(StandardCharsets.UTF_8);
        topic.add(value);
        check.acceptRecord(value);
    }

    private static String counts(String table, long n) {
        return "{\"data_collection\":\"" + table + "\",\"event_count\":" + n + "}";
    }

    private static void events(LongConsumer counter, long xid, int n) {
        for (int i = 0; i < n; i++) {
            counter.accept(xid);
        }
    }

    private static TableResult matching(TableId table) {
        return new TableResult(table, "p." + table, Verdict.GO, null, 0, false, 10, 10, Map.of(), Map.of(), Map.of(),
                Map.of(), 0, List.of(), List.of(), List.of(), null);
    }

    private List<TableResult> judge(TransactionCompleteness check) {
        Consumer<Consumer<byte[]>> reread = sink -> topic.forEach(sink);
        return check.judge(List.of(matching(ORDERS), matching(CUSTOMERS)), 10, reread);
    }

    @Test
    void aTransactionMissingOneEventOfATableIsNamedWithItsCommitAndCounts() {
        TransactionCompleteness check = check(1_000);
        check.acceptRecord("{\"status\":\"BEGIN\",\"id\":\"700:50\",\"ts_ms\":1}".getBytes(StandardCharsets.UTF_8));
        end(check, 700, 0x2_0000_0010L, counts("shop.orders", 3) + "," + counts("shop.customers", 2));
        end(check, 701, 120, counts("shop.orders", 1));
        events(check.counter(ORDERS), 700, 3);
        events(check.counter(CUSTOMERS), 700, 1);
        events(check.counter(ORDERS), 701, 1);

        List<TableResult> judged = judge(check);

        assertThat(judged.get(0).verdict()).isEqualTo(Verdict.GO);
        TableResult customers = judged.get(1);
        assertThat(customers.verdict()).isEqualTo(Verdict.NO_GO);
        assertThat(customers.incompleteTransactionCount()).isEqualTo(1);
        assertThat(customers.incompleteTransactions()).containsExactly(new IncompleteTransaction(
                "700:8589934608", 700, 0x2_0000_0010L, Instant.ofEpochMilli(1748941502123L), 2, 1));
        assertThat(check.summary()).isEqualTo(new TransactionCheck("p.transaction", true, 2, 1, null));
    }

    @Test
    void moreEventsThanTheEndCountsIsIncompleteToo() {
        TransactionCompleteness check = check(1_000);
        end(check, 700, 100, counts("shop.orders", 2));
        events(check.counter(ORDERS), 700, 3);

        TableResult orders = judge(check).get(0);
        assertThat(orders.verdict()).isEqualTo(Verdict.NO_GO);
        assertThat(orders.incompleteTransactions().get(0).found()).isEqualTo(3);
    }

    @Test
    void aTransactionAfterTheCutOrOfAnotherTableOrWithoutAnEndIsNotChecked() {
        TransactionCompleteness check = check(1_000);
        end(check, 1500, 100, counts("shop.orders", 5)); // committed after the cut
        end(check, 702, 110, counts("strangler.heartbeat", 1) + "," + counts("shop.other", 4));
        events(check.counter(ORDERS), 703, 2); // no END (published before transaction metadata was on)
        events(check.counter(TableId.parse("shop.other")), 702, 1); // a table this run does not check

        assertThat(judge(check)).extracting(TableResult::verdict).containsExactly(Verdict.GO, Verdict.GO);
        assertThat(check.summary().transactions()).isZero();
        assertThat(check.summary().checked()).isTrue();
    }

    @Test
    void anEndReadTwiceExpectsItsCountsOnce() {
        TransactionCompleteness check = check(1_000);
        end(check, 700, 100, counts("shop.orders", 2));
        end(check, 700, 100, counts("shop.orders", 2)); // re-sent with at-least-once delivery
        events(check.counter(ORDERS), 700, 2);

        assertThat(judge(check).get(0).verdict()).isEqualTo(Verdict.GO);
    }

    @Test
    void aTableWhoseTopicCannotHoldEveryEventIsNotJudgedAndTheReportSaysSo() {
        TransactionCompleteness check = check(1_000);
        end(check, 700, 100, counts("shop.orders", 2) + "," + counts("shop.customers", 2));
        check.skipTable(CUSTOMERS, "its topic is compacted (cleanup.policy=compact)");
        TableResult rebuilt = matching(ORDERS).withStreamHistory("folded from the snapshot at offset 9");

        List<TableResult> judged = check.judge(List.of(rebuilt, matching(CUSTOMERS)), 10, sink -> { });

        assertThat(judged).extracting(TableResult::verdict).containsExactly(Verdict.GO, Verdict.GO);
        assertThat(check.summary().note()).contains("shop.customers not checked: its topic is compacted")
                .contains("shop.orders not checked: its topic was folded from a later snapshot");
    }

    @Test
    void anUnverifiableTableStaysUnverifiable() {
        TransactionCompleteness check = check(1_000);
        end(check, 700, 100, counts("shop.orders", 2));

        List<TableResult> judged = check.judge(List.of(TableResult.unverifiable(ORDERS, "p.shop.orders", 0,
                "topic missing")), 10, sink -> { });
        assertThat(judged.get(0).verdict()).isEqualTo(Verdict.UNVERIFIABLE);
    }

    @Test
    void moreTransactionsThanTheMemoryBudgetHoldsAreNotCheckedRatherThanRunOutOfMemory() {
        TransactionCompleteness check = check(2);
        end(check, 700, 100, counts("shop.orders", 1));
        end(check, 701, 110, counts("shop.orders", 1));
        end(check, 702, 120, counts("shop.orders", 1));

        assertThat(judge(check)).extracting(TableResult::verdict).containsExactly(Verdict.GO, Verdict.GO);
        assertThat(check.summary().checked()).isFalse();
        assertThat(check.summary().note()).contains("more than 2 (transaction, table) pairs").contains("-Xmx");
    }

    @Test
    void anIdThatIsNotPostgresXidAndLsnIsCountedAsUnreadable() {
        TransactionCompleteness check = check(1_000);
        check.acceptRecord("{\"status\":\"END\",\"id\":\"0a1b-2c\",\"data_collections\":[]}"
                .getBytes(StandardCharsets.UTF_8));

        assertThat(check.summary().note()).contains("1 END record(s) without a PostgreSQL transaction id")
                .contains("0a1b-2c");
    }

    @Test
    void anEndWrittenWithSchemasIsReadToo() {
        TransactionCompleteness check = check(1_000);
        check.acceptRecord(("{\"schema\":{\"type\":\"struct\"},\"payload\":{\"status\":\"END\",\"id\":\"700:100\","
                + "\"data_collections\":[" + counts("shop.orders", 1) + "]}}").getBytes(StandardCharsets.UTF_8));

        assertThat(judge(check).get(0).verdict()).as("its event is missing").isEqualTo(Verdict.NO_GO);
    }

    @Test
    void xidsAreMatchedAfterWideningAgainstTheCut() {
        // the cut's xmax is 2^32 + 10: xid 4294967290 (32-bit) is 16 transactions before it, in the previous epoch
        long xmax = (1L << 32) + 10;
        LongUnaryOperator widen = xid -> xmax + (int) (xid - (xmax & 0xffffffffL));
        TransactionCompleteness check = new TransactionCompleteness("p.transaction", List.of(ORDERS), widen,
                xid -> widen.applyAsLong(xid) < xmax, 1_000);
        byte[] value = ("{\"status\":\"END\",\"id\":\"4294967290:100\",\"data_collections\":["
                + counts("shop.orders", 2) + "]}").getBytes(StandardCharsets.UTF_8);
        check.acceptRecord(value);
        events(check.counter(ORDERS), 4294967290L, 1);

        TableResult orders = check.judge(List.of(matching(ORDERS)), 10, sink -> sink.accept(value)).get(0);
        assertThat(orders.verdict()).isEqualTo(Verdict.NO_GO);
        assertThat(orders.incompleteTransactions().get(0).xid()).isEqualTo((1L << 32) - 6);
    }

    @Test
    void whenTheTopicIsAbsentTheReportSaysCompletenessWasNotChecked() {
        TransactionCompleteness check = TransactionCompleteness.notChecked("p.transaction", "topic p.transaction "
                + "does not exist");
        check.counter(ORDERS).accept(700);

        assertThat(check.judge(List.of(matching(ORDERS)), 10, sink -> { }).get(0).verdict()).isEqualTo(Verdict.GO);
        assertThat(check.summary().checked()).isFalse();
        assertThat(check.summary().describe()).isEqualTo("not checked: topic p.transaction does not exist");
    }
}
