package dev.strangler.parity.canonical;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PgTextTest {

    @Test
    void arrayLiteralsWithNullsQuotesAndEscapes() {
        assertThat(PgText.parseArray("{a,NULL,\"b,c\",\"\\\"q\\\"\",\"\",\"NULL\"}"))
                .isEqualTo(Arrays.asList("a", null, "b,c", "\"q\"", "", "NULL"));
        assertThat(PgText.parseArray("{}")).isEmpty();
        assertThat(PgText.parseArray("{\"\\\\xdeadbeef\",NULL}")).isEqualTo(Arrays.asList("\\xdeadbeef", null));
        assertThat(PgText.parseArray("{\"2024-03-01 10:34:56.789012+00\"}"))
                .isEqualTo(List.of("2024-03-01 10:34:56.789012+00"));
    }

    @Test
    void multiDimensionalAndLowerBounds() {
        assertThat(PgText.parseArray("{{1,2},{3,NULL}}"))
                .isEqualTo(List.of(List.of("1", "2"), Arrays.asList("3", null)));
        assertThat(PgText.parseArray("[0:1]={7,8}")).isEqualTo(List.of("7", "8"));
        assertThat(PgText.parseArray("[1:1][1:2]={{1,2}}")).isEqualTo(List.of(List.of("1", "2")));
    }

    @Test
    void malformedArrays() {
        assertThatThrownBy(() -> PgText.parseArray("{a,b")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PgText.parseArray("{a}x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PgText.parseArray("{\"a}")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void hstore() {
        assertThat(PgText.parseHstore("\"a\"=>\"1\", \"b\"=>NULL"))
                .containsExactly(Map.entry("a", "1"), new java.util.AbstractMap.SimpleEntry<>("b", null));
        assertThat(PgText.parseHstore("")).isEmpty();
        assertThat(PgText.parseHstore("\"k\\\"\"=>\"NULL\"")).containsEntry("k\"", "NULL");
    }

    @Test
    void byteaHexAndEscapeFormats() {
        assertThat(PgText.decodeBytea("\\xdeadbeef")).containsExactly(0xde, 0xad, 0xbe, 0xef);
        assertThat(PgText.decodeBytea("\\x")).isEmpty();
        assertThat(PgText.decodeBytea("a\\000\\\\\\377")).containsExactly('a', 0, '\\', 0xff);
    }
}
