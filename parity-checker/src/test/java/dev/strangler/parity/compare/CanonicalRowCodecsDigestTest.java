package dev.strangler.parity.compare;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.contract.EventEncoding;
import dev.strangler.parity.canonical.CanonicalValue;
import dev.strangler.parity.canonical.Canonicalizer;
import dev.strangler.parity.canonical.ColumnType;
import dev.strangler.parity.canonical.RowDigests;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The codec's digest of an after-image, built from its bytes where a value spells its plain text and canonicalised
 * elsewhere, is the digest of {@link RowDigests#digestInput} over the tree's canonical values (unsure exactly when a
 * column shows no value), for every mix of raw and canonicalised columns, nulls, absent fields, placeholders, field
 * orders, fields of no column and fields named twice, in Strangler's and in Kafka Connect's encodings.
 * RawPlainTextTest checks the raw values type by type.
 */
class CanonicalRowCodecsDigestTest {

    private static final List<ColumnType> COLUMNS = List.of(
            ColumnType.scalar("id", "int8"), ColumnType.scalar("name", "text"),
            ColumnType.scalar("price", "numeric").withTypmod((12 << 16 | 2) + 4), ColumnType.scalar("at", "timestamptz"),
            ColumnType.scalar("doc", "jsonb"), ColumnType.arrayOf("tags", "text"), ColumnType.scalar("flag", "bool"),
            ColumnType.scalar("f", "float8"), ColumnType.scalar("raw", "bytea"), ColumnType.scalar("d", "date"),
            ColumnType.scalar("ts", "timestamp"), ColumnType.scalar("u", "uuid"), ColumnType.scalar("c", "bpchar"),
            ColumnType.scalar("j", "json"), ColumnType.scalar("n", "numeric"));

    private static final String[] FIELD_VALUES = {"null", "0", "-1", "7", "-0", "2147483648", "9223372036854775807",
        "99999999999999999999", "1.50", "1e2", "-0.0", "true", "false", "\"\"", "\"  \"", "\"12.30\"", "\"-0.00\"",
        "\"100\"", "\"2024-03-01T10:34:56.789000Z\"", "\"2024-03-01T10:34:56Z\"", "\"2024-03-01 12:34:56+02\"",
        "\"2023-02-29T00:00:00Z\"", "\"{\\\"b\\\": 1, \\\"a\\\": [1.50, \\\"é\\\"]}\"", "\"{\\\"a\\\": [1.5, \\\"é\\\"], \\\"bb\\\": {}}\"",
        "\"{\\\"a\\\": \\\"\\\\\\\"q\\\\\\\" \\\\n \\\\u0001\\\"}\"", "\"[]\"", "\"null\"",
        "{\"b\":1,\"a\":null}", "[\"x\",null,\"y\"]", "[]", "\"__debezium_unavailable_value\"",
        "[\"__debezium_unavailable_value\"]", "\"AQID\"", "\"2000-02-29\"", "\"t\"", "\"Zoë \\u00e9 \\\"q\\\" \\ud83d\\ude00\"",
        "\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"", "\"A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11\"", "\"not a value\"",
        "\"NaN\"", "\"\\ud800\"", "19000", "1709289296000000", "{\"scale\":2,\"value\":\"BNI=\"}", "1.0E+3"};

    private static long canonicalDigest(RowCodec codec, byte[] after, MessageDigest md5) throws Exception {
        CanonicalValue[] values = codec.streamRow(Canonicalizer.eventMapper().readTree(after));
        List<String> texts = new ArrayList<>();
        for (CanonicalValue v : values) {
            texts.add(v.isValue() ? v.text() : null);
        }
        String input = RowDigests.digestInput(COLUMNS, texts);
        return input == null ? RowCodec.UNSURE : RowDigests.digest64(input, md5);
    }

    private static void same(RowCodec codec, String after, MessageDigest md5) throws Exception {
        byte[] bytes = after.getBytes(StandardCharsets.UTF_8);
        assertThat(codec.digest64(bytes, COLUMNS, md5)).as("%s", after).isEqualTo(canonicalDigest(codec, bytes, md5));
    }

    @Test
    void theDigestIsTheCanonicalOnesWhateverTheMix() throws Exception {
        MessageDigest md5 = RowDigests.md5();
        for (EventEncoding encoding : List.of(EventEncoding.strangler(),
                EventEncoding.of("precise", "adaptive", "bytes", "string"))) {
            RowCodec codec = CanonicalRowCodecs.codec(new Canonicalizer(
                    Canonicalizer.DEFAULT_UNAVAILABLE_PLACEHOLDER, encoding), COLUMNS, List.of("id"));
            Random random = new Random(11);
            int sure = 0;
            for (int i = 0; i < 10_000; i++) {
                List<String> fields = new ArrayList<>();
                for (ColumnType column : COLUMNS) {
                    if (random.nextInt(40) != 0) {
                        fields.add("\"" + column.name() + "\":" + value(column, random));
                    }
                }
                if (random.nextInt(10) == 0) {
                    fields.add("\"extra\":{\"x\":[1, \"y\"]}");
                }
                if (random.nextInt(3) == 0) {
                    java.util.Collections.shuffle(fields, random);
                }
                String after = "{" + String.join(random.nextInt(5) == 0 ? " , " : ",", fields) + "}";
                same(codec, after, md5);
                if (codec.digest64(after.getBytes(StandardCharsets.UTF_8), COLUMNS, md5) != RowCodec.UNSURE) {
                    sure++;
                }
            }
            assertThat(sure).as("rows with a digest").isGreaterThan(200);
            same(codec, "{}", md5);
            same(codec, "[]", md5);
            same(codec, "{\"id\":1,\"name\":\"a\",\"name\":\"b\"}", md5);
        }
    }

