package dev.strangler.parity.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.parity.canonical.Canonicalizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written after-image reader gives, for every after-image it reads, exactly the node Jackson's tree holds
 * for each column's field (same node type, same value), and leaves every after-image Jackson refuses: edges, random
 * after-images, and the same with bytes broken, cut off or inserted.
 */
class RowCodecAfterImagesTest {

    private static final List<String> COLUMNS = List.of("id", "name", "price", "at", "doc", "flag", "Zoë", "n");
    private static final byte[][] NAMES = COLUMNS.stream().map(c -> c.getBytes(StandardCharsets.UTF_8))
            .toArray(byte[][]::new);

    /** Checks the reader against the tree; returns whether it read the after-image. */
    private static boolean agrees(byte[] after) {
        JsonNode[] hand = RowCodecAfterImages.read(after, NAMES);
        JsonNode tree;
        try {
            tree = Canonicalizer.eventMapper().readTree(after);
        } catch (Exception e) {
            assertThat(hand).as("refused by Jackson: %s", text(after)).isNull();
            return false;
        }
        if (hand == null) {
            return false;
        }
        assertThat(tree).as("%s", text(after)).isNotNull();
        assertThat(tree.isObject()).as("%s", text(after)).isTrue();
        for (int c = 0; c < COLUMNS.size(); c++) {
            JsonNode expected = tree.get(COLUMNS.get(c));
            assertThat(hand[c]).as("%s in %s", COLUMNS.get(c), text(after)).isEqualTo(expected);
            if (expected != null) {
                assertThat(hand[c].getClass()).as("%s in %s", COLUMNS.get(c), text(after))
                        .isEqualTo(expected.getClass());
            }
        }
        return true;
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private static final String[] VALUES = {"null", "true", "false", "0", "-0", "7", "-7", "2147483647", "2147483648",
        "-2147483648", "-2147483649", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
        "12345678901234567890", "007", "1.50", "1e2", "-0.0", "\"\"", "\"12.30\"", "\"Zoë\"", "\"\uD83D\uDE00\"",
        "\"{\\\"qty\\\": 1, \\\"tags\\\": [\\\"a\\\"]}\"", "\"\\u00e9\\u0000\\u001F\\ud83d\\ude00\\uDE00\\/\\b\\f\\n\\r\\t\"",
        "\"\\x\"", "\"\\u12G4\"", "\"\u0001\"", "\"\u007f\u2028\"", "[1,2]", "{\"a\":1}", "tru", "nul", "1.", "-",
        "\"2024-03-01 10:00:00.123+00\""};

    /** Values the reader reads itself. */
    private static final String[] READ = {"null", "true", "false", "0", "-0", "7", "-7", "2147483647", "2147483648",
        "-2147483648", "-2147483649", "9223372036854775807", "-9223372036854775808", "\"\"", "\"12.30\"", "\"Zoë\"",
        "\"\uD83D\uDE00\"", "\"{\\\"qty\\\": 1, \\\"tags\\\": [\\\"a\\\"]}\"", "\"\\u00e9\\u0000\\/\\n\"",
        "\"\u007f\u2028\"", "\"2024-03-01 10:00:00.123+00\""};

    @Test
    void edgesAndRandomAfterImagesReadAsTheTreeReadsThem() {
        for (String v : VALUES) {
            for (String column : List.of("id", "doc", "Zoë", "other", "o\\u0074her", "i\\u0064")) {
                agrees(("{\"" + column + "\":" + v + "}").getBytes(StandardCharsets.UTF_8));
                agrees(("{\"id\":1,\"" + column + "\":" + v + ",\"x\":{\"y\":[" + v + "]}}")
                        .getBytes(StandardCharsets.UTF_8));
            }
        }
        for (String after : List.of("{}", " { } ", "{\"id\":1} x", "{\"id\":1,}", "{\"id\":1", "[]", "null", "",
                "{\"id\":1,\"id\":2}", "{\"x\":1,\"x\":2}", "{\"id\" : 1 , \"name\" : \"a\" }\n", "{\"id\":1}}",
                "{\"id\":1 \"name\":2}", "{\"id\":1,\"x\":[1,]}", "{\"id\":1,\"x\":{\"a\"}}")) {
            agrees(after.getBytes(StandardCharsets.UTF_8));
        }
        Random r = new Random(13);
        int read = 0;
        int whole = 8_000;
        byte[] odd = {0, 0x1f, '"', '\\', ',', ':', '{', '}', '[', ']', ' ', 'e', '-', '.', '0', (byte) 0x80,
            (byte) 0xC0, (byte) 0xC3, (byte) 0xED, (byte) 0xF4, (byte) 0xFF};
        for (int i = 0; i < whole; i++) {
            List<String> fields = new ArrayList<>();
            for (String column : COLUMNS) {
                if (r.nextInt(6) != 0) {
                    fields.add("\"" + column + "\":" + (r.nextInt(10) == 0 ? VALUES[r.nextInt(VALUES.length)]
                            : READ[r.nextInt(READ.length)]));
                }
            }
            if (r.nextInt(4) == 0) {
                fields.add("\"extra\":{\"k\":[1,\"x\",null]}");
            }
            if (r.nextInt(3) == 0) {
                java.util.Collections.shuffle(fields, r);
            }
            byte[] after = ("{" + String.join(r.nextBoolean() ? "," : " , ", fields) + "}")
                    .getBytes(StandardCharsets.UTF_8);
            if (agrees(after)) {
                read++;
            }
            byte[] broken = after.clone();
            broken[r.nextInt(broken.length)] = odd[r.nextInt(odd.length)];
            agrees(broken);
            agrees(Arrays.copyOf(after, r.nextInt(after.length)));
        }
        assertThat(read).isGreaterThan(whole / 2);
    }
}
