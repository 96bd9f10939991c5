package dev.strangler.parity.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The canonical JSON written while the tokens are read is exactly the text written from the tree (or the same
 * error): unicode, escapes, nesting, numbers, duplicate names, broken documents, random documents.
 */
class JsonDocsFastPathTest {

    private static final List<String> EDGES = List.of(
            "{\"b\": 1, \"a\": [1, 2, {\"d\": null, \"c\": true}], \"c\": \"x\"}", "{}", "[]", "[[]]", "{\"a\":{}}",
            "null", "true", "false", "0", "-0", "-0.0", "0.0", "1.50", "1e2", "1E+2", "1.0e-2", "-1.230E5", "12e-400",
            "1e400", "123456789012345678901234567890", "-9223372036854775808", "9223372036854775807",
            "9223372036854775808", "2147483648", "0.1e1", "\"\"", "\"x\"", "", "   ", " {\"a\" : 1 } ",
            // unicode and escapes
            "{\"zoë\": \"Zoë\", \"emoji\": \"\uD83D\uDE00\", \"esc\": \"\\u00e9\\u0000\\u001f\\\"\\\\\\/\\n\\t\\r\\b\\f\"}",
            "{\"\\u00e9\": 1, \"e\": 2, \"\uFFFF\": 3, \"\uD83D\uDE00\": 4, \"Z\": 5, \"a\": 6, \"\": 7}",
            "\"\\ud83d\\ude00\"", "[\"\\u2028\\u2029\", \"<>&'\"]",
            // duplicate names, also in nested objects and in objects large enough to be indexed
            "{\"a\": 1, \"a\": 2}", "{\"a\": {\"x\": 1}, \"b\": 0, \"a\": [3]}", "{\"o\": {\"k\": 1, \"k\": null}}",
            bigObject(40, true), bigObject(17, false), bigObject(300, true),
            // nesting, deep enough for the tree's turn
            nested(50), nested(199), nested(200), nested(201), nested(1000),
            // broken documents: the same error
            "{", "[1, 2", "{\"a\" 1}", "{\"a\": }", "[1,]", "{'a': 1}", "nul", "01", "1.", "\"abc", "{\"a\": 1} x",
            "[1] [2]", "{\"a\": 1,}", "\"\\x\"", "[\"\u0001\"]", "{\"a\":NaN}", "-", "+1", ".5",
            // the hand-written reader's limits and its own edges (members, depth, digits, whitespace, literals)
            bigObject(31, false), bigObject(32, false), bigObject(33, false), bigObject(32, true),
            nested(62), nested(63), nested(64), nested(65), nested(66), "{\"b\":1,\"a\":2,\"b\":3}",
            "{\"a\":1,\"a\":2,\"b\":3}", "{\"a\":1,\"b\":2,\"a\":3}", "{\"ab\":1,\"a\":2,\"abc\":3,\"b\":4}",
            "\t[\n1 ,\r2\n]\r\n", "1 ", " 1", "\u000b1", "\u00a01", "\uFEFF{}", "-a", "1e", "1e+", "1.e3", "00", "-01",
            "0x1", "1.5E3", "123456789012345678", "-123456789012345678", "1234567890123456789",
            "-1234567890123456789", "100000000000000000000000000000000000000000000000000000", "0e5", "-0e-5", "0.0e0",
            "tru", "nulll", "truefalse", "[true false]", "{\"a\":1 \"b\":2}", "{\"a\" : 1 , \"b\" : [ ] }",
            "\"\u007f\u2028\"", "[\"\\u00\"]", "[\"\\u00e\"]", "[\"\\uD83D\"]", "{\"a\":{\"c\":1,\"b\":2},\"A\":[{}]}",
            "{\"\": 1, \" \": 2}", "[1,2,]", "[,1]", "{,}", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{1:2}", "[\"a\":1]");

    private static String bigObject(int keys, boolean duplicates) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < keys; i++) {
            sb.append(i == 0 ? "" : ", ").append("\"k").append(keys - i).append("\": ").append(i);
            if (duplicates && i % 7 == 3) {
                sb.append(", \"k").append(keys - i + 2).append("\": \"dup").append(i).append('"');
            }
        }
        return sb.append('}').toString();
    }

    private static String nested(int depth) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < depth; i++) {
            sb.append(i % 2 == 0 ? "{\"k\":" : "[");
        }
        sb.append("1");
        for (int i = depth - 1; i >= 0; i--) {
            sb.append(i % 2 == 0 ? "}" : "]");
        }
        return sb.toString();
    }

    private static String outcome(UnaryOperator<String> f, String text) {
        try {
            return f.apply(text);
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /** How many documents the hand-written reader wrote (the others it left to the tokens). */
    private static int strict;

    private static void same(String document) {
        String byTree = outcome(JsonDocs::canonicalByTree, document);
        assertThat(outcome(JsonDocs::canonical, document)).as("%s", document).isEqualTo(byTree);
        assertThat(outcome(JsonDocs::canonicalByTokens, document)).as("tokens: %s", document).isEqualTo(byTree);
        String hand = StrictJson.canonical(document);
        if (hand != null) {
            strict++;
            assertThat(hand).as("strict: %s", document).isEqualTo(byTree);
            assertThat(StrictJson.canonicalQuoted(document)).as("strict quoted: %s", document)
                    .isEqualTo(JsonDocs.quote(byTree));
        } else {
            assertThat(StrictJson.canonicalQuoted(document)).as("strict quoted: %s", document).isNull();
        }
        assertThat(outcome(JsonDocs::canonicalQuoted, document)).as("quoted: %s", document)
                .isEqualTo(outcome(d -> JsonDocs.quote(JsonDocs.canonicalByTree(d)), document));
    }

    @Test
    void theEdgesAreWrittenAsTheTreeWritesThem() {
        EDGES.forEach(JsonDocsFastPathTest::same);
    }

    @Test
    void everyCharIsQuotedAsJacksonQuotesIt() {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < Character.MAX_VALUE; c++) {
            String one = "a" + c + "b";
            assertThat(JsonDocs.quote(one)).isEqualTo(JsonDocs.quoteByJackson(one));
            assertThat(JsonDocs.quote(String.valueOf(c))).isEqualTo(JsonDocs.quoteByJackson(String.valueOf(c)));
            all.append(c);
        }
        assertThat(JsonDocs.quote(all.toString())).isEqualTo(JsonDocs.quoteByJackson(all.toString()));
        for (String s : List.of("", "plain", "Zoë \uD83D\uDE00", "\"", "\\", "\u0000\u001f\u007f", "\uD800 lone",
                "\"\"\"\"", "a\\b\nc\u0001d\"", "{\"a\":\"x\\\"y\"}")) {
            assertThat(JsonDocs.quote(s)).isEqualTo(JsonDocs.quoteByJackson(s));
        }
    }

    @Test
    void examples() {
        assertThat(JsonDocs.canonical("{\"b\": 1.50, \"a\": [1e2, -0], \"a\": \"é\"}"))
                .isEqualTo("{\"a\":\"é\",\"b\":1.5}");
        assertThat(JsonDocs.canonical("")).isEqualTo("null");
    }

    @Test
    void randomDocumentsAsPostgresqlWritesJsonb() {
        Random random = new Random(7);
        strict = 0;
        int count = 30_000;
        for (int i = 0; i < count; i++) {
            StringBuilder sb = new StringBuilder();
            jsonbValue(random, sb, 0);
            same(sb.toString());
        }
        // the comparison above is with the documents the hand-written reader takes, not only those it leaves
        assertThat(strict).isGreaterThan(count * 9 / 10);
    }

    @Test
    void randomCharactersInNamesAndStrings() {
        Random random = new Random(11);
        strict = 0;
        int count = 30_000;
        for (int i = 0; i < count; i++) {
            StringBuilder sb = new StringBuilder("{");
            int members = random.nextInt(6);
            for (int m = 0; m < members; m++) {
                sb.append(m == 0 ? "" : ", ").append('"').append(randomText(random, 3)).append("\": \"")
                        .append(randomText(random, 8)).append('"');
            }
            same(sb.append('}').toString());
        }
        assertThat(strict).isGreaterThan(count / 4);
    }

    /** Characters around every boundary the readers treat apart: controls, quotes, escapes, surrogates, non-ASCII. */
    private static String randomText(Random r, int max) {
        char[] pool = {'a', 'b', 'A', ' ', '~', '\u007f', '\u0080', 'é', 'ÿ', '\u0100', '\u2028', '\uD83D', '\uDE00',
            '\uFFFF', '\u0000', '\u001f', '\t', '\n', '0', '9'};
        String[] escapes = {"\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t", "\\u0041",
            "\\u00e9", "\\u001F", "\\u001f", "\\uD83D\\uDE00", "\\ud800", "\\uFFFF", "\\x", "\\u12", "\\u004G"};
        StringBuilder sb = new StringBuilder();
        int length = r.nextInt(max + 1);
        for (int i = 0; i < length; i++) {
            if (r.nextInt(8) == 0) {
                sb.append(escapes[r.nextInt(escapes.length)]);
            } else {
                sb.append(pool[r.nextInt(r.nextInt(4) == 0 ? pool.length : 13)]);
            }
        }
        return sb.toString();
    }

    private static final String[] JSONB_NAMES = {"a", "b", "id", "qty", "tags", "color", "fragile", "Zoë", "日本",
        "\uD83D\uDE00", "", "a b", "k1", "k10", "k2", "B"};
    private static final String[] JSONB_NUMBERS = {"0", "1", "-1", "42", "1.50", "100.0", "-0.001", "3.14159",
        "123456789012345678", "1234567890123456789", "-9223372036854775808", "99999999999999999999",
        "0.000000000000000000000000000000000000001", "12345678901234567890.123456789012345678901234567890",
        "1e2", "1E-7", "-2.5e+10"};

    /** A value as jsonb's text output writes it: ", " and ": ", names sorted by length, escapes only where needed. */
    private static void jsonbValue(Random r, StringBuilder sb, int depth) {
        int kind = depth > 5 ? 2 + r.nextInt(4) : r.nextInt(6);
        switch (kind) {
            case 0 -> {
                sb.append('{');
                int n = r.nextInt(r.nextInt(20) == 0 ? 40 : 6);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : ", ").append('"').append(JSONB_NAMES[r.nextInt(JSONB_NAMES.length)])
                            .append(r.nextInt(4) == 0 ? r.nextInt(50) : "").append("\": ");
                    jsonbValue(r, sb, depth + 1);
                }
                sb.append('}');
            }
            case 1 -> {
                sb.append('[');
                int n = r.nextInt(6);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : ", ");
                    jsonbValue(r, sb, depth + 1);
                }
                sb.append(']');
            }
            case 2 -> sb.append(JSONB_NUMBERS[r.nextInt(JSONB_NUMBERS.length)]);
            case 3 -> sb.append('"').append(r.nextInt(5) == 0 ? STRINGS[r.nextInt(STRINGS.length)]
                    : JSONB_NAMES[r.nextInt(JSONB_NAMES.length)]).append('"');
            case 4 -> sb.append(r.nextBoolean() ? "true" : "false");
            default -> sb.append("null");
        }
    }

    @Test
    void randomDocuments() {
        Random random = new Random(42);
        List<String> documents = new ArrayList<>();
        for (int i = 0; i < 30_000; i++) {
            StringBuilder sb = new StringBuilder();
            value(random, sb, 0);
            documents.add(sb.toString());
        }
        documents.forEach(JsonDocsFastPathTest::same);
    }

    private static final String[] NAMES = {"a", "b", "A", "aa", "é", "\\u00e9", "\uD83D\uDE00", "", "k1", "k10", "k2",
        "\\n", "\uFFFF", "z"};
    private static final String[] NUMBERS = {"0", "-0", "1", "-17", "1.50", "1e2", "2E-3", "-0.000", "3.14159",
        "99999999999999999999", "-9223372036854775809", "1e-400", "12345.678900"};
    private static final String[] STRINGS = {"", "x", "Zoë", "\\\"", "\\\\", "\\/", "\\b\\f\\n\\r\\t", "\\u0000",
        "\\u001F", "\uD83D\uDE00", "\\ud83d\\ude00", "\u2028", "<tag>&amp;", "日本語"};

    private static void value(Random r, StringBuilder sb, int depth) {
        int kind = depth > 4 ? 2 + r.nextInt(4) : r.nextInt(6);
        switch (kind) {
            case 0 -> {
                sb.append('{');
                int n = r.nextInt(r.nextInt(10) == 0 ? 25 : 5);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : r.nextBoolean() ? "," : " , ").append('"')
                            .append(NAMES[r.nextInt(NAMES.length)]).append(r.nextInt(5) == 0 ? r.nextInt(20) : "")
                            .append('"').append(r.nextBoolean() ? ":" : ": ");
                    value(r, sb, depth + 1);
                }
                sb.append('}');
            }
            case 1 -> {
                sb.append('[');
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : ", ");
                    value(r, sb, depth + 1);
                }
                sb.append(']');
            }
            case 2 -> sb.append(NUMBERS[r.nextInt(NUMBERS.length)]);
            case 3 -> sb.append('"').append(STRINGS[r.nextInt(STRINGS.length)]).append('"');
            case 4 -> sb.append(r.nextBoolean() ? "true" : "false");
            default -> sb.append("null");
        }
    }
}
