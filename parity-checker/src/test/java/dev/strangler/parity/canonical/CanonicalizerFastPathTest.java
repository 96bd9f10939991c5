package dev.strangler.parity.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Integers are written without a BigInteger when their text already is canonical, and keys with their members'
 * names quoted once per column: the same texts (or the same errors) as the general rules, on edges and at random.
 */
class CanonicalizerFastPathTest {

    private static final ObjectMapper JSON = Canonicalizer.eventMapper();
    private final Canonicalizer canon = new Canonicalizer();

    private static String outcome(Supplier<String> f) {
        try {
            return f.get();
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static final List<String> INTEGERS = List.of("0", "-0", "1", "-1", "00", "01", "-01", "+1", " 1", "1 ",
            " -7 ", "", "-", "--1", "1-", "12a", "a", "1.0", "1e3", "٣", "１", "32767", "-32768", "2147483647",
            "-2147483648", "4294967295", "123456789012345678", "-123456789012345678", "999999999999999999",
            "1234567890123456789", "-1234567890123456789", "9223372036854775807", "-9223372036854775808",
            "9223372036854775808", "000000000000000000000001", "99999999999999999999999999999");

    @Test
    void integersAreWrittenAsBigIntegerWritesThem() {
        List<String> texts = new ArrayList<>(INTEGERS);
        Random r = new Random(5);
        for (int i = 0; i < 200_000; i++) {
            StringBuilder sb = new StringBuilder();
            if (r.nextInt(4) == 0) {
                sb.append("+- 0".charAt(r.nextInt(4)));
            }
            int digits = r.nextInt(22);
            for (int d = 0; d < digits; d++) {
                sb.append(r.nextInt(40) == 0 ? "x0 .".charAt(r.nextInt(4)) : (char) ('0' + r.nextInt(10)));
            }
            texts.add(sb.toString());
            texts.add(Long.toString(r.nextLong() >> r.nextInt(64)));
        }
        for (String text : texts) {
            assertThat(outcome(() -> Canonicalizer.integer(text))).as("%s", text)
                    .isEqualTo(outcome(() -> Canonicalizer.integerByBigInteger(text)));
        }
    }

    @Test
    void integerNodesAreWrittenAsTheirBigIntegerValue() throws Exception {
        ColumnType int8 = ColumnType.scalar("n", "int8");
        List<String> nodes = new ArrayList<>(List.of("0", "-0", "1", "-1", "2147483647", "2147483648", "-2147483649",
                "9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
                "123456789012345678901234567890", "\"42\"", "\"-0\"", "\"007\"", "\" 5 \"", "\"x\"", "1.0", "1e3",
                "true", "[1]", "{}"));
        Random r = new Random(9);
        for (int i = 0; i < 50_000; i++) {
            nodes.add(Long.toString(r.nextLong() >> r.nextInt(64)));
            nodes.add(new BigInteger(80, r).subtract(BigInteger.ONE.shiftLeft(79)).toString());
        }
        for (String json : nodes) {
            JsonNode node = JSON.readTree(json);
            // the rule before the fast path: BigInteger for every integer node, and for the text of any other scalar
            String expected = outcome(() -> node.isIntegralNumber() ? node.bigIntegerValue().toString()
                    : new BigInteger(scalarText(node).trim()).toString());
            String actual = outcome(() -> canon.fromJson(node, int8).value());
            if (expected.contains("Exception: ")) {
                assertThat(actual).as("%s", json).startsWith("IllegalArgumentException: cannot canonicalise")
                        .contains(expected.substring(expected.indexOf(": ") + 2));
            } else {
                assertThat(actual).as("%s", json).isEqualTo(expected);
            }
        }
    }

    private static String scalarText(JsonNode node) {
        if (!node.isValueNode()) {
            throw new IllegalArgumentException("expected a scalar");
        }
        return node.asText();
    }

    /**
     * A one-column integer key built from PostgreSQL's text bytes is the key the table's general reading builds
     * (its member from the column's name, its value from the text), or left to that reading; never another key.
     */
    @Test
    void integerKeysFromTheTablesTextBytesAreTheKeysOfTheGeneralReading() {
        List<String> texts = new ArrayList<>(INTEGERS);
        Random r = new Random(7);
        for (int i = 0; i < 50_000; i++) {
            texts.add(Long.toString(r.nextLong() >> r.nextInt(64)));
        }
        int built = 0;
        for (ColumnType type : List.of(ColumnType.scalar("id", "int8"), ColumnType.scalar("n\"o", "int2"),
                ColumnType.scalar("é", "int4"), ColumnType.scalar("id", "text"), ColumnType.arrayOf("ids", "int8"))) {
            Canonicalizer.Column column = canon.column(type);
            for (String text : texts) {
                String key = column.integerKey(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                if (key != null) {
                    assertThat(column.hasIntegerKey()).isTrue();
                    assertThat(key).as("%s %s", type, text).isEqualTo("{" + JSON.valueToTree(type.name()) + ":"
                            + column.fromPgText(text) + "}");
                    built++;
                }
            }
            assertThat(column.hasIntegerKey()).as("%s", type).isEqualTo(type.kind() == TypeKind.INT
                    && !type.isArray() && !type.name().equals("é"));
        }
        assertThat(built).isGreaterThan(80_000);
    }

    /** A record key's JSON taken as its canonical key as it is is the key its tree gives; never another one. */
    @Test
    void integerKeysTakenFromARecordKeysBytesAreTheKeysOfItsTree() throws Exception {
        List<String> documents = new ArrayList<>();
        for (String text : INTEGERS) {
            documents.add("{\"id\":" + text + "}");
        }
        documents.addAll(List.of("{\"id\":7,\"x\":1}", "{\"ID\":7}", "{\"id\":\"7\"}", "{ \"id\":7}", "{\"id\":7 }"));
        Random r = new Random(11);
        for (int i = 0; i < 20_000; i++) {
            documents.add("{\"id\":" + (r.nextLong() >> r.nextInt(64)) + "}");
        }
        int built = 0;
        for (ColumnType type : List.of(ColumnType.scalar("id", "int8"), ColumnType.scalar("id", "int2"),
                ColumnType.scalar("id", "numeric"))) {
            Canonicalizer.Column[] rules = {canon.column(type)};
            for (String document : documents) {
                String key = rules[0].integerKeyOfJson(document.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                if (key != null) {
                    assertThat(key).as("%s %s", type, document).isEqualTo(canon.canonicalKey(JSON.readTree(document),
                            rules));
                    built++;
                }
            }
        }
        assertThat(built).isGreaterThan(30_000);
    }

    @Test
    void keysAreTheSameWithTheirColumnsLookedUpOnce() throws Exception {
        List<List<ColumnType>> keys = List.of(List.of(ColumnType.scalar("id", "int8")),
                List.of(ColumnType.scalar("order_id", "int4"), ColumnType.scalar("line_no", "int2")),
                List.of(ColumnType.scalar("u", "uuid")), List.of(ColumnType.scalar("na\"me\\é", "text")),
                List.of(ColumnType.scalar("t", "text"), ColumnType.scalar("d", "date"),
                        ColumnType.scalar("n", "numeric")), List.of());
        List<String> documents = List.of("{\"id\":42}", "{\"id\":-9223372036854775808}", "{\"id\":\"17\"}",
                "{\"id\":null}", "{}", "[]", "42", "{\"order_id\":7,\"line_no\":1}", "{\"line_no\":1,\"order_id\":7}",
                "{\"order_id\":7}", "{\"u\":\"A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11\"}", "{\"u\":\"nope\"}",
                "{\"na\\\"me\\\\é\":\"x\\ny\"}", "{\"t\":\"Zoë\",\"d\":\"2024-02-29\",\"n\":\"1.50\"}",
                "{\"t\":\"__debezium_unavailable_value\",\"d\":\"2024-02-29\",\"n\":1}", "{\"id\":1.5}",
                "{\"id\":12345678901234567890123}");
        for (List<ColumnType> key : keys) {
            Canonicalizer.Column[] rules = key.stream().map(canon::column).toArray(Canonicalizer.Column[]::new);
            for (String document : documents) {
                JsonNode node = JSON.readTree(document);
                assertThat(outcome(() -> canon.canonicalKey(node, rules))).as("%s %s", key, document)
                        .isEqualTo(outcome(() -> canon.canonicalKey(node, key)));
            }
            assertThat(outcome(() -> canon.canonicalKey(null, rules))).isEqualTo(outcome(() -> canon.canonicalKey(
                    null, key)));
        }
    }
}