    /** Per column, values it reads (most of them spelling their plain text), so that many whole rows get digests. */
    private static final java.util.Map<String, String[]> GOOD = java.util.Map.ofEntries(
            java.util.Map.entry("id", new String[] {"7", "-1", "0", "123456789012345678", "\"42\""}),
            java.util.Map.entry("name", new String[] {"\"\"", "\"Zoë \\u00e9 \\\"q\\\"\"", "\"a\\/b\\n\"", "\"x\""}),
            java.util.Map.entry("price", new String[] {"\"12.50\"", "\"-0.00\"", "\"100\"", "12", "\"1e3\""}),
            java.util.Map.entry("at", new String[] {"\"2024-03-01T10:34:56.789000Z\"", "\"2024-03-01T10:34:56Z\"",
                "\"2024-03-01T12:34:56+02:00\""}),
            java.util.Map.entry("doc", new String[] {"\"{\\\"a\\\": [1.5, \\\"é\\\"], \\\"bb\\\": {}}\"",
                "\"{\\\"b\\\": 1, \\\"a\\\": 2}\"", "\"{\\\"a\\\": 1.50}\"", "\"[]\"", "\"\\\"s\\\"\""}),
            java.util.Map.entry("tags", new String[] {"[\"x\",null]", "[]"}),
            java.util.Map.entry("flag", new String[] {"true", "false"}),
            java.util.Map.entry("f", new String[] {"1.5", "-0.0", "\"NaN\""}),
            java.util.Map.entry("raw", new String[] {"\"AQID\"", "\"\""}),
            java.util.Map.entry("d", new String[] {"\"2000-02-29\"", "19000"}),
            java.util.Map.entry("ts", new String[] {"\"2024-03-01T10:34:56.5\"", "1709289296000000"}),
            java.util.Map.entry("u", new String[] {"\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"",
                "\"A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11\""}),
            java.util.Map.entry("c", new String[] {"\"ab  \"", "\"  \"", "\"\""}),
            java.util.Map.entry("j", new String[] {"\"{\\\"b\\\":1}\"", "\"{\\\"b\\\": 1}\""}),
            java.util.Map.entry("n", new String[] {"\"0.10\"", "-5", "\"NaN\""}));

    private static String value(ColumnType column, Random random) {
        int pick = random.nextInt(5);
        if (pick == 0) {
            return FIELD_VALUES[random.nextInt(FIELD_VALUES.length)];
        }
        if (pick == 1) {
            return "null";
        }
        String[] good = GOOD.get(column.name());
        return good[random.nextInt(good.length)];
    }

    @Test
    void aRowOfTheBenchmarksShapeIsDigestedFromItsBytes() throws Exception {
        List<ColumnType> columns = List.of(ColumnType.scalar("id", "int8"), ColumnType.scalar("name", "text"),
                ColumnType.scalar("description", "text"),
                ColumnType.scalar("price", "numeric").withTypmod((12 << 16 | 2) + 4),
                ColumnType.scalar("updated_at", "timestamptz"), ColumnType.scalar("attrs", "jsonb"));
        RowCodec codec = CanonicalRowCodecs.codec(new Canonicalizer(), columns, List.of("id"));
        MessageDigest md5 = RowDigests.md5();
        String after = "{\"id\":42,\"name\":\"item 42\",\"description\":\"a \\\"quoted\\\" thing\\nZoë\","
                + "\"price\":\"12.50\",\"updated_at\":\"2024-03-01T10:34:56.789000Z\","
                + "\"attrs\":\"{\\\"tag\\\": \\\"t42\\\", \\\"color\\\": \\\"red\\\", \\\"weight\\\": 1.25}\"}";
        String input = "V2:42V7:item 42V" + "a \"quoted\" thing\nZoë".getBytes(StandardCharsets.UTF_8).length
                + ":a \"quoted\" thing\nZoëV4:12.5V24:2024-03-01T10:34:56.789Z"
                + "V46:{\"tag\": \"t42\", \"color\": \"red\", \"weight\": 1.25}";
        assertThat(codec.digest64(after.getBytes(StandardCharsets.UTF_8), columns, md5))
                .isEqualTo(RowDigests.digest64(input, md5));
    }
}
