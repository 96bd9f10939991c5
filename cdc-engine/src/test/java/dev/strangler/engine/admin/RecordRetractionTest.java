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
    void shouldReadADenseSetOfOffsetsWithOneSeekAndSeekOnlyOverLongGaps() {
        java.util.TreeSet<Long> dense = new java.util.TreeSet<>();
        for (long o = 100; o < 1_000_100; o += 3) {
            dense.add(o);
        }
        assertThat(RecordRetraction.runs(dense, RecordRetraction.MAX_GAP))
                .containsExactly(new RecordRetraction.Run(100, 1_000_099));
        java.util.TreeSet<Long> sparse = new java.util.TreeSet<>(java.util.List.of(5L, 7L, 2_007L, 4_008L, 4_009L,
                9_000_000L));
        assertThat(RecordRetraction.runs(sparse, 2_000)).containsExactly(new RecordRetraction.Run(5, 2_007),
                new RecordRetraction.Run(4_008, 4_009), new RecordRetraction.Run(9_000_000, 9_000_000));
        assertThat(RecordRetraction.runs(new java.util.TreeSet<>(), 2_000)).isEmpty();
    }

    @Test
    void shouldGroupTheRecordsByPartitionInOffsetOrderOnce() {
        var grouped = RecordRetraction.byPartition(java.util.List.of(new RecordRetraction.Address("t", 1, 9),
                new RecordRetraction.Address("t", 0, 4), new RecordRetraction.Address("t", 1, 2),
                new RecordRetraction.Address("t", 1, 9)));
        assertThat(grouped.get(new org.apache.kafka.common.TopicPartition("t", 1))).containsExactly(2L, 9L);
        assertThat(grouped.get(new org.apache.kafka.common.TopicPartition("t", 0))).containsExactly(4L);
    }

    @Test
    void shouldRefuseATombstoneOrARecordThatIsNoChangeEvent() {
        assertThatThrownBy(() -> RecordRetraction.deleteOf(record(null))).hasMessageContaining("tombstone");
        assertThatThrownBy(() -> RecordRetraction.deleteOf(record("[1]")))
                .hasMessageContaining("not a Debezium change event");
    }
}
