package dev.strangler.parity.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.parity.model.Operation;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EnvelopeParserTest {

    private final EnvelopeParser parser = new EnvelopeParser();

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldReadEveryDebeziumOpAsItsOperation() {
        for (Operation op : Operation.values()) {
            ChangeEvent e = parser.parse(bytes("{\"id\":1}"), bytes("{\"op\":\"" + op.code() + "\",\"after\":null,"
                    + "\"source\":{\"txId\":7,\"lsn\":42,\"snapshot\":\"false\"}}"));
            assertThat(e.op()).isEqualTo(op);
            assertThat(e.txId()).isEqualTo(7);
            assertThat(e.lsn()).isEqualTo(42);
            assertThat(Operation.ofCode(op.code().charAt(0))).isEqualTo(op);
        }
    }

    @Test
    void shouldReadASnapshotReadWithSchemasOnAndATombstone() {
        ChangeEvent read = parser.parse(bytes("{\"schema\":{},\"payload\":{\"id\":1}}"), bytes("{\"schema\":{},"
                + "\"payload\":{\"op\":\"r\",\"after\":{\"id\":1},\"source\":{\"snapshot\":\"last\"}}}"));
        assertThat(read.op()).isEqualTo(Operation.READ);
        assertThat(read.snapshot()).isTrue();
        assertThat(read.after().get("id").asInt()).isEqualTo(1);
        assertThat(read.key().get("id").asInt()).isEqualTo(1);
        ChangeEvent tombstone = parser.parse(bytes("{\"id\":1}"), null);
        assertThat(tombstone.isTombstone()).isTrue();
        assertThat(tombstone.op()).isNull();
    }

    @Test
    void shouldRefuseAValueWithoutADebeziumOp() {
        assertThatThrownBy(() -> parser.parse(bytes("{\"id\":1}"), bytes("{\"op\":\"x\"}")))
                .isInstanceOf(EnvelopeParser.MalformedEventException.class)
                .hasMessageContaining("no Debezium op (c, u, d, r, t or m)");
        assertThatThrownBy(() -> parser.parse(bytes("{\"id\":1}"), bytes("not json")))
                .isInstanceOf(EnvelopeParser.MalformedEventException.class).hasMessageContaining("not JSON");
    }
}
