package dev.strangler.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class TopicCensusTest {

    @Test
    void readsTheOpOfASchemalessEnvelope() {
        byte[] value = """
                {"before":null,"after":{"id":1,"name":"Zoë"},"source":{"lsn":123,"txId":747},"op":"c","ts_ms":1}"""
                .getBytes(UTF_8);
        assertThat(TopicCensus.opOf(value)).isEqualTo("c");
        assertThat(TopicCensus.opOf("{\"op\":\"r\"}".getBytes(UTF_8))).isEqualTo("r");
    }

    @Test
    void readsTheOpInsideThePayloadOfAnEnvelopeWithSchema() {
        byte[] value = "{\"schema\":{\"type\":\"struct\"},\"payload\":{\"op\":\"d\",\"before\":{\"id\":1}}}"
                .getBytes(UTF_8);
        assertThat(TopicCensus.opOf(value)).isEqualTo("d");
    }

    @Test
    void aNullValueIsATombstone() {
        assertThat(TopicCensus.opOf(null)).isNull();
    }

    @Test
    void anythingElseIsCountedAsUnknown() {
        assertThat(TopicCensus.opOf("not json".getBytes(UTF_8))).isEqualTo("?");
        assertThat(TopicCensus.opOf("{\"after\":{}}".getBytes(UTF_8))).isEqualTo("?");
        assertThat(TopicCensus.opOf("{\"op\":7}".getBytes(UTF_8))).isEqualTo("?");
        assertThat(TopicCensus.opOf("[]".getBytes(UTF_8))).isEqualTo("?");
    }

    @Test
    void opCountsAddUpAndDeriveTheRowsTheStreamImplies() {
        OpCounts counts = OpCounts.NONE;
        for (String op : new String[] {"r", "r", "r", "c", "c", "u", "d", null, "x"}) {
            counts = counts.plus(op);
        }
        assertThat(counts).isEqualTo(new OpCounts(2, 1, 1, 3, 1, 1));
        assertThat(counts.events()).isEqualTo(9);
        assertThat(counts.rowsFromStream()).isEqualTo(4);
    }

    @Test
    void anOutboxRecordIsIdentifiedByItsIdHeader() {
        UUID id = UUID.fromString("6f1c1c7e-9a2b-4c3d-8e4f-0a1b2c3d4e5f");
        assertThat(TopicCensus.eventId(headers("id", id.toString()))).isEqualTo(id);
        // a pipeline with a JSON header converter writes it as a JSON string
        assertThat(TopicCensus.eventId(headers("id", "\"" + id + "\""))).isEqualTo(id);
        assertThat(TopicCensus.eventId(new RecordHeaders())).isNull();
        assertThat(TopicCensus.eventId(headers("id", "order-42"))).isNull();
        assertThat(TopicCensus.eventId(headers("eventType", "OrderPlaced"))).isNull();
    }

    @Test
    void anOutboxTallyCountsRecordsDistinctIdsDuplicatesAndRecordsWithoutId() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        TopicCensus.OutboxTally tally = new TopicCensus.OutboxTally(1);
        tally.add(headers("id", a.toString()));
        tally.add(headers("id", b.toString()));
        tally.add(headers("id", a.toString()));
        tally.add(new RecordHeaders());
        TopicCensus.OutboxCount count = tally.count();
        assertThat(count.partitions()).isEqualTo(1);
        assertThat(count.records()).isEqualTo(4);
        assertThat(count.withoutId()).isEqualTo(1);
        assertThat(count.eventIds()).containsExactlyInAnyOrder(a, b);
        assertThat(count.duplicates()).isEqualTo(1);
        assertThat(TopicCensus.OutboxCount.NONE.duplicates()).isZero();
    }

    private static RecordHeaders headers(String name, String value) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(name, value.getBytes(UTF_8));
        return headers;
    }
}
