package dev.strangler.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class OutboxEventTest {

    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void shouldGenerateIdAndTimestampAndKeepTheRest() {
        Instant before = Instant.now();
        OutboxEvent e = OutboxEvent.of("order", "42", "OrderPlaced", "{\"total\":\"42.00\"}");
        assertThat(e.id()).isNotNull();
        assertThat(e.occurredAt()).isBetween(before, Instant.now());
        assertThat(e.headers()).isEmpty();
        assertThat(e.traceparent()).isNull();
        assertThat(e.payload()).isEqualTo("{\"total\":\"42.00\"}");
        assertThat(OutboxEvent.of("order", "42", "OrderPlaced", "{}").id()).isNotEqualTo(e.id());
    }

    @Test
    void shouldKeepGivenIdTimestampTraceparentAndHeadersFromTheBuilder() {
        UUID id = UUID.randomUUID();
        Instant at = Instant.parse("2024-03-01T10:00:00.123456Z");
        ObjectNode payload = JsonNodeFactory.instance.objectNode().put("total", "42.00").put("items", 3);
        OutboxEvent e = OutboxEvent.builder().id(id).aggregateType("order").aggregateId("42").type("OrderPlaced")
                .payload(payload).header("tenant", "acme").headers(Map.of("source", "web")).occurredAt(at)
                .traceparent(TRACEPARENT).build();
        assertThat(e.id()).isEqualTo(id);
        assertThat(e.occurredAt()).isEqualTo(at);
        assertThat(e.traceparent()).isEqualTo(TRACEPARENT);
        assertThat(e.headers()).containsExactly(Map.entry("tenant", "acme"), Map.entry("source", "web"));
        assertThat(e.payload()).isEqualTo("{\"total\":\"42.00\",\"items\":3}");
        assertThatThrownBy(() -> e.headers().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " ", "\t\n"})
    void shouldRefuseNullOrBlankAggregateTypeIdAndType(String bad) {
        assertThatThrownBy(() -> OutboxEvent.of(bad, "42", "OrderPlaced", "{}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("aggregateType must not be");
        assertThatThrownBy(() -> OutboxEvent.of("order", bad, "OrderPlaced", "{}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("aggregateId must not be");
        assertThatThrownBy(() -> OutboxEvent.of("order", "42", bad, "{}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("type must not be");
    }

    @ParameterizedTest
    @ValueSource(strings = {"order placed", "order/line", "ordér", "a:b", "x*"})
    void shouldRefuseAnAggregateTypeThatCannotBePartOfATopicName(String bad) {
        assertThatThrownBy(() -> OutboxEvent.of(bad, "42", "OrderPlaced", "{}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Kafka topic name");
    }

    @Test
    void shouldAcceptTopicSafeAggregateTypesUpToTheLengthLimit() {
        assertThat(OutboxEvent.of("Order_line-v2.eu", "1", "T", "{}").aggregateType()).isEqualTo("Order_line-v2.eu");
        OutboxEvent.of("a".repeat(OutboxEvent.MAX_AGGREGATE_TYPE_LENGTH), "1", "T", "{}");
        assertThatThrownBy(() -> OutboxEvent.of("a".repeat(OutboxEvent.MAX_AGGREGATE_TYPE_LENGTH + 1), "1", "T",
                "{}")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 180");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "{", "{\"a\":1", "{'a':1}", "{\"a\":1}}", "{\"a\":1} x", "[1,]",
            "undefined", "{\"a\":NaN}", "null", "{\"a\":1,\"a\":2}", "{\"a\":\"x\\u0000y\"}",
            "{\"a\\u0000\":1}", "{\"n\": 1e200000}", "{\"a\": 01}", "// c\n{}", "[]", "[{\"a\": 1}]", "\"text\"",
            "42", "true"})
    void shouldRefuseAPayloadThatIsNotValidJsonForJsonb(String bad) {
        assertThatThrownBy(() -> OutboxEvent.of("order", "42", "OrderPlaced", bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("payload is not valid JSON for the outbox: ");
    }

    @Test
    void shouldRefuseANullPayload() {
        assertThatThrownBy(() -> OutboxEvent.of("order", "42", "OrderPlaced", (String) null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payload must not be null");
        assertThatThrownBy(() -> OutboxEvent.builder().aggregateType("order").aggregateId("42").type("T").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("payload must not be null");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"list\": [1, \"two\", {\"three\": [3.0]}]}", "{\"n\": -1.5e10}",
            " {\"nested\": {\"deep\": [null, false]}} ", "{\"emoji\":\"\\ud83d\\ude00 été\"}"})
    void shouldAcceptAnyJsonObject(String good) {
        assertThat(OutboxEvent.of("order", "42", "OrderPlaced", good).payload()).isEqualTo(good);
    }

    @Test
    void shouldSayWhyANonObjectPayloadIsRefused() {
        assertThatThrownBy(() -> OutboxEvent.of("order", "42", "OrderPlaced", "[1, 2]"))
                .hasMessageContaining("it is a JSON array, not a JSON object");
        assertThatThrownBy(() -> OutboxEvent.of("order", "42", "OrderPlaced", "null"))
                .hasMessageContaining("it is JSON null, not a JSON object");
    }

    @Test
    void shouldNameTheProblemAndShowTheStartOfABadPayload() {
        assertThatThrownBy(() -> OutboxEvent.of("order", "42", "OrderPlaced", "{\"total\": 42.00,}"))
                .hasMessageContaining("line 1").hasMessageContaining("'{\"total\": 42.00,}'");
    }

    @Test
    void shouldRefuseReservedOrBadHeaders() {
        for (String reserved : new String[] {"id", "ID", "eventType", "traceparent", "strangler.pipeline"}) {
            assertThatThrownBy(() -> event(Map.of(reserved, "x"))).as(reserved)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is reserved");
        }
        assertThatThrownBy(() -> event(Map.of(" ", "x"))).hasMessageContaining("header name must not be blank");
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("tenant", null);
        assertThatThrownBy(() -> event(nullValue)).hasMessageContaining("header 'tenant' has a null value");
        assertThatThrownBy(() -> event(Map.of("tenant", "a\0b"))).hasMessageContaining("U+0000");
    }

    @Test
    void shouldRefuseTextPostgresCannotStore() {
        assertThatThrownBy(() -> OutboxEvent.of("order", "4\u00002", "T", "{}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("aggregateId must not contain");
    }

    @ParameterizedTest
    @ValueSource(strings = {"nope", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"})
    void shouldRefuseAGivenTraceparentThatIsNotW3c(String bad) {
        assertThatThrownBy(() -> OutboxEvent.builder().aggregateType("order").aggregateId("42").type("T")
                .payload("{}").traceparent(bad).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a W3C trace context");
    }

    private static OutboxEvent event(Map<String, String> headers) {
        return new OutboxEvent(null, "order", "42", "T", "{}", headers, null, null);
    }
}
