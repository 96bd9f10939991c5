package dev.strangler.parity.repair;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.contract.TableId;
import dev.strangler.parity.canonical.Canonicalizer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyFilterTest {

    private static JsonNode key(String json) throws Exception {
        return Canonicalizer.eventMapper().readTree(json);
    }

    @Test
    void shouldSelectOneColumnKeysAsQuotedLiterals() throws Exception {
        assertThat(KeyFilter.of(List.of(key("{\"id\":7}"), key("{\"id\":12345678901234}"))))
                .isEqualTo("(\"id\") IN (('7'),('12345678901234'))");
    }

    @Test
    void shouldSelectCompositeKeysInKeyOrderEscapingQuotesAndKeepingEveryDigit() throws Exception {
        assertThat(KeyFilter.of(List.of(key("{\"region\":\"O'Hare\",\"amount\":1234567890.123456789}"))))
                .isEqualTo("(\"region\",\"amount\") IN (('O''Hare','1234567890.123456789'))");
    }

    @Test
    void shouldRefuseKeysOfAnotherShapeOrWithoutAScalar() throws Exception {
        assertThatThrownBy(() -> KeyFilter.of(List.of(key("{\"a\":1}"), key("{\"b\":1}"))))
                .hasMessageContaining("does not have the columns [a]");
        assertThatThrownBy(() -> KeyFilter.of(List.of(key("{\"a\":[1]}")))).hasMessageContaining("not a scalar");
    }

    @Test
    void shouldNameAKeyTypeWhoseCanonicalTextALiteralWouldNotMatch() {
        TableId t = TableId.parse("shop.files");
        Map<String, String> readable = new LinkedHashMap<>();
        readable.put("id", "bigint");
        readable.put("name", "character varying(40)");
        assertThat(KeyFilter.unreadableReason(t, readable)).isEmpty();
        assertThat(KeyFilter.unreadableReason(t, Map.of("digest", "bytea"))).get().asString()
                .contains("digest", "bytea");
        assertThat(KeyFilter.unreadableReason(t, Map.of())).get().asString().contains("no primary key");
    }
}
