package dev.strangler.cli.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

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
}
