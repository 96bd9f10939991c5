package dev.strangler.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.contract.TableId;
import dev.strangler.sink.config.SinkConfig;
import dev.strangler.sink.config.SinkConfigLoader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class SinkProjectionTest {

    private static final TableId ORDERS = new TableId("shop", "orders");

    private static TargetCatalog.Column col(String name, String type, TargetCatalog.Kind kind) {
        return new TargetCatalog.Column(name, type, kind, false, false);
    }

    private static final TargetCatalog.Table TABLE = table(col("id", "bigint", TargetCatalog.Kind.OTHER),
            col("total", "numeric(10,2)", TargetCatalog.Kind.OTHER), col("status", "text", TargetCatalog.Kind.OTHER),
            col("placed_at", "timestamp without time zone", TargetCatalog.Kind.LOCAL_TEMPORAL),
            col("tags", "text[]", TargetCatalog.Kind.ARRAY), col("photo", "bytea", TargetCatalog.Kind.BYTEA),
            col("updated_at", "timestamp with time zone", TargetCatalog.Kind.OTHER),
            col("notes", "text", TargetCatalog.Kind.OTHER));

    private static TargetCatalog.Table table(TargetCatalog.Column... columns) {
        Map<String, TargetCatalog.Column> byName = new LinkedHashMap<>();
        for (TargetCatalog.Column c : columns) {
            byName.put(c.name(), c);
        }
        return new TargetCatalog.Table(ORDERS, byName, List.of("id"), List.of(Set.of("id")), Set.of());
    }

    private static SinkProjection projection(Map<String, String> settings) {
        Map<String, String> m = new HashMap<>(settings);
        m.put("sink.name", "web");
        m.put("target.url", "jdbc:postgresql://db:5432/legacy");
        m.put("target.user", "sink");
        m.put("kafka.bootstrap.servers", "k1:9092");
        SinkConfig config = new SinkConfigLoader(Map.of()).fromMap(m);
        return new SinkProjection(config, config.mappings().stream()
                .map(mapping -> new MappingPlan(mapping, TABLE, List.of("id"))).toList());
    }

    private static SinkProjection envelope(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(extra);
        m.put("sink.mappings", "orders");
        m.put("mapping.orders.topic", "svc.orders");
        m.put("mapping.orders.table", "shop.orders");
        return projection(m);
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, String key, String value, String... headers) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return new ConsumerRecord<>(topic, 0, 7, 0L, TimestampType.CREATE_TIME, -1, -1,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), h, java.util.Optional.empty());
    }

    @Test
    void projectsAnEnvelopeUpsertAsTheTextTheSinkBindsWithRenamesExclusionsAndConstants() {
        SinkProjection p = envelope(Map.of("mapping.orders.rename.amount", "total", "mapping.orders.exclude",
                "secret", "mapping.orders.constant.status", "web"));
        SinkProjection.Effect e = p.project(record("svc.orders", "{\"id\":42}", "{\"op\":\"u\",\"after\":{"
                + "\"id\":42,\"amount\":12.50,\"secret\":\"x\",\"placed_at\":\"2024-03-01T10:00:00Z\","
                + "\"tags\":[\"a\",null,\"b,c\"],\"photo\":\"AAE=\",\"notes\":\"__debezium_unavailable_value\"}}"));
        assertThat(e.kind()).isEqualTo(SinkProjection.Kind.UPSERT);
        assertThat(e.table()).isEqualTo(ORDERS);
        assertThat(e.key()).containsExactly(Map.entry("id", "42"));
        assertThat(e.values()).as("numbers exactly, the timestamp's Z dropped, arrays as literals, bytea as base64; "
                + "the unchanged TOASTed notes not written").containsExactly(Map.entry("total", "12.50"),
                Map.entry("placed_at", "2024-03-01T10:00:00"), Map.entry("tags", "{\"a\",NULL,\"b,c\"}"),
                Map.entry("photo", "AAE="), Map.entry("status", "web"));
        assertThat(e.keepNewerVersion()).isNull();
    }

    @Test
    void projectsDeletesTombstonesAndRefusedEvents() {
        SinkProjection p = envelope(Map.of());
        SinkProjection.Effect delete = p.project(record("svc.orders", "{\"id\":42}",
                "{\"op\":\"d\",\"before\":{\"id\":42},\"after\":null}"));
        assertThat(delete.kind()).isEqualTo(SinkProjection.Kind.DELETE);
        assertThat(delete.key()).containsExactly(Map.entry("id", "42"));
        assertThat(p.project(record("svc.orders", "{\"id\":42}", null)).kind())
                .isEqualTo(SinkProjection.Kind.IGNORED);
        SinkProjection.Effect bad = p.project(record("svc.orders", "{\"id\":1}",
                "{\"op\":\"c\",\"after\":{\"id\":1,\"extra\":2}}"));
        assertThat(bad.kind()).isEqualTo(SinkProjection.Kind.BAD);
        assertThat(bad.table()).isEqualTo(ORDERS);
        assertThat(bad.reason()).contains("field 'extra' has no column extra");
        SinkProjection.Effect badBytes = p.project(record("svc.orders", "{\"id\":1}",
                "{\"op\":\"c\",\"after\":{\"id\":1,\"photo\":{\"x\":1}}}"));
        assertThat(badBytes.kind()).as("a value the sink cannot turn into column text").isEqualTo(
                SinkProjection.Kind.BAD);
        assertThat(badBytes.reason()).contains("column photo", "base64");
    }

    @Test
    void projectsOutboxEventsByTypeWithTheKeepNewerVersionToCompare() {
        Map<String, String> m = new HashMap<>();
        m.put("sink.mappings", "placed,confirmed,cancelled,shipped");
        for (String id : List.of("placed", "confirmed", "cancelled", "shipped")) {
            m.put("mapping." + id + ".topic", "svc.outbox.order");
            m.put("mapping." + id + ".table", "shop.orders");
            m.put("mapping." + id + ".format", "outbox");
            m.put("mapping." + id + ".column.id", "/id");
        }
        m.put("mapping.placed.event.type", "OrderPlaced");
        m.put("mapping.placed.column.total", "/total");
        m.put("mapping.placed.column.updated_at", "header:occurredAt");
        m.put("mapping.placed.constant.status", "placed");
        m.put("mapping.placed.conflict", "keep-newer");
        m.put("mapping.placed.version.column", "updated_at");
        m.put("mapping.confirmed.event.type", "OrderConfirmed");
        m.put("mapping.confirmed.action", "update");
        m.put("mapping.confirmed.constant.status", "confirmed");
        m.put("mapping.cancelled.event.type", "OrderCancelled");
        m.put("mapping.cancelled.action", "delete");
        m.put("mapping.shipped.event.type", "OrderShipped");
        m.put("mapping.shipped.action", "ignore");
        SinkProjection p = projection(m);

        SinkProjection.Effect placed = p.project(record("svc.outbox.order", "9", "{\"id\":9,\"total\":\"10.00\"}",
                "eventType", "OrderPlaced", "occurredAt", "2024-03-01T10:00:00Z"));
        assertThat(placed.kind()).isEqualTo(SinkProjection.Kind.UPSERT);
        assertThat(placed.mapping()).isEqualTo("placed");
        assertThat(placed.values()).containsExactly(Map.entry("total", "10.00"),
                Map.entry("updated_at", "2024-03-01T10:00:00Z"), Map.entry("status", "placed"));
        assertThat(placed.keepNewerVersion()).isEqualTo("updated_at");
        SinkProjection.Effect confirmed = p.project(record("svc.outbox.order", "9", "{\"id\":9}", "eventType",
                "OrderConfirmed"));
        assertThat(confirmed.kind()).isEqualTo(SinkProjection.Kind.UPDATE);
        assertThat(confirmed.values()).containsExactly(Map.entry("status", "confirmed"));
        assertThat(confirmed.keepNewerVersion()).isNull();
        assertThat(p.project(record("svc.outbox.order", "9", "{\"id\":9}", "eventType", "OrderCancelled")).kind())
                .isEqualTo(SinkProjection.Kind.DELETE);
        assertThat(p.project(record("svc.outbox.order", "9", "{}", "eventType", "OrderShipped")).kind())
                .isEqualTo(SinkProjection.Kind.IGNORED);
        SinkProjection.Effect lost = p.project(record("svc.outbox.order", "9", "{}", "eventType", "OrderLost"));
        assertThat(lost.kind()).isEqualTo(SinkProjection.Kind.BAD);
        assertThat(lost.table()).as("no mapping took it").isNull();
    }

    @Test
    void namesEachTargetWithItsTopicsKeyAndTheExpressionsThatMakeTheStoredValue() {
        SinkProjection p = envelope(Map.of());
        assertThat(p.name()).isEqualTo("web");
        assertThat(p.group()).isEqualTo("strangler-sink-web");
        SinkProjection.Target t = p.targets().get(0);
        assertThat(t.table()).isEqualTo(ORDERS);
        assertThat(t.topics()).containsExactly("svc.orders");
        assertThat(t.keyColumns()).containsExactly("id");
        assertThat(t.expressions()).containsEntry("total", "CAST(? AS numeric(10,2))")
                .containsEntry("tags", "CAST(? AS text[])").containsEntry("photo", "decode(?, 'base64')");
    }
}
