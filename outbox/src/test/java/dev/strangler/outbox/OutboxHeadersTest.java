package dev.strangler.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class OutboxHeadersTest {

    private static final UUID ID = UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");

    @Test
    void shouldReadTheEventIdAsRawTextOrAsAJsonString() {
        assertThat(OutboxHeaders.parseEventId(bytes(ID.toString()))).isEqualTo(ID);
        assertThat(OutboxHeaders.parseEventId(bytes("\"" + ID + "\""))).isEqualTo(ID);
        assertThat(OutboxHeaders.parseEventId(bytes(ID.toString().toUpperCase()))).isEqualTo(ID);
    }

    @Test
    void shouldReadTheLastIdHeaderOfARecord() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("eventType", bytes("OrderPlaced"));
        headers.add("id", bytes(ID.toString()));
        assertThat(OutboxHeaders.eventId(headers)).isEqualTo(ID);
    }

    @Test
    void shouldRefuseAMissingOrMalformedId() {
        assertThatThrownBy(() -> OutboxHeaders.eventId(new RecordHeaders()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no 'id' header");
        assertThatThrownBy(() -> OutboxHeaders.parseEventId(null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a routed outbox event");
        assertThatThrownBy(() -> OutboxHeaders.parseEventId(bytes("42")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not an event id");
        assertThatThrownBy(() -> OutboxHeaders.parseEventId(bytes("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not an event id");
        assertThatThrownBy(() -> OutboxHeaders.parseEventId(bytes("1-1-1-1-" + "1".repeat(28))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not an event id");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
