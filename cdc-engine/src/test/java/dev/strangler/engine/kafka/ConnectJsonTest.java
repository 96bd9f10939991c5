package dev.strangler.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

/** The streaming writer must produce exactly the bytes Kafka Connect's JsonConverter produces, for every type. */
class ConnectJsonTest {

    private static JsonConverter converter(boolean isKey, boolean replaceNullWithDefault) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", "false", "replace.null.with.default",
                String.valueOf(replaceNullWithDefault)), isKey);
        return c;
    }

    private static void assertSameBytes(Schema schema, Object value) {
        for (boolean replace : new boolean[] {true, false}) {
            JsonConverter reference = converter(false, replace);
            ConnectJson json = new ConnectJson(converter(false, replace), replace);
            byte[] expected = reference.fromConnectData("t", schema, value);
            byte[] actual = json.fromConnectData("t", schema, value);
            assertThat(new String(actual, StandardCharsets.UTF_8)).as(String.valueOf(value))
                    .isEqualTo(new String(expected, StandardCharsets.UTF_8));
            assertThat(actual).isEqualTo(expected);
        }
    }

    private static final Schema ROW = SchemaBuilder.struct().name("shop.customers.Value")
            .field("id", Schema.INT64_SCHEMA)
            .field("tiny", Schema.OPTIONAL_INT8_SCHEMA)
            .field("small", Schema.OPTIONAL_INT16_SCHEMA)
            .field("count", Schema.OPTIONAL_INT32_SCHEMA)
            .field("ratio", Schema.OPTIONAL_FLOAT32_SCHEMA)
            .field("weight", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("vip", Schema.OPTIONAL_BOOLEAN_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("price", SchemaBuilder.string().optional().name("io.debezium.data.VariableScaleDecimal")
                    .build())
            .field("bits", SchemaBuilder.bytes().optional().name("io.debezium.data.Bits").build())
            .field("tags", SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).optional().build())
            .field("attrs", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA).optional().build())
            .field("pairs", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.OPTIONAL_FLOAT64_SCHEMA).optional().build())
            .field("flag", SchemaBuilder.bool().optional().defaultValue(true).build())
            .optional().build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("shop.customers.Envelope")
            .field("before", ROW).field("after", ROW)
            .field("source", SchemaBuilder.struct().field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
                    .field("snapshot", SchemaBuilder.string().optional().defaultValue("false").build()).build())
            .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();

    @Test
    void shouldWriteEveryTypeExactlyAsJsonConverterDoes() {
        Random random = new Random(1);
        for (int i = 0; i < 500; i++) {
            Struct after = row(random, i);
            Struct envelope = new Struct(ENVELOPE).put("before", i % 3 == 0 ? row(random, i) : null)
                    .put("after", after).put("source", new Struct(ENVELOPE.field("source").schema())
                            .put("lsn", random.nextLong()).put("snapshot", i % 2 == 0 ? null : "last"))
                    .put("op", "u").put("ts_ms", System.currentTimeMillis());
            assertSameBytes(ENVELOPE, envelope);
        }
    }

    @Test
    void shouldWriteTheEdgesOfNumbersAndTextExactlyAsJsonConverterDoes() {
        for (double d : new double[] {0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            Double.MIN_VALUE, Double.MAX_VALUE, 1e-7, 123456789.123456789, 0.1 + 0.2}) {
            assertSameBytes(Schema.FLOAT64_SCHEMA, d);
            assertSameBytes(Schema.FLOAT32_SCHEMA, (float) d);
        }
        for (String s : new String[] {"", "plain", "quote \" backslash \\ slash /", "tab\tnewline\nreturn\r",
            "\u0000\u0001\u001f control", "é ü 漢字 😀", "\u2028\u2029", "</script>"}) {
            assertSameBytes(Schema.STRING_SCHEMA, s);
        }
        assertSameBytes(Schema.INT64_SCHEMA, Long.MIN_VALUE);
        assertSameBytes(Schema.INT8_SCHEMA, Byte.MIN_VALUE);
        assertSameBytes(Schema.BYTES_SCHEMA, new byte[0]);
        assertSameBytes(Schema.BYTES_SCHEMA, ByteBuffer.wrap(new byte[] {1, 2, (byte) 255}));
        assertSameBytes(SchemaBuilder.array(Schema.OPTIONAL_INT32_SCHEMA).build(), Arrays.asList(1, null, 3));
    }

    @Test
    void shouldFallBackToJsonConverterForConnectsOwnLogicalTypes() {
        Schema withDecimal = SchemaBuilder.struct().field("amount", Decimal.schema(2))
                .field("when", org.apache.kafka.connect.data.Timestamp.SCHEMA).build();
        assertSameBytes(withDecimal, new Struct(withDecimal).put("amount", new BigDecimal("12.34"))
                .put("when", new java.util.Date(1_700_000_000_000L)));
    }

    @Test
    void shouldWriteAKeyAsJsonConverterDoes() {
        JsonConverter key = converter(true, true);
        ConnectJson json = new ConnectJson(converter(true, true), true);
        Schema keySchema = SchemaBuilder.struct().field("order_id", Schema.INT64_SCHEMA)
                .field("line_no", Schema.INT32_SCHEMA).build();
        Struct k = new Struct(keySchema).put("order_id", 7L).put("line_no", 1);
        assertThat(json.fromConnectData("t", keySchema, k)).isEqualTo(key.fromConnectData("t", keySchema, k));
    }

    private static Struct row(Random random, int i) {
        Map<String, String> attrs = new LinkedHashMap<>();
        attrs.put("color", "red " + i);
        attrs.put("empty", null);
        Map<Integer, Double> pairs = new LinkedHashMap<>();
        pairs.put(i, random.nextDouble());
        List<String> tags = new ArrayList<>();
        tags.add("a" + i);
        tags.add(i % 5 == 0 ? null : "b\"" + i);
        byte[] bits = new byte[random.nextInt(4)];
        random.nextBytes(bits);
        return new Struct(ROW).put("id", (long) i).put("tiny", (byte) i).put("small", (short) (i * 7))
                .put("count", i % 4 == 0 ? null : random.nextInt())
                .put("ratio", random.nextFloat()).put("weight", i % 7 == 0 ? Double.NaN : random.nextGaussian() * 1e6)
                .put("vip", i % 2 == 0).put("name", "n" + i + (i % 9 == 0 ? " ü\n" : ""))
                .put("price", String.valueOf(random.nextInt()) + ".25").put("bits", bits)
                .put("tags", i % 6 == 0 ? null : tags).put("attrs", attrs).put("pairs", pairs)
                .put("flag", i % 2 == 0 ? null : Boolean.FALSE);
    }
}
