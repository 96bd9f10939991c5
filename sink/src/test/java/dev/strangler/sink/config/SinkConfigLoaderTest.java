package dev.strangler.sink.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.contract.TableId;
import dev.strangler.sink.config.Mapping.ValueSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SinkConfigLoaderTest {

    @TempDir
    Path dir;

    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("target.url", "jdbc:postgresql://db:5432/legacy");
        m.put("target.user", "sink");
        m.put("kafka.bootstrap.servers", "k1:9092");
        m.put("sink.mappings", "orders");
        m.put("mapping.orders.topic", "svc.svc.orders");
        m.put("mapping.orders.table", "shop.orders");
        return m;
    }

    private static SinkConfig load(Map<String, String> m) {
        return new SinkConfigLoader(Map.of()).fromMap(m);
    }

    private static void assertRejected(Map<String, String> m, String... fragments) {
        assertThatThrownBy(() -> load(m)).isInstanceOf(SinkConfigException.class).satisfies(e -> {
            for (String f : fragments) {
                assertThat(e.getMessage()).contains(f);
            }
        });
    }

    @Test
    void shouldTypeAMinimalConfigWithItsDefaults() {
        SinkConfig c = load(minimal());
        assertThat(c.name()).isEqualTo("sink");
        assertThat(c.kafka().group()).isEqualTo("strangler-sink-sink");
        assertThat(c.kafka().deadLetterTopic()).isEqualTo("sink.dead-letter");
        assertThat(c.errors()).isEqualTo(SinkConfig.Errors.STOP);
        assertThat(c.batchSize()).isEqualTo(500);
        assertThat(c.markerRetention()).isEqualTo(Duration.ofDays(7));
        Mapping m = c.mappings().get(0);
        assertThat(m.format()).isEqualTo(Mapping.Format.ENVELOPE);
        assertThat(m.table()).isEqualTo(new TableId("shop", "orders"));
        assertThat(m.keyColumns()).isEmpty();
        assertThat(m.action()).isEqualTo(Mapping.Action.UPSERT);
        assertThat(m.conflict()).isEqualTo(Mapping.Conflict.OVERWRITE);
        assertThat(c.topics()).containsExactly("svc.svc.orders");
    }

    @Test
    void shouldReadRenamesExclusionsConstantsKeysAndKeepNewer() {
        Map<String, String> m = minimal();
        m.put("mapping.orders.rename.total", "order_total");
        m.put("mapping.orders.exclude", "internal_note, secret");
        m.put("mapping.orders.constant.channel", "web");
        m.put("mapping.orders.key", "order_ref");
        m.put("mapping.orders.conflict", "keep-newer");
        m.put("mapping.orders.version.column", "updated_at");
        Mapping mapping = load(m).mappings().get(0);
        assertThat(mapping.columnFor("total")).isEqualTo("order_total");
        assertThat(mapping.columnFor("id")).isEqualTo("id");
        assertThat(mapping.excluded()).containsExactlyInAnyOrder("internal_note", "secret");
        assertThat(mapping.constants()).containsEntry("channel", "web");
        assertThat(mapping.keyColumns()).containsExactly("order_ref");
        assertThat(mapping.conflict()).isEqualTo(Mapping.Conflict.KEEP_NEWER);
        assertThat(mapping.versionColumn()).contains("updated_at");
    }

    @Test
    void shouldReadOutboxMappingsByEventTypeWithPointersHeadersAndTheKey() {
        Map<String, String> m = minimal();
        m.put("sink.mappings", "placed,confirmed,other");
        m.remove("mapping.orders.topic");
        m.remove("mapping.orders.table");
        for (String id : List.of("placed", "confirmed", "other")) {
            m.put("mapping." + id + ".topic", "svc.outbox.order");
            m.put("mapping." + id + ".format", "outbox");
            m.put("mapping." + id + ".table", "shop.web_orders");
        }
        m.put("mapping.placed.event.type", "OrderPlaced");
        m.put("mapping.placed.column.order_ref", "/orderId");
        m.put("mapping.placed.column.total", "/amounts/total");
        m.put("mapping.placed.column.placed_at", "header:occurredAt");
        m.put("mapping.placed.column.aggregate", "key");
        m.put("mapping.confirmed.event.type", "OrderConfirmed");
        m.put("mapping.confirmed.action", "update");
        m.put("mapping.confirmed.column.order_ref", "/orderId");
        m.put("mapping.confirmed.constant.status", "confirmed");
        m.put("mapping.other.action", "ignore");
        SinkConfig c = load(m);
        Mapping placed = c.mappings().get(0);
        assertThat(placed.eventType()).contains("OrderPlaced");
        assertThat(placed.columns().get("total")).isInstanceOf(ValueSource.Pointer.class)
                .hasToString("/amounts/total");
        assertThat(placed.columns().get("placed_at")).isEqualTo(new ValueSource.Header("occurredAt"));
        assertThat(placed.columns().get("aggregate")).isEqualTo(new ValueSource.Key());
        assertThat(c.mappings().get(1).action()).isEqualTo(Mapping.Action.UPDATE);
        assertThat(c.mappings().get(2).eventType()).isEqualTo(Optional.empty());
        assertThat(c.topics()).containsExactly("svc.outbox.order");
    }

    @Test
    void shouldNameTheKeyAndTheFixForEachBadInput() {
        Map<String, String> m = minimal();
        m.put("sink.errrors", "stop");
        assertRejected(m, "unknown config key 'sink.errrors'", "did you mean 'sink.errors'");

        m = minimal();
        m.put("mapping.orders.tabel", "shop.x");
        assertRejected(m, "unknown config key 'mapping.orders.tabel'", "did you mean mapping.<id>.table");

        m = minimal();
        m.put("mapping.payments.topic", "x");
        assertRejected(m, "mapping.payments.topic: mapping 'payments' is not in sink.mappings");

        m = minimal();
        m.remove("mapping.orders.table");
        assertRejected(m, "missing config key 'mapping.orders.table'");

        m = minimal();
        m.put("mapping.orders.table", "orders");
        assertRejected(m, "mapping.orders.table: 'orders' is not schema.table");

        m = minimal();
        m.put("mapping.orders.conflict", "keep-newer");
        assertRejected(m, "mapping.orders.conflict=keep-newer needs mapping.orders.version.column");

        m = minimal();
        m.put("mapping.orders.version.column", "updated_at");
        assertRejected(m, "mapping.orders.version.column is set but mapping.orders.conflict is overwrite");

        m = minimal();
        m.put("sink.errors", "skip");
        assertRejected(m, "sink.errors: 'skip' is not one of [stop, dead-letter]");

        m = minimal();
        m.put("kafka.client.isolation.level", "read_uncommitted");
        assertRejected(m, "kafka.client.isolation.level cannot be set", "read_committed");

        m = minimal();
        m.put("kafka.client.slot.name", "x");
        assertRejected(m, "kafka.client.slot.name is not a setting of Kafka's");

        m = minimal();
        m.put("mapping.orders.column.total", "/total");
        assertRejected(m, "mapping.orders.column.* does not apply here");

        m = minimal();
        m.put("mapping.orders.action", "delete");
        assertRejected(m, "mapping.orders.action=delete is for outbox mappings");

        m = minimal();
        m.put("mapping.orders.table", "strangler.sink_offsets");
        assertRejected(m, "schema strangler");

        m = minimal();
        m.put("sink.marker.retention", "10m");
        assertRejected(m, "sink.marker.retention: 10m is less than 1h");

        m = minimal();
        m.put("target.url", "postgres://db/legacy");
        assertRejected(m, "target.url", "jdbc:postgresql://HOST:PORT/DATABASE");

        m = minimal();
        m.remove("sink.mappings");
        assertRejected(m, "missing required config key 'sink.mappings'");
    }

    @Test
    void shouldRefuseTwoMappingsForOneEnvelopeTopicOrOneEventTypeOrMixedFormats() {
        Map<String, String> m = minimal();
        m.put("sink.mappings", "orders,again");
        m.put("mapping.again.topic", "svc.svc.orders");
        m.put("mapping.again.table", "shop.orders_copy");
        assertRejected(m, "mapping.again.topic: topic svc.svc.orders is already mapped by 'orders'");

        m.put("mapping.again.format", "outbox");
        m.put("mapping.again.column.id", "/id");
        assertRejected(m, "is read as envelope by mapping 'orders' and as outbox here");

        Map<String, String> o = minimal();
        o.put("sink.mappings", "a,b");
        o.remove("mapping.orders.topic");
        o.remove("mapping.orders.table");
        for (String id : List.of("a", "b")) {
            o.put("mapping." + id + ".topic", "t");
            o.put("mapping." + id + ".format", "outbox");
            o.put("mapping." + id + ".table", "shop.x");
            o.put("mapping." + id + ".event.type", "Same");
            o.put("mapping." + id + ".column.id", "/id");
        }
        assertRejected(o, "mappings 'a' and 'b' both take event type Same of topic t");

        Map<String, String> p = minimal();
        p.put("mapping.orders.format", "outbox");
        assertRejected(p, "an outbox mapping that writes needs at least one column");
        p.put("mapping.orders.column.id", "orderId");
        assertRejected(p, "mapping.orders.column.id: 'orderId' is not a value source", "/orderId");
    }

    @Test
    void shouldLetTheEnvironmentOverrideAnyKeyAndReadAFile() throws Exception {
        Path file = dir.resolve("sink.properties");
        StringBuilder text = new StringBuilder();
        minimal().forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Files.writeString(file, text);
        SinkConfig c = new SinkConfigLoader(Map.of("STRANGLER_TARGET_PASSWORD", "s3cret",
                "STRANGLER_MAPPING_ORDERS_TABLE", "shop.orders_v2")).load(file);
        assertThat(c.target().password().reveal()).isEqualTo("s3cret");
        assertThat(c.target().password()).hasToString("********");
        assertThat(c.mappings().get(0).table()).isEqualTo(new TableId("shop", "orders_v2"));
        assertThatThrownBy(() -> new SinkConfigLoader(Map.of()).load(dir.resolve("missing.properties")))
                .hasMessageContaining("does not exist");
    }
}
