package dev.strangler.parity.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.contract.EventEncoding;
import dev.strangler.parity.canonical.CanonicalValue;
import dev.strangler.parity.canonical.Canonicalizer;
import dev.strangler.parity.canonical.ColumnType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The codec reads a spilled after-image's tokens instead of its tree: every column's canonical value (or gap, with
 * its reason) is the one the tree gives, whatever JSON type each field has, for fields named twice, missing fields,
 * fields of no column, TOAST placeholders and unreadable values, in Strangler's and in Kafka Connect's encodings.
 */
class CanonicalRowCodecsStreamRowTest {

    private static final List<ColumnType> COLUMNS = List.of(
            ColumnType.scalar("id", "int8"), ColumnType.scalar("name", "text"),
            ColumnType.scalar("price", "numeric").withTypmod((12 << 16 | 2) + 4), ColumnType.scalar("at", "timestamptz"),
            ColumnType.scalar("doc", "jsonb"), ColumnType.arrayOf("tags", "text"), ColumnType.scalar("flag", "bool"),
            ColumnType.scalar("f", "float8"), ColumnType.scalar("r", "float4"), ColumnType.scalar("raw", "bytea"),
            ColumnType.scalar("d", "date"), ColumnType.scalar("ts", "timestamp"), ColumnType.scalar("h", "hstore"),
            ColumnType.arrayOf("ids", "int4"), ColumnType.scalar("u", "uuid"), ColumnType.scalar("i", "interval"),
            ColumnType.scalar("n", "numeric"));

    private static final String[] FIELD_VALUES = {"null", "0", "-1", "7", "2147483648", "9223372036854775807",
        "99999999999999999999", "1.50", "1e2", "-0.0", "1.5e-7", "true", "false", "\"\"", "\"12.30\"",
        "\"2024-03-01T10:34:56.789Z\"", "\"2024-03-01 12:34:56+02\"", "\"{\\\"b\\\": 1, \\\"a\\\": [1.50, \\\"é\\\"]}\"",
        "{\"b\":1,\"a\":null}", "[\"x\",null,\"y\"]", "[1,2,[3]]", "[]", "\"__debezium_unavailable_value\"",
        "[\"__debezium_unavailable_value\"]", "\"AQID\"", "\"2000-02-29\"", "\"t\"", "\"Zoë \\u00e9 \\\"q\\\"\"",
        "\"{\\\"k\\\":\\\"v\\\"}\"", "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"", "\"P1Y2M3DT4H5M6.5S\"",
        "\"not a value\"", "\"NaN\"", "\"Infinity\"", "{\"scale\":2,\"value\":\"BNI=\"}", "1.0E+3"};

    private static String describe(CanonicalValue[] values) {
        return Arrays.toString(Arrays.stream(values).map(v -> v.kind() + "|" + v.text() + "|" + v.reason())
                .toArray());
    }

    private static void same(RowCodec codec, String after) throws Exception {
        byte[] bytes = after.getBytes(StandardCharsets.UTF_8);
        String byTree = describe(codec.streamRow(Canonicalizer.eventMapper().readTree(bytes)));
        assertThat(describe(codec.streamRow(bytes))).as("%s", after).isEqualTo(byTree);
    }

    @Test
    void everyFieldReadsAsTheTreeReadsIt() throws Exception {
        for (EventEncoding encoding : List.of(EventEncoding.strangler(), EventEncoding.of("precise", "adaptive", "bytes", "string"))) {
            RowCodec codec = CanonicalRowCodecs.codec(new Canonicalizer(
                    Canonicalizer.DEFAULT_UNAVAILABLE_PLACEHOLDER, encoding), COLUMNS, List.of("id"));
            for (ColumnType column : COLUMNS) {
                for (String value : FIELD_VALUES) {
                    same(codec, "{\"id\":1,\"" + column.name() + "\":" + value + ",\"extra\":{\"x\":[1]}}");
                }
            }
            same(codec, "{}");
            same(codec, "{\"id\":1,\"name\":\"a\",\"name\":\"b\",\"id\":2}");
            same(codec, "{\"id\":1,\"name\":\"a\",\"name\":null}");
            Random random = new Random(7);
            for (int i = 0; i < 3000; i++) {
                List<String> fields = new ArrayList<>();
                for (ColumnType column : COLUMNS) {
                    if (random.nextInt(6) != 0) {
                        fields.add("\"" + column.name() + "\":" + FIELD_VALUES[random.nextInt(FIELD_VALUES.length)]);
                    }
                }
                java.util.Collections.shuffle(fields, random);
                same(codec, "{" + String.join(",", fields) + "}");
            }
        }
    }
}
