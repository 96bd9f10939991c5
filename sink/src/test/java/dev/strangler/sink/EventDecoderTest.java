package dev.strangler.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.contract.TableId;
import dev.strangler.sink.config.Mapping;
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

class EventDecoderTest {

    private static final TargetCatalog.Column ID = col("id", "bigint", TargetCatalog.Kind.OTHER);

    private static TargetCatalog.Column col(String name, String type, TargetCatalog.Kind kind) {
        return new TargetCatalog.Column(name, type, kind, false, false);
    }

    private static TargetCatalog.Table table(TargetCatalog.Column... columns) {
        Map<String, TargetCatalog.Column> byName = new LinkedHashMap<>();
        for (TargetCatalog.Column c : columns) {
            byName.put(c.name(), c);
        }
        return new TargetCatalog.Table(new dev.strangler.contract.TableId("shop", "orders"), byName,
                List.of("id"), List.of(Set.of("id")), Set.of());
    }

    private static EventDecoder decoder(Map<String, String> extra, TargetCatalog.Table table) {
        Map<String, String> m = new HashMap<>();
        m.put("target.url", "jdbc:postgresql://db:5432/legacy");
        m.put("target.user", "sink");
        m.put("kafka.bootstrap.servers", "k1:9092");
        m.put("sink.mappings", "orders");
        m.put("mapping.orders.topic", "t");
        m.put("mapping.orders.table", "shop.orders");
        m.putAll(extra);
        SinkConfig config = new SinkConfigLoader(Map.of()).fromMap(m);
        return new EventDecoder(config.mappings().stream()
                .map(mapping -> new MappingPlan(mapping, table, List.of("id"))).toList());
    }

