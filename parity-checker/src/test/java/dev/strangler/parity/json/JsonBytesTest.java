package dev.strangler.parity.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The grammar's edges that the readers' own tests (which compare whole records with Jackson) reach only by chance:
 * the limits at their exact values, UTF-8 by Unicode's table 3-7, the integers around a long's range.
 */
class JsonBytesTest {

    private static byte[] u(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int k = 0; k < values.length; k++) {
            b[k] = (byte) values[k];
        }
        return b;
    }

    @Test
    void utf8IsWellFormedByUnicodesTable() {
        assertThat(JsonBytes.utf8End(bytes(0xC2, 0x80), 0)).isEqualTo(2);
        assertThat(JsonBytes.utf8End(bytes(0xE0, 0xA0, 0x80), 0)).isEqualTo(3);
        assertThat(JsonBytes.utf8End(bytes(0xED, 0x9F, 0xBF), 0)).isEqualTo(3);
        assertThat(JsonBytes.utf8End(bytes(0xF0, 0x90, 0x80, 0x80), 0)).isEqualTo(4);
        assertThat(JsonBytes.utf8End(bytes(0xF4, 0x8F, 0xBF, 0xBF), 0)).isEqualTo(4);
        int[][] illFormed = {
            {0x80, 0x80}, {0xC0, 0xAF}, {0xC1, 0xBF}, // a continuation first, overlong two bytes
            {0xE0, 0x9F, 0xBF}, {0xED, 0xA0, 0x80}, // overlong three bytes, a surrogate
            {0xF0, 0x8F, 0xBF, 0xBF}, {0xF4, 0x90, 0x80, 0x80}, {0xF5, 0x80, 0x80, 0x80}, // overlong, past U+10FFFF
            {0xE2, 0x82, 0x41}, {0xF0, 0x90, 0x80, 0xC0}, // a later byte not a continuation
        };
        for (int[] sequence : illFormed) {
            assertThatThrownBy(() -> JsonBytes.utf8End(bytes(sequence), 0)).isSameAs(JsonBytes.NotHere.INSTANCE);
        }
        assertThatThrownBy(() -> JsonBytes.utf8End(bytes(0xE2, 0x82), 0))
                .isInstanceOf(ArrayIndexOutOfBoundsException.class);
    }

    @Test
    void aNameIsPassedOverUpToItsLimitAValueAtAnyLength() {
        String limit = "n".repeat(JsonBytes.MAX_NAME);
        assertThat(JsonBytes.skipString(u("\"" + limit + "\":1"), 0, true)).isEqualTo(JsonBytes.MAX_NAME + 2);
        assertThatThrownBy(() -> JsonBytes.skipString(u("\"" + limit + "n\":1"), 0, true))
                .isSameAs(JsonBytes.NotHere.INSTANCE);
        assertThat(JsonBytes.skipString(u("\"" + limit + "n\""), 0, false)).isEqualTo(JsonBytes.MAX_NAME + 3);
        assertThat(JsonBytes.skipValue(u("{\"" + limit + "\":1}"), 0, 0)).isEqualTo(JsonBytes.MAX_NAME + 6);
        assertThatThrownBy(() -> JsonBytes.skipValue(u("{\"" + limit + "n\":1}"), 0, 0))
                .isSameAs(JsonBytes.NotHere.INSTANCE);
    }

    @Test
    void escapesAreTheGrammars() {
        String escapes = "\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u00e9 \\uD83D\\uDE00 \\uABcd\"";
        assertThat(JsonBytes.skipString(u(escapes), 0, false)).isEqualTo(escapes.length());
        for (String broken : new String[] {"\"\\x\"", "\"\\u12G4\"", "\"\\u12\"", "\"\\'\"", "\"a\u0001\"",
            "\"\u001f\""}) {
            assertThatThrownBy(() -> JsonBytes.skipString(u(broken), 0, false)).as(broken)
                    .isSameAs(JsonBytes.NotHere.INSTANCE);
        }
        // a byte or a char beyond ASCII is no hex digit, even one that looks like it (fullwidth A)
        assertThatThrownBy(() -> JsonBytes.hexDigit('\uFF21')).isSameAs(JsonBytes.NotHere.INSTANCE);
        assertThatThrownBy(() -> JsonBytes.hexDigit((byte) 0xC1)).isSameAs(JsonBytes.NotHere.INSTANCE);
        assertThat(JsonBytes.hexDigit('F')).isEqualTo(15);
    }

    @Test
    void unescapedEndStopsAtAQuoteOrABackslashAndChecksWhatItPasses() {
        assertThat(JsonBytes.unescapedEnd(u("Zoë\""), 0)).isEqualTo(4);
        assertThat(JsonBytes.unescapedEnd(u("a\\nb\""), 0)).isEqualTo(1);
        assertThatThrownBy(() -> JsonBytes.unescapedEnd(u("a\tb\""), 0)).isSameAs(JsonBytes.NotHere.INSTANCE);
        assertThatThrownBy(() -> JsonBytes.unescapedEnd(bytes('a', 0xC0, 0x80, '"'), 0))
                .isSameAs(JsonBytes.NotHere.INSTANCE);
    }

    @Test
    void nestingIsPassedOverUpToItsLimit() {
        int max = JsonBytes.MAX_DEPTH;
        String deepest = "[".repeat(max) + "]".repeat(max);
        assertThat(JsonBytes.skipValue(u(deepest), 0, 0)).isEqualTo(2 * max);
        assertThatThrownBy(() -> JsonBytes.skipValue(u("[" + deepest + "]"), 0, 0))
                .isSameAs(JsonBytes.NotHere.INSTANCE);
        assertThatThrownBy(() -> JsonBytes.skipValue(u(deepest), 0, 1)).isSameAs(JsonBytes.NotHere.INSTANCE);
        String objects = "{\"a\":".repeat(max - 1) + "{}" + "}".repeat(max - 1);
        assertThat(JsonBytes.skipValue(u(objects), 0, 0)).isEqualTo(objects.length());
    }

    @Test
    void aScalarEndsAtADelimiterAContainerAtItsBracket() {
        assertThat(JsonBytes.skipValue(u("true,"), 0, 0)).isEqualTo(4);
        assertThat(JsonBytes.skipValue(u("-1.5e+3 "), 0, 0)).isEqualTo(7);
        assertThat(JsonBytes.skipValue(u("\"s\"]"), 0, 0)).isEqualTo(3);
        assertThat(JsonBytes.skipValue(u("null"), 0, 0)).isEqualTo(4);
        for (String notAToken : new String[] {"truex", "1x", "01", "-", "1.", "1.e5", "1e", "1e+", "+1", ".5", "tru",
            "nul", "\"s\"x", "-x"}) {
            assertThatThrownBy(() -> JsonBytes.skipValue(u(notAToken), 0, 0)).as(notAToken)
                    .isInstanceOfAny(JsonBytes.NotHere.class, ArrayIndexOutOfBoundsException.class);
        }
        // what follows a container is for the caller to refuse, as it refuses anything but a comma or a bracket
        assertThat(JsonBytes.skipValue(u("{}x"), 0, 0)).isEqualTo(2);
        assertThat(JsonBytes.skipValue(u("[1 , {\"a\" : [ ] } ]x"), 0, 0)).isEqualTo(19);
        for (String broken : new String[] {"[1,]", "[1 2]", "{\"a\":1,}", "{\"a\"}", "{a:1}", "{\"a\":1", "[,1]"}) {
            assertThatThrownBy(() -> JsonBytes.skipValue(u(broken), 0, 0)).as(broken)
                    .isInstanceOfAny(JsonBytes.NotHere.class, ArrayIndexOutOfBoundsException.class);
        }
    }

    @Test
    void anIntegerIsReadWithinALongAndLeftPastIt() {
        String[][] read = {{"0", "0"}, {"-0", "0"}, {"7", "7"}, {"-7", "-7"},
            {"999999999999999999", "999999999999999999"}, {"9223372036854775807", "9223372036854775807"},
            {"-9223372036854775808", "-9223372036854775808"}, {"1000000000000000000", "1000000000000000000"}};
        for (String[] integer : read) {
            byte[] b = u(integer[0] + ",");
            int end = JsonBytes.integerEnd(b, 0);
            assertThat(end).as(integer[0]).isEqualTo(integer[0].length());
            assertThat(JsonBytes.longValue(b, 0, end)).as(integer[0]).isEqualTo(Long.parseLong(integer[1]));
        }
        for (String past : new String[] {"9223372036854775808", "-9223372036854775809", "9999999999999999999"}) {
            byte[] b = u(past);
            int end = JsonBytes.integerEnd(b, 0); // 19 digits: the syntax holds, the value may not
            assertThatThrownBy(() -> JsonBytes.longValue(b, 0, end)).as(past).isSameAs(JsonBytes.NotHere.INSTANCE);
        }
        for (String not : new String[] {"12345678901234567890", "00", "-01", "1.0", "1e2", "1E2", "-", "x", "+1"}) {
            assertThatThrownBy(() -> JsonBytes.integerEnd(u(not), 0)).as(not).isSameAs(JsonBytes.NotHere.INSTANCE);
        }
    }

    @Test
    void whitespaceIsTheGrammarsFourCharacters() {
        assertThat(JsonBytes.skipWhitespace(u(" \t\r\n x"), 0)).isEqualTo(5);
        assertThat(JsonBytes.skipWhitespace(u("\u000b"), 0)).isEqualTo(0);
        assertThat(JsonBytes.skipWhitespace(u("\u00a0"), 0)).isEqualTo(0);
        assertThat(JsonBytes.skipWhitespace(u("  "), 0)).isEqualTo(2);
    }
}
