package dev.strangler.engine.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class RecordRetractionTest {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    private static ConsumerRecord<byte[], byte[]> record(String value) {
        return new ConsumerRecord<>("p.shop.t", 0, 42, "{\"id\":9}".getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldTurnALiveKeysEventIntoTheDeleteOfTheRowItShowed() throws Exception {
        JsonNode delete = JSON.readTree(RecordRetraction.deleteOf(record("{\"before\":null,\"after\":{\"id\":9,"
                + "\"price\":12345678901234567890.123456789},\"source\":{\"lsn\":77,\"txId\":5},\"op\":\"c\","
                + "\"ts_ms\":1,\"transaction\":{\"id\":\"5:77\"}}")));
        assertThat(delete.path("op").asText()).isEqualTo("d");
        assertThat(delete.path("after").isNull()).isTrue();
        assertThat(delete.path("before").path("price").decimalValue().toPlainString())
                .as("every digit of the row kept").isEqualTo("12345678901234567890.123456789");
        assertThat(delete.path("source").path("lsn").asLong()).isEqualTo(77);
        assertThat(delete.path("transaction").isNull()).as("no source transaction holds a repair's delete").isTrue();
        assertThat(delete.path("ts_ms").asLong()).isGreaterThan(1);
    }

    @Test
    void shouldKeepTheSchemaEnvelopeWhenTheEventHadOne() throws Exception {
        JsonNode delete = JSON.readTree(RecordRetraction.deleteOf(record("{\"schema\":{\"type\":\"struct\"},"
                + "\"payload\":{\"before\":null,\"after\":{\"id\":9},\"source\":{},\"op\":\"r\",\"ts_ms\":1}}")));
        assertThat(delete.path("schema").path("type").asText()).isEqualTo("struct");
        assertThat(delete.path("payload").path("op").asText()).isEqualTo("d");
        assertThat(delete.path("payload").path("before").path("id").asInt()).isEqualTo(9);
    }

    @Test
    void shouldRefuseATombstoneOrARecordThatIsNoChangeEvent() {
        assertThatThrownBy(() -> RecordRetraction.deleteOf(record(null))).hasMessageContaining("tombstone");
        assertThatThrownBy(() -> RecordRetraction.deleteOf(record("[1]")))
                .hasMessageContaining("not a Debezium change event");
    }
}
