package dev.strangler.parity.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.contract.EventEncoding;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The digest input's item built from an event value's raw JSON ({@link RawPlainText}) is the one built from its
 * canonical text ({@link RowDigests.Input#appendCanonical}, {@link RowDigests#digestInput}'s rule) for every value it
 * takes, and it takes the values Debezium writes: per type, edges and many random values (escapes, unicode, empty
 * strings, negative numbers, jsonb with nested and unicode content, and near misses of each shape).
 */
class RawPlainTextTest {

    private static final ObjectMapper EVENTS = Canonicalizer.eventMapper();
    private static final Canonicalizer CANON = new Canonicalizer();
    private static final byte[] PLACEHOLDER = CANON.unavailablePlaceholderUtf8();
    private static final String[] ALPHABET = {"a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\r", "\b", "\f",
            "\u0001", "\u001f", "\u007f", "é", "ß", "中", "€", "\u2028", "\uffff", "😀", "𝄞", "{", "}", ":", ",", "[",
            "'", "\u0000"};

    private final Random random = new Random(7);
    /** Values the raw form took. */
    private int taken;

    /**
     * Checks one event value: if the raw form takes it, the canonical reading gives a value and the same item.
     *
     * @return whether the raw form took it
     */
    private boolean check(ColumnType type, String valueJson) throws Exception {
        return check(type, EventEncoding.strangler(), valueJson);
    }

    private boolean check(ColumnType type, EventEncoding encoding, String valueJson) throws Exception {
        byte[] json = valueJson.getBytes(StandardCharsets.UTF_8);
        RowDigests.Input raw = new RowDigests.Input(4);
        raw.appendNull(); // something before, as in a row
        boolean took = RawPlainText.of(type, encoding).append(json, 0, json.length, PLACEHOLDER, raw);
        if (!took) {
            assertThat(raw.toByteArray()).as("nothing appended when not taken: %s", valueJson)
                    .isEqualTo(new byte[] {'N'});
            return false;
        }
        taken++;
        JsonNode node = EVENTS.readTree(json);
        CanonicalValue canonical = new Canonicalizer(Canonicalizer.DEFAULT_UNAVAILABLE_PLACEHOLDER, encoding)
                .readJson(node, type);
        assertThat(canonical.isValue()).as("%s %s taken raw but canonically %s", type, valueJson, canonical).isTrue();
        RowDigests.Input expected = new RowDigests.Input(4);
        expected.appendNull();
        expected.appendCanonical(canonical.text(), type);
        assertThat(new String(raw.toByteArray(), StandardCharsets.UTF_8)).as("%s %s", type, valueJson)
                .isEqualTo(new String(expected.toByteArray(), StandardCharsets.UTF_8));
        assertThat(raw.toByteArray()).as("%s %s", type, valueJson).isEqualTo(expected.toByteArray());
        return true;
    }

    private void checkAll(ColumnType type, List<String> values, Function<String, Boolean> expectTaken)
            throws Exception {
        for (String v : values) {
            boolean took = check(type, v);
            Boolean expected = expectTaken.apply(v);
            if (expected != null) {
                assertThat(took).as("%s %s taken", type, v).isEqualTo(expected);
            }
        }
    }

    // ---- strings -------------------------------------------------------------------------------------------------

    private String randomText(int maxLength) {
        StringBuilder sb = new StringBuilder();
        int n = random.nextInt(maxLength + 1);
        for (int i = 0; i < n; i++) {
            sb.append(random.nextInt(3) == 0 ? ALPHABET[random.nextInt(ALPHABET.length)]
                    : String.valueOf((char) ('a' + random.nextInt(26))));
        }
        return sb.toString();
    }

    /** A JSON string of {@code s}, escaped in one of the ways JSON allows, chosen at random per character. */
    private String quoteAnyhow(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(cp -> {
            int style = random.nextInt(8);
            if (cp == '"' || cp == '\\' || cp < 0x20 || style == 0) {
                String shortForm = switch (cp) {
                    case '"' -> "\\\"";
                    case '\\' -> "\\\\";
                    case '/' -> "\\/";
                    case '\b' -> "\\b";
                    case '\f' -> "\\f";
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    default -> null;
                };
                if (shortForm != null && random.nextBoolean()) {
                    sb.append(shortForm);
                } else {
                    for (char ch : Character.toChars(cp)) {
                        String hex = String.format("%04x", (int) ch);
                        sb.append("\\u").append(random.nextBoolean() ? hex : hex.toUpperCase());
                    }
                }
            } else {
                sb.appendCodePoint(cp);
            }
        });
        return sb.append('"').toString();
    }

    @Test
    void textIsTheStringsContentWhateverItsEscapes() throws Exception {
        ColumnType text = ColumnType.scalar("c", "text");
        List<String> values = new ArrayList<>(List.of("\"\"", "\" \"", "\"\\u0000\"", "\"\\ud83d\\ude00\"",
                "\"a\\/b\"", "\"\\\"\\\\\"", "\"" + Canonicalizer.DEFAULT_UNAVAILABLE_PLACEHOLDER + "\""));
        for (int i = 0; i < 20_000; i++) {
            values.add(quoteAnyhow(randomText(12)));
        }
        checkAll(text, values, v -> !v.contains(Canonicalizer.DEFAULT_UNAVAILABLE_PLACEHOLDER));
        // not strings, a lone surrogate: the canonical way
        checkAll(text, List.of("12", "-1", "true", "{\"a\":1}", "[1]", "\"\\ud800\"", "\"\\udc00x\"",
                "\"\\ud800\\u0041\""), v -> false);
        for (String type : List.of("varchar", "citext", "inet", "xml")) {
            checkAll(ColumnType.scalar("c", type), List.of("\"x y\"", "\"10.0.0.1/32\"", "\"<a/>\""), v -> true);
        }
        checkAll(ColumnType.enumType("c", "mood"), List.of("\"happy\""), v -> true);
        checkAll(ColumnType.arrayOf("c", "text"), List.of("[\"a\"]"), v -> false);
    }

    @Test
    void bpcharLosesItsTrailingSpaces() throws Exception {
        List<String> values = new ArrayList<>(List.of("\"\"", "\"   \"", "\"a  \"", "\"  a\"", "\"a\\u0020\"",
                "\"a\\t\"", "\"a \\n \""));
        for (int i = 0; i < 5_000; i++) {
            values.add(quoteAnyhow(randomText(6) + " ".repeat(random.nextInt(4))));
        }
        checkAll(ColumnType.scalar("c", "bpchar"), values, v -> true);
    }

    @Test
    void uuidIsTakenInItsLowerCaseForm() throws Exception {
        List<String> lower = new ArrayList<>();
        List<String> other = new ArrayList<>(List.of("\"1-1-1-1-1\"", "\"\"", "\" 123e4567-e89b-12d3-a456-426614174000\"",
                "\"123e4567e89b12d3a456426614174000\"", "\"123e4567-e89b-12d3-a456-42661417400g\"",
                "\"123e4567-e89b-12d3-a456-4266141740000\""));
        for (int i = 0; i < 2_000; i++) {
            String u = UUID.randomUUID().toString();
            lower.add("\"" + u + "\"");
            other.add("\"" + u.toUpperCase() + "\"");
        }
        ColumnType uuid = ColumnType.scalar("c", "uuid");
        checkAll(uuid, lower, v -> true);
        checkAll(uuid, List.of("\"\\u0031" + lower.get(0).substring(2)), v -> true); // an escaped digit
        checkAll(uuid, other, v -> false);
    }

    // ---- numbers, booleans ---------------------------------------------------------------------------------------

    @Test
    void integersAreTheirDigits() throws Exception {
        List<String> plain = new ArrayList<>(List.of("0", "-1", "1", "123456789012345678", "-123456789012345678",
                "\"42\"", "\"-7\"", "\"0\""));
        for (int i = 0; i < 20_000; i++) {
            long v = random.nextLong() >> random.nextInt(64);
            if (Long.toString(Math.abs(v)).length() <= 18) {
                plain.add(Long.toString(v));
            }
        }
        List<String> other = List.of("-0", "1234567890123456789", "9223372036854775807", "-9223372036854775808",
                "99999999999999999999", "1.0", "1e3", "\"-0\"", "\"007\"", "\" 5\"", "\"+5\"", "\"\"", "true",
                "\"1234567890123456789\"", "\"x\"");
        for (String type : List.of("int2", "int4", "int8")) {
            checkAll(ColumnType.scalar("c", type), plain, v -> true);
            checkAll(ColumnType.scalar("c", type), other, v -> false);
        }
    }

    @Test
    void booleansAreTheirWords() throws Exception {
        ColumnType bool = ColumnType.scalar("c", "bool");
        checkAll(bool, List.of("true", "false"), v -> true);
        checkAll(bool, List.of("\"t\"", "\"true\"", "1", "0"), v -> false);
    }

    @Test
    void numericIsCutAsThePlainReadingCutsIt() throws Exception {
        List<String> values = new ArrayList<>(List.of("\"0\"", "\"-0\"", "\"0.00\"", "\"-0.00\"", "\"12.50\"",
                "\"12.5\"", "\"100\"", "\"100.000\"", "\"-12.30\"", "\"0.001\"", "\"-0.10\"", "\"1.\"", "\".5\"",
                "\"+1\"", "\"01\"", "\"1e5\"", "\"NaN\"", "\"Infinity\"", "\"\"", "\" 1\"",
                "\"1234567890123456789012345678901234567890\"", "\"12345678901234567890123456789012345678901\"",
                "12", "-12", "0", "-0", "12.50", "1e2", "12345678901234567890", "\"\\u0031.50\""));
        for (int i = 0; i < 20_000; i++) {
            BigDecimal d = new BigDecimal(BigInteger.valueOf(random.nextLong() >> random.nextInt(64)),
                    random.nextInt(12));
            values.add("\"" + d.toPlainString() + "\"");
            values.add("\"" + d.setScale(d.scale() + random.nextInt(3)).toPlainString() + "\"");
        }
        ColumnType numeric = ColumnType.scalar("c", "numeric").withTypmod((12 << 16) + 2 + 4);
        checkAll(numeric, values, v -> null);
        for (String v : values) {
            if (v.startsWith("\"") && !v.contains("\\") && Numbers.plainDecimal(v.substring(1, v.length() - 1))
                    != null) {
                assertThat(check(numeric, v)).as(v).isTrue();
            }
        }
        EventEncoding precise = new EventEncoding(EventEncoding.DecimalMode.PRECISE,
                EventEncoding.TimePrecisionMode.ISOSTRING, EventEncoding.BinaryMode.BASE64,
                EventEncoding.IntervalMode.STRING);
        for (String v : List.of("\"1234\"", "\"BNI=\"", "12")) {
            assertThat(check(numeric, precise, v)).as("precise: %s", v).isFalse();
        }
        checkAll(ColumnType.scalar("c", "money"), List.of("\"12.50\""), v -> false);
        checkAll(ColumnType.scalar("c", "float8"), List.of("1.5", "\"1.5\""), v -> false);
    }

    // ---- timestamptz ---------------------------------------------------------------------------------------------

    @Test
    void timestamptzInUtcLosesItsFractionsTrailingZeros() throws Exception {
        ColumnType tstz = ColumnType.scalar("c", "timestamptz");
        List<String> values = new ArrayList<>(List.of("\"2024-03-01T10:34:56Z\"", "\"2024-03-01T10:34:56.000Z\"",
                "\"2024-03-01T10:34:56.789000Z\"", "\"2024-03-01T10:34:56.123456789Z\"", "\"0001-01-01T00:00:00Z\"",
                "\"9999-12-31T23:59:59.999999Z\"", "\"2024-02-29T00:00:00Z\"", "\"2000-02-29T12:00:00.5Z\""));
        for (int i = 0; i < 20_000; i++) {
            int fraction = random.nextInt(10);
            StringBuilder sb = new StringBuilder(String.format("\"%04d-%02d-%02dT%02d:%02d:%02d",
                    1 + random.nextInt(9999), 1 + random.nextInt(12), 1 + random.nextInt(28), random.nextInt(24),
                    random.nextInt(60), random.nextInt(60)));
            if (fraction > 0) {
                sb.append('.');
                for (int k = 0; k < fraction; k++) {
                    sb.append(random.nextInt(3) == 0 ? '0' : (char) ('0' + random.nextInt(10)));
                }
            }
            values.add(sb.append("Z\"").toString());
        }
        checkAll(tstz, values, v -> true);
        checkAll(tstz, List.of("\"2023-02-29T00:00:00Z\"", "\"2024-04-31T00:00:00Z\"", "\"0000-01-01T00:00:00Z\"",
                "\"2024-03-01T24:00:00Z\"", "\"2024-03-01T10:60:00Z\"", "\"2024-03-01T10:00:60Z\"",
                "\"2024-13-01T10:00:00Z\"", "\"2024-00-01T10:00:00Z\"", "\"2024-03-00T10:00:00Z\"",
                "\"2024-03-01 10:34:56Z\"", "\"2024-03-01T10:34:56+00:00\"", "\"2024-03-01T10:34:56+02\"",
                "\"2024-03-01T10:34:56\"", "\"2024-03-01T10:34:56.Z\"", "\"2024-03-01T10:34:56.1234567890Z\"",
                "\"2024-03-01T10:34Z\"", "\"infinity\"", "\"-infinity\"", "\"+2024-03-01T10:34:56Z\"",
                "\"12024-03-01T10:34:56Z\"", "\"2024-03-01T10:34:56Z \"", "\"2024-03-01T10:34:56.1x2Z\"",
                "\"2024-03-01\"", "\"\"", "1709289296000"), v -> false);
    }

    // ---- jsonb ---------------------------------------------------------------------------------------------------

    private JsonNode randomJson(int depth) {
        int kind = random.nextInt(depth > 3 ? 5 : 7);
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (kind) {
            case 0 -> f.textNode(randomText(8));
            case 1 -> f.numberNode(new BigDecimal(BigInteger.valueOf(random.nextLong() >> random.nextInt(64)),
                    random.nextInt(5) - 1));
            case 2 -> f.numberNode(random.nextInt(2000) - 1000);
            case 3 -> random.nextBoolean() ? f.booleanNode(random.nextBoolean()) : f.nullNode();
            case 4 -> f.textNode(random.nextBoolean() ? "" : "Zoë 中文 😀");
            case 5 -> {
                ObjectNode o = f.objectNode();
                int n = random.nextInt(5);
                for (int i = 0; i < n; i++) {
                    String key = random.nextInt(4) == 0 ? randomText(5) : "k" + random.nextInt(20);
                    o.set(random.nextInt(10) == 0 ? "ключ" + key : key, randomJson(depth + 1));
                }
                yield o;
            }
            default -> {
                ArrayNode a = f.arrayNode();
                int n = random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    a.add(randomJson(depth + 1));
                }
                yield a;
            }
        };
    }

    /** Changes a jsonb text in one of the ways jsonb never prints it (most of them, anyway). */
    private String spoil(String doc) {
        return switch (random.nextInt(9)) {
            case 0 -> doc.replace(", ", ",");
            case 1 -> doc.replace(": ", ":");
            case 2 -> doc.replaceFirst("(\\d)([,\\]}]|$)", "$1.0$2");
            case 3 -> doc.replaceFirst("(\\d)([,\\]}]|$)", "$1e0$2");
            case 4 -> doc.replace("/", "\\/");
            case 5 -> doc.replace("\\u001f", "\\u001F").replace("\\n", "\\u000a");
            case 6 -> doc.replaceFirst("\\{\"", "{\"zz\": 1, \"");
            case 7 -> doc.replace("é", "\\u00e9");
            default -> " " + doc;
        };
    }

    @Test
    void jsonbInItsOwnLayoutIsTakenAsItIs() throws Exception {
        ColumnType jsonb = ColumnType.scalar("c", "jsonb");
        List<String> docs = new ArrayList<>(List.of("{}", "[]", "null", "true", "0", "-1.5", "\"\"", "\"a\"",
                "{\"a\": 1}", "{\"b\": 1, \"aa\": 2}", "{\"a\": {\"b\": [1, \"x\", null, false]}}",
                "{\"n\": \"\\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u001f\"}", "{\"a\": \"Zoë 中 😀 \u2028 \u007f /\"}",
                "[1.5, -0.25, 100, 12345678901234567890123]", "{\"ß\": 2, \"é\": 1}", "{\"\": 0}"));
        for (int i = 0; i < 5_000; i++) {
            docs.add(RowDigests.jsonbText(EVENTS.writeValueAsString(randomJson(0))));
        }
        int before = taken;
        for (String doc : docs) {
            assertThat(check(jsonb, quoteAnyhow(doc))).as("%s", doc).isEqualTo(keysUnescaped(EVENTS.readTree(doc)));
        }
        assertThat(taken - before).as("jsonb's own texts taken").isGreaterThan(docs.size() * 3 / 4);
        List<String> near = new ArrayList<>(List.of("{\"a\":1}", "{\"aa\": 1, \"b\": 2}", "{\"a\": 1, \"a\": 2}",
                "{\"a\": 1.50}", "{\"a\": -0}", "{\"a\": 1E+2}", "{\"a\": 01}", "{\"a\": \"\\u00e9\"}",
                "{\"a\": \"\\/\"}", "{\"a\": \"\\u000a\"}", "{\"a\": \"\\u001F\"}", "{\"a\\n\": 1}", "{ }", "[ ]",
                "[1,2]", " {}", "{} ", "{\"a\": 1}}", "", "nul", "{\"a\": 1,}", "[1, ]", "\"\\ud83d\\ude00\""));
        for (String doc : near) {
            assertThat(check(jsonb, quoteAnyhow(doc))).as("near miss %s", doc).isFalse();
        }
        for (int i = 0; i < 5_000; i++) {
            check(jsonb, quoteAnyhow(spoil(docs.get(random.nextInt(docs.size())))));
        }
        // json (kept as written) shares jsonb's digest rule: the same check holds
        for (String doc : docs.subList(0, 200)) {
            check(ColumnType.scalar("c", "json"), quoteAnyhow(doc));
        }
        check(jsonb, "{\"a\":1}"); // not a string: the canonical way
        checkAll(jsonb, List.of("\"" + Canonicalizer.DEFAULT_UNAVAILABLE_PLACEHOLDER + "\""), v -> false);
    }

    /** Whether no object key in {@code node} needs an escape (the raw form leaves such documents). */
    private static boolean keysUnescaped(JsonNode node) {
        for (var it = node.fields(); it.hasNext(); ) {
            var e = it.next();
            if (e.getKey().chars().anyMatch(ch -> ch == '"' || ch == '\\' || ch < 0x20) || !keysUnescaped(e.getValue())) {
                return false;
            }
        }
        for (JsonNode item : node) {
            if (!keysUnescaped(item)) {
                return false;
            }
        }
        return true;
    }
}
