package dev.strangler.parity.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.contract.IntakeHeaderNames;
import dev.strangler.parity.canonical.Canonicalizer;
import dev.strangler.parity.model.Operation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * {@link EnvelopeParser#parseForFold} reads the envelope's tokens instead of its tree and keeps the after-image's
 * bytes: the event is the one {@code parse} gives (the after-image's bytes read back to its tree), and what it does
 * not expect gives what {@code parse} gives, errors included.
 */
class EnvelopeParserFastPathTest {

    private static final String KEY = "{\"id\":7}";
    private static final String SOURCE = "\"source\":{\"version\":\"3.6.1.Final\",\"connector\":\"postgresql\","
            + "\"name\":\"p\",\"ts_ms\":1700000000123,\"snapshot\":\"false\",\"db\":\"d\",\"sequence\":"
            + "\"[\\\"1\\\",\\\"2\\\"]\",\"ts_us\":1700000000123456,\"schema\":\"s\",\"table\":\"t\","
            + "\"txId\":4321,\"lsn\":987654321,\"xmin\":null}";

    private static final List<String> VALUES = List.of(
            "{\"before\":null,\"after\":{\"id\":7,\"name\":\"Zoë \\u00e9\\\"}\",\"n\":1.50,\"big\":12345678901234567890,"
                    + "\"j\":\"{\\\"a\\\": [1, {\\\"b\\\": null}]}\",\"arr\":[1,[2,{\"x\":\"}\"}]],\"o\":{}},"
                    + SOURCE + ",\"transaction\":null,\"op\":\"c\",\"ts_ms\":1700000000200}",
            "{\"before\":{\"id\":7},\"after\":null," + SOURCE + ",\"op\":\"d\",\"ts_ms\":1}",
            "{\"op\":\"u\",\"after\":{\"id\":7}," + SOURCE + "}",
            "{\"before\":null,\"after\":{\"id\":7},\"source\":{\"snapshot\":\"first\",\"txId\":1,\"lsn\":2,"
                    + "\"ts_ms\":3},\"op\":\"r\"}",
            "{\"after\":{\"id\":7},\"source\":{\"snapshot\":\"last\",\"txId\":1,\"lsn\":2},\"op\":\"r\"}",
            "{\"after\":{\"id\":7},\"source\":{\"snapshot\":\"incremental\"},\"op\":\"r\"}",
            "{\"after\":{\"id\":7},\"source\":{\"snapshot\":true},\"op\":\"r\"}",
            "{\"after\":{\"id\":7},\"source\":{\"snapshot\":\"\"},\"op\":\"r\"}",
            "{\"after\":{\"id\":7},\"source\":{\"snapshot\":null},\"op\":\"r\"}",
            "{\"after\":{\"id\":7},\"op\":\"c\"}",
            "{\"after\":{\"id\":7},\"source\":\"nothing\",\"op\":\"c\"}",
            "{\"after\":{\"id\":7},\"source\":{\"txId\":\"12\",\"lsn\":\"34\"},\"op\":\"c\"}",
            "{\"after\":{\"id\":7},\"source\":{\"txId\":null,\"lsn\":1.5},\"op\":\"c\"}",
            "{\"after\":{\"id\":7},\"source\":{\"txId\":99999999999999999999},\"op\":\"c\"}",
            "{\"after\":{\"id\":7},\"source\":{\"txId\":1,\"txId\":2},\"op\":\"c\",\"source\":{\"lsn\":5}}",
            "{\"after\":{\"id\":1},\"after\":{\"id\":2},\"op\":\"c\"}",
            "{\"after\":{\"id\":7},\"op\":\"c\",\"op\":\"u\"}",
            "{\"after\":\"text\",\"op\":\"c\"}",
            "{\"after\":[1],\"op\":\"c\"}",
            "{\"op\":\"t\",\"source\":{\"txId\":5,\"lsn\":6}}",
            "{\"op\":\"m\"}",
            "{\"schema\":{\"type\":\"struct\"},\"payload\":{\"after\":{\"id\":7},\"op\":\"c\",\"source\":{\"lsn\":1}}}",
            "{\"payload\":{\"after\":{\"id\":7},\"op\":\"c\"},\"schema\":null}",
            "{\"schema\":{},\"after\":{\"id\":7},\"op\":\"c\"}",
            "  {\"after\" : { \"id\" : 7 , \"s\" : \" } \" } , \"op\" : \"c\" }  ",
            "{\"after\":{\"id\":7},\"op\":\"c\"} trailing",
            "null", "[]", "\"c\"", "", "{\"op\":\"x\"}", "{\"op\":1}", "{\"after\":{\"id\":7}}", "not json",
            "{\"after\":{\"id\":7,},\"op\":\"c\"}", "{\"after\":{\"id\":\"\\q\"},\"op\":\"c\"}",
            "{\"after\":{\"id\":7},\"op\":\"c\"");

    /** Record keys around the one-integer shape the scanner keeps as bytes. */
    static final List<String> KEYS = List.of("{\"id\":7}", "{\"id\":0}", "{\"id\":-0}", "{\"id\":007}",
            "{\"id\":-12}", "{\"id\":123456789012345678}", "{\"id\":9223372036854775807}",
            "{\"id\":-9223372036854775808}", "{\"id\":9223372036854775808}", "{\"schema\":7}", "{\"payload\":1}",
            "{\"id\" :7}", "{ \"id\":7}", "{\"id\":7 }", "{\"i\\\"d\":7}", "{\"id\":7,\"x\":1}", "{\"é\":7}",
            "{\"id\":1.5}", "{\"id\":1e3}", "{\"id\":\"7\"}", "{\"\":7}", "{\"id\":}", "{\"id\":-}", "{\"id\":7}x",
            "{\"a\":1,\"a\":2}", "{\"id\":null}", "{}");

    private final EnvelopeParser parser = new EnvelopeParser();

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    private String outcome(ConsumerRecord<byte[], byte[]> record, boolean fast) {
        try {
            ChangeEvent e = fast ? parser.parseForFold(record) : parser.parse(record);
            if (!fast && e.repair() && e.op() != Operation.DELETE
                    && parser.parseWithoutTree(record.key(), record.value()) != null) {
                e = parser.parse(record.key(), record.value()); // the one difference: a repair writes only deletes
            }
            JsonNode after = e.after();
            if (e.afterJson() != null) {
                assertThat(after).isNull();
                after = Canonicalizer.eventMapper().readTree(e.afterJson());
            }
            return e.key() + " " + e.op() + " " + after + " " + e.txId() + " " + e.lsn() + " " + e.snapshot() + " "
                    + e.snapshotMarker() + " " + e.sourceTsMs() + " " + e.repair() + " " + e.isTombstone() + " "
                    + e.hasAfter();
        } catch (EnvelopeParser.MalformedEventException ex) {
            return "malformed: " + ex.getMessage();
        } catch (java.io.IOException ex) {
            throw new AssertionError(ex);
        }
    }

    private void same(String key, String value, boolean repair) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("t", 0, 0L, bytes(key), bytes(value));
        if (repair) {
            record.headers().add(IntakeHeaderNames.REPAIR, bytes("1"));
        }
        assertThat(outcome(record, true)).as("%s / %s", key, value).isEqualTo(outcome(record, false));
    }

    @Test
    void everyEnvelopeReadsAsItsTreeReads() {
        for (String value : VALUES) {
            same(KEY, value, false);
            same(KEY, value, true);
            same("{\"schema\":{},\"payload\":{\"id\":7}}", value, false);
        }
        for (String key : KEYS) {
            same(key, VALUES.get(0), false);
            same(key, VALUES.get(0), true);
        }
        same(KEY, null, false);
        same(null, VALUES.get(0), false);
        same("not json", VALUES.get(0), false);
        same("not json", "not json", false);
    }

    @Test
    void theCommonEnvelopeIsReadWithoutATreeAndKeepsTheAfterImagesBytes() {
        ChangeEvent e = parser.parseWithoutTree(bytes(KEY), bytes(VALUES.get(0)));
        assertThat(e).isNotNull();
        assertThat(e.after()).isNull();
        assertThat(new String(e.afterJson(), StandardCharsets.UTF_8)).startsWith("{\"id\":7,\"name\":\"Zoë")
                .endsWith("\"o\":{}}");
        assertThat(e.txId()).isEqualTo(4321);
        assertThat(e.lsn()).isEqualTo(987654321);
        assertThat(e.sourceTsMs()).isEqualTo(1700000000123L);
        assertThat(e.snapshot()).isFalse();
        assertThat(e.snapshotMarker()).isEqualTo("false");
        ConsumerRecord<byte[], byte[]> delete = new ConsumerRecord<>("t", 0, 0L, bytes(KEY), bytes(VALUES.get(1)));
        delete.headers().add(IntakeHeaderNames.REPAIR, bytes("1"));
        assertThat(parser.parseForFold(delete).repair()).isTrue();
        // schemas on: left to the tree
        assertThat(parser.parseWithoutTree(bytes(KEY), bytes(VALUES.get(21)))).isNull();
    }
}
