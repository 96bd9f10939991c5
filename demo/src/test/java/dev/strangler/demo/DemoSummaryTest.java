package dev.strangler.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.demo.LegacyWorkload.Kind;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DemoSummaryTest {

    private static final DemoSummary.TableLine CUSTOMERS = new DemoSummary.TableLine("shop.customers", 1_075,
            new OpCounts(25, 1_043, 0, 1_050, 0, 0), "demo.shop.customers");
    private static final DemoSummary.TableLine ORDERS = new DemoSummary.TableLine("shop.orders", 71,
            new OpCounts(58, 120, 17, 30, 17, 0), "demo.shop.orders");
    /** 1,202 committed order events in Kafka, 3 of them twice (a re-send); 9 rolled back, none in Kafka. */
    private static final OutboxSection.TopicLine ORDER_EVENTS = new OutboxSection.TopicLine("order",
            "demo.outbox.order", 1, 1_202, 1_205, 1_202, 3, 0, 0, 0, 9, 0);
    private static final OutboxSection.TopicLine PAYMENT_EVENTS = new OutboxSection.TopicLine("payment",
            "demo.outbox.payment", 1, 40, 40, 40, 0, 0, 0, 0, 9, 0);

    @Test
    void textIsAnAlignedTableWithTheCheckBelow() {
        String text = summary(true, true, List.of(CUSTOMERS, ORDERS)).toText();
        List<String> lines = text.lines().toList();
        assertThat(lines.get(0)).isEqualTo(
                "table           rows in table   c      u   d      r  tombstones  topic");
        assertThat(lines.get(1)).isEqualTo(
                "shop.customers          1,075  25  1,043   0  1,050           0  demo.shop.customers");
        assertThat(lines.get(2)).isEqualTo(
                "shop.orders                71  58    120  17     30          17  demo.shop.orders");
        assertThat(lines.get(3)).startsWith("shop.audit_log: 12 rows, not captured");
        assertThat(text).contains("legacy workload: 320 operations in 8.0s (40.0/s, asked for 40/s for 8s), seed 42;")
                .contains("  order_place            58  order placed")
                .contains("  audit_update           31 (2 failed)  audit_log rows updated")
                .contains("check: PASS");
        assertThat(text.lines()).noneMatch(line -> line.endsWith(" "));
    }

    @Test
    void markdownHasTheSameTable() {
        String md = summary(true, true, List.of(CUSTOMERS, ORDERS)).toMarkdown();
        assertThat(md).contains("| table | rows in table | c | u | d | r | tombstones | topic |")
                .contains("| `shop.customers` | 1,075 | 25 | 1,043 | 0 | 1,050 | 0 | `demo.shop.customers` |")
                .contains("| `audit_update` | 31 | 2 |")
                .contains("- `shop.audit_log`: 12 rows")
                .contains("check: PASS");
    }

    @Test
    void jsonCarriesRawNumbersAndTheVerdict() throws Exception {
        JsonNode json = new ObjectMapper().readTree(summary(true, true, List.of(CUSTOMERS, ORDERS)).toJson());
        assertThat(json.get("check").asText()).isEqualTo("PASS");
        assertThat(json.get("seed").asLong()).isEqualTo(42);
        assertThat(json.get("durationSeconds").asDouble()).isEqualTo(8.0);
        JsonNode orders = json.get("tables").get(1);
        assertThat(orders.get("table").asText()).isEqualTo("shop.orders");
        assertThat(orders.get("rowsInTable").asLong()).isEqualTo(71);
        assertThat(orders.get("c").asLong()).isEqualTo(58);
        assertThat(orders.get("u").asLong()).isEqualTo(120);
        assertThat(orders.get("d").asLong()).isEqualTo(17);
        assertThat(orders.get("r").asLong()).isEqualTo(30);
        assertThat(orders.get("tombstones").asLong()).isEqualTo(17);
        assertThat(orders.get("events").asLong()).isEqualTo(242);
        assertThat(orders.get("rowsFromStream").asLong()).isEqualTo(71);
        assertThat(orders.get("matches").asBoolean()).isTrue();
        assertThat(json.get("notCaptured").get("shop.audit_log").asLong()).isEqualTo(12);
        assertThat(json.get("workload").get("operations").asLong()).isEqualTo(320);
        assertThat(json.get("workload").get("failed").asLong()).isEqualTo(2);
        assertThat(json.get("workload").get("byKind").get("order_place").get("completed").asLong()).isEqualTo(58);
    }

    @Test
    void aTableWhoseRowsDisagreeWithTheStreamIsAMismatch() {
        DemoSummary.TableLine lost = new DemoSummary.TableLine("shop.orders", 72,
                new OpCounts(58, 120, 17, 30, 17, 0), "demo.shop.orders");
        DemoSummary summary = summary(true, true, List.of(CUSTOMERS, lost));
        assertThat(summary.check()).isEqualTo(DemoSummary.Check.MISMATCH);
        assertThat(summary.toText()).contains("check: MISMATCH - shop.orders has 72 rows but c + r - d = 71");
    }

    @Test
    void countsProveNothingBeforeThePipelineCaughtUp() {
        DemoSummary.TableLine behind = new DemoSummary.TableLine("shop.orders", 72,
                new OpCounts(58, 120, 17, 30, 17, 0), "demo.shop.orders");
        assertThat(summary(false, true, List.of(behind)).check()).isEqualTo(DemoSummary.Check.NOT_CHECKED);
        assertThat(summary(true, false, List.of(behind)).check()).isEqualTo(DemoSummary.Check.NOT_CHECKED);
        assertThat(summary(false, true, List.of(behind)).toText()).contains("check: NOT CHECKED");
    }

    @Test
    void textShowsTheOutboxTopicsAndTheNewServicesTransactions() {
        String text = summary(true, true, List.of(CUSTOMERS, ORDERS)).toText();
        List<String> lines = text.lines().toList();
        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("outbox topic")).findFirst().orElseThrow());
        assertThat(lines.get(header)).isEqualTo(
                "outbox topic         committed  records  distinct ids  duplicates  rolled back  rolled back in Kafka");
        assertThat(lines.get(header + 1)).isEqualTo(
                "demo.outbox.order        1,202    1,205         1,202           3            9                     0");
        assertThat(lines.get(header + 2)).isEqualTo(
                "demo.outbox.payment         40       40            40           0            9                     0");
        assertThat(text).contains("new service: 1,001 transactions in 8.0s (125.1/s, asked for 10/s), 9 of them "
                        + "rolled back on purpose; 1,242 events committed through orders_svc.outbox, 1,242 distinct "
                        + "events in Kafka (3 duplicate records); orders_svc.orders has 700 rows")
                .contains("  abandon_checkout        9  order + OrderPlaced + PaymentCaptured written, then rolled")
                .contains("  capture_payment        40 (1 failed)  payment captured");
        assertThat(text.lines()).noneMatch(line -> line.endsWith(" "));
    }

    @Test
    void markdownAndJsonCarryTheOutboxSection() throws Exception {
        DemoSummary summary = summary(true, true, List.of(CUSTOMERS, ORDERS));
        assertThat(summary.toMarkdown()).contains("## New service (transactional outbox)")
                .contains("| outbox topic | committed | records | distinct ids | duplicates | rolled back "
                        + "| rolled back in Kafka |")
                .contains("| `demo.outbox.order` | 1,202 | 1,205 | 1,202 | 3 | 9 | 0 |")
                .contains("| `abandon_checkout` | 9 | 0 |");
        JsonNode outbox = new ObjectMapper().readTree(summary.toJson()).get("outbox");
        assertThat(outbox.get("table").asText()).isEqualTo("orders_svc.outbox");
        assertThat(outbox.get("matches").asBoolean()).isTrue();
        assertThat(outbox.get("ordersInTable").asLong()).isEqualTo(700);
        assertThat(outbox.get("transactions").get("committed").asLong()).isEqualTo(992);
        assertThat(outbox.get("transactions").get("rolledBack").asLong()).isEqualTo(9);
        assertThat(outbox.get("transactions").get("failed").asLong()).isEqualTo(1);
        assertThat(outbox.get("events").get("committed").asLong()).isEqualTo(1_242);
        assertThat(outbox.get("events").get("duplicates").asLong()).isEqualTo(3);
        assertThat(outbox.get("events").get("rolledBack").asLong()).isEqualTo(18);
        assertThat(outbox.get("events").get("rolledBackInKafka").asLong()).isZero();
        JsonNode order = outbox.get("topics").get(0);
        assertThat(order.get("topic").asText()).isEqualTo("demo.outbox.order");
        assertThat(order.get("aggregateType").asText()).isEqualTo("order");
        assertThat(order.get("partitions").asInt()).isEqualTo(1);
        assertThat(order.get("records").asLong()).isEqualTo(1_205);
        assertThat(order.get("distinctEventIds").asLong()).isEqualTo(1_202);
        assertThat(order.get("matches").asBoolean()).isTrue();
        assertThat(outbox.get("byKind").get("capture_payment").get("failed").asLong()).isEqualTo(1);
    }

    @Test
    void duplicatesAloneAreNoMismatch() {
        assertThat(summary(true, true, List.of(CUSTOMERS)).check()).isEqualTo(DemoSummary.Check.PASS);
    }

    @Test
    void aLostOrPhantomOutboxEventIsAMismatch() {
        UUID kept = UUID.randomUUID();
        UUID lost = UUID.randomUUID();
        UUID phantom = UUID.randomUUID();
        OutboxSection.TopicLine line = OutboxSection.TopicLine.of("order", "demo.outbox.order", Set.of(kept, lost),
                Set.of(phantom), new TopicCensus.OutboxCount(1, 3, 0, Set.of(kept, phantom)));
        DemoSummary summary = summary(true, true, List.of(CUSTOMERS), List.of(line, PAYMENT_EVENTS));
        assertThat(summary.check()).isEqualTo(DemoSummary.Check.MISMATCH);
        assertThat(summary.toText()).contains("check: MISMATCH - demo.outbox.order: missing 1 of 2 committed events; "
                + "demo.outbox.order: 1 event never committed (1 from rolled-back transactions)");
    }

    private static DemoSummary summary(boolean caughtUp, boolean complete, List<DemoSummary.TableLine> tables) {
        return summary(caughtUp, complete, tables, List.of(ORDER_EVENTS, PAYMENT_EVENTS));
    }

    private static DemoSummary summary(boolean caughtUp, boolean complete, List<DemoSummary.TableLine> tables,
                                       List<OutboxSection.TopicLine> outboxTopics) {
        Map<Kind, Long> ops = new EnumMap<>(Kind.class);
        long[] counts = {25, 43, 58, 62, 33, 17, 51, 31, 0};
        for (Kind kind : Kind.values()) {
            ops.put(kind, counts[kind.ordinal()]);
        }
        Map<NewServiceWorkload.Kind, Long> serviceOps = Map.of(NewServiceWorkload.Kind.PLACE_ORDER, 700L,
                NewServiceWorkload.Kind.CONFIRM_ORDER, 252L, NewServiceWorkload.Kind.CAPTURE_PAYMENT, 40L,
                NewServiceWorkload.Kind.ABANDON_CHECKOUT, 9L);
        OutboxSection outbox = new OutboxSection("orders_svc.outbox", 10, Duration.ofMillis(8_000), outboxTopics,
                serviceOps, Map.of(NewServiceWorkload.Kind.CAPTURE_PAYMENT, 1L), 700);
        return new DemoSummary("demo", 42, 40, Duration.ofSeconds(8), Duration.ofMillis(8_000), false, caughtUp,
                complete, 655, tables, Map.of("shop.audit_log", 12L), ops, Map.of(Kind.AUDIT_UPDATE, 2L), outbox,
                SINK);
    }

    /** 700 orders placed and 252 confirmed by the new service, all in the legacy table, each write marked. */
    private static final SinkSection SINK = sink(952, 0);

    private static SinkSection sink(long marked, long differing) {
        return new SinkSection("demo-sink", "demo.outbox.order", "shop.web_orders",
                Map.of("placed", new dev.strangler.sink.SinkMetrics.Counts(700, 0, 0, 0, 0),
                        "confirmed", new dev.strangler.sink.SinkMetrics.Counts(252, 0, 0, 0, 0)),
                true, 700, 700, differing, 10, marked, 10);
    }

    @Test
    void showsTheSinksWritesAndWhatThePipelineMadeOfThem() throws Exception {
        DemoSummary summary = summary(true, true, List.of(CUSTOMERS));
        assertThat(summary.check()).isEqualTo(DemoSummary.Check.PASS);
        assertThat(summary.toText()).contains("sink 'demo-sink': 952 events of demo.outbox.order applied to "
                        + "shop.web_orders (952 written, 0 conflicts, 0 passed over, 0 dead-lettered)")
                .contains("shop.web_orders: 700 web orders for 700 orders of the new service (0 missing or "
                        + "different), 10 phone orders of the back office")
                .contains("952 events marked strangler.origin=sink:demo-sink");
        assertThat(summary.toMarkdown()).contains("## Sink (keep the lights on)", "| `placed` | 700 | 0 | 0 | 0 |");
        JsonNode sink = new ObjectMapper().readTree(summary.toJson()).get("sink");
        assertThat(sink.get("matches").asBoolean()).isTrue();
        assertThat(sink.get("markedEvents").asLong()).isEqualTo(952);
        assertThat(sink.get("byMapping").get("confirmed").get("written").asLong()).isEqualTo(252);
    }

    @Test
    void anEchoedOrMissingSinkWriteIsAMismatch() {
        DemoSummary unmarked = new DemoSummary("demo", 42, 40, Duration.ofSeconds(8), Duration.ofMillis(8_000),
                false, true, true, 655, List.of(CUSTOMERS), Map.of(), Map.of(), Map.of(),
                summary(true, true, List.of(CUSTOMERS)).outbox(), sink(950, 1));
        assertThat(unmarked.check()).isEqualTo(DemoSummary.Check.MISMATCH);
        assertThat(unmarked.toText()).contains("1 missing or different",
                "the sink wrote 952 row change(s) but 950 event(s) are marked as its own");
    }
}