    private static ConsumerRecord<byte[], byte[]> record(String key, String value, String... headers) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < headers.length; i += 2) {
            h.add(headers[i], headers[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return new ConsumerRecord<>("t", 0, 7, 0L, TimestampType.CREATE_TIME, -1, -1,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8), h, java.util.Optional.empty());
    }

    private static Map<String, String> texts(Map<String, JsonNode> values) {
        Map<String, String> t = new LinkedHashMap<>();
        values.forEach((k, v) -> t.put(k, v.isTextual() ? v.textValue() : v.toString()));
        return t;
    }

    @Test
    void upsertsTheAfterRowWithRenamesExclusionsAndConstants() throws Exception {
        EventDecoder d = decoder(Map.of("mapping.orders.rename.amount", "total",
                "mapping.orders.exclude", "secret", "mapping.orders.constant.channel", "web"),
                table(ID, col("total", "numeric(14,2)", TargetCatalog.Kind.OTHER),
                        col("channel", "text", TargetCatalog.Kind.OTHER),
                        col("notes", "text", TargetCatalog.Kind.OTHER)));
        Change c = d.decode(record("{\"id\":42}", "{\"op\":\"u\",\"before\":null,\"after\":{\"id\":42,"
                + "\"amount\":\"12.50\",\"secret\":\"x\",\"notes\":\"__debezium_unavailable_value\"},"
                + "\"source\":{\"txId\":5}}"));
        assertThat(c.action()).isEqualTo(Mapping.Action.UPSERT);
        assertThat(texts(c.key())).containsExactly(Map.entry("id", "42"));
        assertThat(texts(c.values())).as("the unchanged TOASTed notes are not written")
                .containsExactly(Map.entry("total", "12.50"), Map.entry("channel", "web"));
    }

    @Test
    void deletesByTheRecordKeyAndPassesTombstonesOver() throws Exception {
        EventDecoder d = decoder(Map.of(), table(ID));
        Change delete = d.decode(record("{\"id\":42}", "{\"op\":\"d\",\"before\":{\"id\":42},\"after\":null}"));
        assertThat(delete.action()).isEqualTo(Mapping.Action.DELETE);
        assertThat(texts(delete.key())).containsExactly(Map.entry("id", "42"));
        assertThat(d.decode(record("{\"id\":42}", null)).action()).isEqualTo(Mapping.Action.IGNORE);
    }

    @Test
    void readsConnectsSchemaWrapperToo() throws Exception {
        EventDecoder d = decoder(Map.of(), table(ID));
        Change c = d.decode(record("{\"schema\":{},\"payload\":{\"id\":1}}",
                "{\"schema\":{\"type\":\"struct\"},\"payload\":{\"op\":\"c\",\"after\":{\"id\":1}}}"));
        assertThat(texts(c.key())).containsExactly(Map.entry("id", "1"));
    }

    @Test
    void refusesWhatDoesNotMatchTheMappingWithTheReason() {
        EventDecoder d = decoder(Map.of(), table(ID));
        assertThatThrownBy(() -> d.decode(record("{\"id\":1}", "{\"op\":\"c\",\"after\":{\"id\":1,\"extra\":2}}")))
                .hasMessageContaining("field 'extra' has no column extra in shop.orders",
                        "mapping.orders.rename.extra=COLUMN", "mapping.orders.exclude")
                .satisfies(e -> assertThat(((EventDecoder.BadEvent) e).mapping()).isEqualTo("orders"));
        assertThatThrownBy(() -> d.decode(record("{\"id\":1}", "not json")))
                .hasMessageContaining("the value is not JSON");
        assertThatThrownBy(() -> d.decode(record("{\"id\":1}", "{\"op\":\"t\"}")))
                .hasMessageContaining("op 't' is not c, u, d or r");
        assertThatThrownBy(() -> d.decode(record("{\"id\":1}", "{\"op\":\"c\",\"after\":{\"other\":1}}")))
                .hasMessageContaining("field 'other' has no column");
        EventDecoder lenient = decoder(Map.of("mapping.orders.exclude", "other"), table(ID));
        assertThatThrownBy(() -> lenient.decode(record("{}", "{\"op\":\"c\",\"after\":{\"other\":1}}")))
                .hasMessageContaining("no value for key column id of shop.orders");
        assertThatThrownBy(() -> lenient.decode(record(null, "{\"op\":\"d\",\"before\":null}")))
                .hasMessageContaining("a delete whose key and 'before' lack key column id");
    }

    @Test
    void mapsOutboxEventsByTypeWithPointersHeadersAndKeyAndRefusesAnUnmappedType() throws Exception {
        Map<String, String> m = new HashMap<>();
        m.put("sink.mappings", "placed,shipped");
        for (String id : List.of("placed", "shipped")) {
            m.put("mapping." + id + ".topic", "t");
            m.put("mapping." + id + ".table", "shop.orders");
            m.put("mapping." + id + ".format", "outbox");
        }
        m.put("mapping.placed.event.type", "OrderPlaced");
        m.put("mapping.placed.column.id", "/order/id");
        m.put("mapping.placed.column.total", "/total");
        m.put("mapping.placed.column.at", "header:occurredAt");
        m.put("mapping.placed.column.ref", "key");
        m.put("mapping.shipped.event.type", "OrderShipped");
        m.put("mapping.shipped.action", "ignore");
        TargetCatalog.Table table = table(ID, col("total", "numeric", TargetCatalog.Kind.OTHER),
                col("at", "timestamptz", TargetCatalog.Kind.OTHER), col("ref", "text", TargetCatalog.Kind.OTHER));
        EventDecoder d = decoderFrom(m, table);

        Change c = d.decode(record("order-9", "{\"order\":{\"id\":9},\"total\":\"10.00\"}", "eventType",
                "OrderPlaced", "occurredAt", "2024-03-01T10:00:00Z"));
        assertThat(c.action()).isEqualTo(Mapping.Action.UPSERT);
        assertThat(texts(c.key())).containsExactly(Map.entry("id", "9"));
        assertThat(texts(c.values())).containsOnly(Map.entry("total", "10.00"),
                Map.entry("at", "2024-03-01T10:00:00Z"), Map.entry("ref", "order-9"));
        assertThat(d.decode(record("order-9", "{}", "eventType", "OrderShipped")).action())
                .isEqualTo(Mapping.Action.IGNORE);
        assertThatThrownBy(() -> d.decode(record("order-9", "{}", "eventType", "OrderLost")))
                .hasMessageContaining("event type OrderLost has no mapping for topic t", "action=ignore");
        assertThatThrownBy(() -> d.decode(record("order-9", "{\"total\":1}", "eventType", "OrderPlaced",
                "occurredAt", "x"))).hasMessageContaining("the payload has no /order/id (for column id)");
        assertThatThrownBy(() -> d.decode(record("order-9", "{\"order\":{\"id\":9},\"total\":1}", "eventType",
                "OrderPlaced"))).hasMessageContaining("no 'occurredAt' header (for column at)");
        assertThatThrownBy(() -> d.decode(record("order-9", "{}"))).hasMessageContaining("no 'eventType' header");
    }

    private static EventDecoder decoderFrom(Map<String, String> settings, TargetCatalog.Table table) {
        Map<String, String> m = new HashMap<>(settings);
        m.put("target.url", "jdbc:postgresql://db:5432/legacy");
        m.put("target.user", "sink");
        m.put("kafka.bootstrap.servers", "k1:9092");
        SinkConfig config = new SinkConfigLoader(Map.of()).fromMap(m);
        return new EventDecoder(config.mappings().stream()
                .map(mapping -> new MappingPlan(mapping, table, List.of("id"))).toList());
    }

    @Test
    void keepNewerNeedsTheVersionInTheEvent() {
        EventDecoder d = decoder(Map.of("mapping.orders.conflict", "keep-newer",
                "mapping.orders.version.column", "updated_at"),
                table(ID, col("updated_at", "timestamptz", TargetCatalog.Kind.OTHER)));
        assertThatThrownBy(() -> d.decode(record("{\"id\":1}", "{\"op\":\"c\",\"after\":{\"id\":1}}")))
                .hasMessageContaining("no value for updated_at, the version column conflict=keep-newer compares");
    }
}
