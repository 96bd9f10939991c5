package dev.strangler.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.cli.demo.LegacyWorkload.Kind;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoSummaryTest {

    private static final DemoSummary.TableLine CUSTOMERS = new DemoSummary.TableLine("shop.customers", 1_075,
            new OpCounts(25, 1_043, 0, 1_050, 0, 0), "demo.shop.customers");
    private static final DemoSummary.TableLine ORDERS = new DemoSummary.TableLine("shop.orders", 71,
            new OpCounts(58, 120, 17, 30, 17, 0), "demo.shop.orders");

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
        assertThat(text).contains("workload: 320 operations in 8.0s (40.0/s, asked for 40/s for 8s), seed 42;")
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

    private static DemoSummary summary(boolean caughtUp, boolean complete, List<DemoSummary.TableLine> tables) {
        Map<Kind, Long> ops = new EnumMap<>(Kind.class);
        long[] counts = {25, 43, 58, 62, 33, 17, 51, 31};
        for (Kind kind : Kind.values()) {
            ops.put(kind, counts[kind.ordinal()]);
        }
        return new DemoSummary("demo", 42, 40, Duration.ofSeconds(8), Duration.ofMillis(8_000), false, caughtUp,
                complete, 655, tables, Map.of("shop.audit_log", 12L), ops, Map.of(Kind.AUDIT_UPDATE, 2L));
    }
}
