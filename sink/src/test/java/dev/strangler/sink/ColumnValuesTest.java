package dev.strangler.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ColumnValuesTest {

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .setNodeFactory(com.fasterxml.jackson.databind.node.JsonNodeFactory.withExactBigDecimals(true));

    private static String text(TargetCatalog.Kind kind, String json) throws Exception {
        JsonNode node = JSON.readTree(json);
        return ColumnValues.text(new TargetCatalog.Column("c", "x", kind, false, false), node);
    }

    @Test
    void turnsTheEventContractsEncodingsIntoColumnText() throws Exception {
        assertThat(text(TargetCatalog.Kind.OTHER, "\"1234567890.10\"")).isEqualTo("1234567890.10");
        assertThat(text(TargetCatalog.Kind.OTHER, "1E+3")).as("never exponent form").isEqualTo("1000");
        assertThat(text(TargetCatalog.Kind.OTHER, "12345678901234567890123")).isEqualTo("12345678901234567890123");
        assertThat(text(TargetCatalog.Kind.OTHER, "0.10")).isEqualTo("0.10");
        assertThat(text(TargetCatalog.Kind.OTHER, "true")).isEqualTo("true");
        assertThat(text(TargetCatalog.Kind.OTHER, "null")).isNull();
        assertThat(text(TargetCatalog.Kind.LOCAL_TEMPORAL, "\"2000-02-29Z\"")).isEqualTo("2000-02-29");
        assertThat(text(TargetCatalog.Kind.LOCAL_TEMPORAL, "\"2024-03-01T12:34:56.789012Z\""))
                .isEqualTo("2024-03-01T12:34:56.789012");
        assertThat(text(TargetCatalog.Kind.OTHER, "\"2024-03-01T12:34:56Z\"")).as("timestamptz keeps its zone")
                .isEqualTo("2024-03-01T12:34:56Z");
        assertThat(text(TargetCatalog.Kind.JSON, "\"{\\\"a\\\": 1}\"")).isEqualTo("{\"a\": 1}");
        assertThat(text(TargetCatalog.Kind.JSON, "{\"a\":[1,2]}")).isEqualTo("{\"a\":[1,2]}");
        assertThat(text(TargetCatalog.Kind.BYTEA, "\"AAEC\"")).isEqualTo("AAEC");
        assertThatThrownBy(() -> text(TargetCatalog.Kind.BYTEA, "{}"))
                .hasMessageContaining("a bytea value must be base64 text");
    }

    @Test
    void writesArraysAsLiteralsWhoseElementsStayValues() throws Exception {
        assertThat(text(TargetCatalog.Kind.ARRAY, "[\"a\", null, \"b\\\"c\", \"x,y\", \"NULL\", \"back\\\\slash\"]"))
                .isEqualTo("{\"a\",NULL,\"b\\\"c\",\"x,y\",\"NULL\",\"back\\\\slash\"}");
        assertThat(text(TargetCatalog.Kind.ARRAY, "[[1,2],[3,4]]")).isEqualTo("{{\"1\",\"2\"},{\"3\",\"4\"}}");
        assertThat(text(TargetCatalog.Kind.ARRAY, "[]")).isEqualTo("{}");
    }

    @Test
    void recognisesTheUnavailableValuePlaceholderInEveryShape() throws Exception {
        assertThat(ColumnValues.unavailable(JSON.readTree("\"__debezium_unavailable_value\""))).isTrue();
        assertThat(ColumnValues.unavailable(JSON.readTree("\"" + ColumnValues.UNAVAILABLE_BASE64 + "\""))).isTrue();
        assertThat(ColumnValues.unavailable(JSON.readTree("[\"__debezium_unavailable_value\"]"))).isTrue();
        assertThat(ColumnValues.unavailable(JSON.readTree("\"a value\""))).isFalse();
    }
}
