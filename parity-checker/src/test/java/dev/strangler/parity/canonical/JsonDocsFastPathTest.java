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
            "[1] [2]", "{\"a\": 1,}", "\"\\x\"", "[\"\u0001\"]", "{\"a\":NaN}", "-", "+1", ".5");

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

    private static void same(String document) {
        assertThat(outcome(JsonDocs::canonical, document)).as("%s", document)
                .isEqualTo(outcome(JsonDocs::canonicalByTree, document));
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
        for (String s : List.of("", "plain", "Zoë \uD83D\uDE00", "\"", "\\", "\u0000\u001f\u007f", "\uD800 lone")) {
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
