package dev.strangler.engine.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.contract.TableId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SnapshotSignalTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void anExecuteSignalNamesEachTableByAPatternThatMatchesOnlyIt() throws Exception {
        SnapshotSignal signal = SnapshotSignal.execute(List.of(TableId.parse("shop.orders"),
                TableId.parse("shop.order_lines")), Optional.of("id > 10"));
        JsonNode n = JSON.readTree(signal.json());
        assertThat(n.path("id").asText()).isEqualTo(signal.id()).startsWith("strangler-");
        assertThat(n.path("type").asText()).isEqualTo("execute-snapshot");
        assertThat(n.path("data").path("type").asText()).isEqualTo("incremental");
        String orders = n.path("data").path("data-collections").get(0).asText();
        assertThat(Pattern.compile(orders).matcher("shop.orders").matches()).isTrue();
        assertThat(Pattern.compile(orders).matcher("shopXorders").matches()).as("the dot is not a wildcard").isFalse();
        JsonNode conditions = n.path("data").path("additional-conditions");
        assertThat(conditions).hasSize(2);
        assertThat(conditions.get(1).path("filter").asText()).isEqualTo("id > 10");
        assertThat(Pattern.compile(conditions.get(1).path("data-collection").asText()).matcher("shop.order_lines")
                .matches()).isTrue();
    }

    @Test
    void withoutAConditionEveryRowIsRead() throws Exception {
        JsonNode n = JSON.readTree(SnapshotSignal.execute(List.of(TableId.parse("shop.orders")), Optional.empty())
                .json());
        assertThat(n.path("data").has("additional-conditions")).isFalse();
    }

    @Test
    void aStopSignalNamesTheTables() throws Exception {
        JsonNode n = JSON.readTree(SnapshotSignal.stop(List.of(TableId.parse("shop.orders"))).json());
        assertThat(n.path("type").asText()).isEqualTo("stop-snapshot");
        assertThat(n.path("data").path("data-collections")).hasSize(1);
    }

    @Test
    void noticesSayHowFarANumericKeyGotAndIgnoreOtherNotifications() {
        SnapshotNotice chunk = IncrementalSnapshots.Notices.parse(("{\"id\":\"s-1\",\"type\":\"IN_PROGRESS\","
                + "\"aggregate_type\":\"Incremental Snapshot\",\"additional_data\":{\"current_collection_in_progress\":"
                + "\"shop.orders\",\"maximum_key\":\"2000\",\"last_processed_key\":\"500\"}}")
                .getBytes(StandardCharsets.UTF_8)).orElseThrow();
        assertThat(chunk.percent()).contains(25);
        assertThat(chunk.describe()).isEqualTo("shop.orders: read up to key 500 of 2000 (25%)");
        assertThat(new SnapshotNotice("s", "IN_PROGRESS", Map.of("last_processed_key", "abc", "maximum_key", "xyz"))
                .percent()).isEmpty();
        assertThat(new SnapshotNotice("s", "TABLE_SCAN_COMPLETED", Map.of("scanned_collection", "shop.orders",
                "total_rows_scanned", "30", "status", "SUCCEEDED")).describe())
                .isEqualTo("shop.orders: 30 rows read (succeeded)");
        assertThat(IncrementalSnapshots.Notices.parse(("{\"id\":\"x\",\"type\":\"STARTED\",\"aggregate_type\":"
                + "\"Initial Snapshot\"}").getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(IncrementalSnapshots.Notices.parse("not json".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }
}
