package dev.strangler.parity.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The hand-written envelope reader gives exactly the event Jackson's tokens give, for every record it reads (and
 * leaves every other record to them): edge cases, random Debezium-shaped envelopes, and the same with random bytes
 * broken, cut off or inserted (invalid UTF-8, control characters, quotes, escapes).
 */
class EnvelopeScannerTest {

    private final EnvelopeParser parser = new EnvelopeParser();

    private static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** What the scanner gives agrees with the tokens; returns whether the scanner read it. */
    private boolean agrees(byte[] key, byte[] value) {
        ChangeEvent fast = EnvelopeScanner.scan(key, value);
        if (fast != null) {
            ChangeEvent tokens = parser.parseWithoutTree(key, value); // the scanner takes no key the tree refuses
            assertThat(tokens).as("%s / %s", text(key), text(value)).isNotNull();
            assertThat(describe(fast)).as("%s / %s", text(key), text(value)).isEqualTo(describe(tokens));
            assertThat(Objects.equals(fast.key(), tokens.key())).as("key nodes of %s", text(key)).isTrue();
        }
        // and the fold's reading as a whole says what it said before the scanner (the tokens, else the tree)
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("t", 0, 0L, key, value);
        assertThat(outcome(record, true)).as("%s / %s", text(key), text(value)).isEqualTo(outcome(record, false));
        return fast != null;
    }

    private static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static String describe(ChangeEvent e) {
        return e.key() + " " + (e.key() == null ? "" : e.key().getClass().getSimpleName()) + " " + e.op() + " "
                + e.after() + " " + Arrays.toString(e.afterJson()) + " " + e.txId() + " " + e.lsn() + " "
                + e.snapshot() + " " + e.snapshotMarker() + " " + e.sourceTsMs() + " " + e.repair();
    }

    private String outcome(ConsumerRecord<byte[], byte[]> record, boolean fast) {
        try {
            ChangeEvent e = fast ? parser.parseForFold(record) : parser.parseWithoutTree(record.key(), record.value());
            if (e == null) {
                e = parser.parse(record);
            }
            Object after = e.after();
            if (e.afterJson() != null) {
                after = dev.strangler.parity.canonical.Canonicalizer.eventMapper().readTree(e.afterJson());
            }
            return e.key() + " " + e.op() + " " + after + " " + e.txId() + " " + e.lsn() + " " + e.snapshot() + " "
                    + e.snapshotMarker() + " " + e.sourceTsMs() + " " + e.isTombstone() + " " + e.hasAfter();
        } catch (EnvelopeParser.MalformedEventException ex) {
            return "malformed: " + ex.getMessage();
        } catch (java.io.IOException | RuntimeException ex) {
            return ex.getClass().getSimpleName() + ": " + ex.getMessage();
        }
    }

    private static final List<String> KEYS = List.of("{\"id\":7}", "{\"id\":-0}", "{\"id\":2147483647}",
            "{\"id\":2147483648}", "{\"id\":-2147483649}", "{\"id\":123456789012345678}",
            "{\"id\":1234567890123456789}", "{\"id\":9223372036854775807}",
            "{\"id\":-9223372036854775808}", "{\"id\":9223372036854775808}", "{\"id\":-9223372036854775809}",
            "{\"id\":12345678901234567890}", "{\"id\":1.5}", "{\"id\":1e3}", "{\"id\":\"Zoë\"}", "{\"id\":\"a\\\"b\"}",
            "{\"id\":true}", "{\"id\":false}", "{\"id\":null}", "{\"a\":1,\"b\":\"x\"}", "{\"a\":1,\"a\":2}",
            "{\"id\":[1]}", "{\"id\":{}}", "{}", " { \"id\" : 7 } ", "{\"id\":7} x", "{\"id\":07}", "{\"id\":7,}",
            "{\"schema\":{},\"payload\":{\"id\":7}}", "{\"schema\":1,\"payload\":2}", "{\"schema\":1}", "[]", "7",
            "", "not json", "{\"\\u0069d\":7}", "{\"id\":\"\u0001\"}", "{\"id\":tru}", "{\"i\u00e9\":\"\uD83D\uDE00\"}");

    private static final String SOURCE = "\"source\":{\"version\":\"3.6.1.Final\",\"connector\":\"postgresql\","
            + "\"name\":\"p\",\"ts_ms\":1700000000123,\"snapshot\":\"false\",\"db\":\"d\",\"sequence\":"
            + "\"[\\\"1\\\",\\\"2\\\"]\",\"ts_us\":1700000000123456,\"schema\":\"s\",\"table\":\"t\","
            + "\"txId\":4321,\"lsn\":987654321,\"xmin\":null}";

    private static final List<String> VALUES = List.of(
            "{\"before\":null,\"after\":{\"id\":7,\"name\":\"Zoë \\u00e9\\\"}\",\"n\":1.50},"
                    + SOURCE + ",\"transaction\":null,\"op\":\"c\",\"ts_ms\":1700000000200}",
            "{\"after\":{\"id\":7},\"source\":{\"txId\":1234567890123456789,\"lsn\":1},\"op\":\"c\"}",
            "{\"after\":{\"id\":7},\"source\":{\"txId\":-5,\"lsn\":-0,\"ts_ms\":0},\"op\":\"c\"}",
            "{\"after\":{\"id\":7},\"source\":{\"txId\":05},\"op\":\"c\"}",
            "{\"after\":{\"id\":7},\"source\":{\"txId\":9223372036854775807,\"lsn\":-9223372036854775808},\"op\":\"c\"}",
            "{\"after\":{\"id\":7},\"source\":{\"txId\":9223372036854775808},\"op\":\"c\"}",
            "{\"after\":{\"id\":7},\"source\":{\"txId\":5.0},\"op\":\"c\"}",
            "{\"after\":{\"id\":7},\"source\":{\"txId\":5e0},\"op\":\"c\"}",
            "{\"after\":{\"id\":7},\"source\":{\"snapshot\":\"tr\\u0075e\"},\"op\":\"r\"}",
            "{\"after\":{\"id\":7},\"source\":{\"snapshot\":false},\"op\":\"r\"}",
            "{\"after\":{\"id\":7},\"source\":{\"snapshot\":1},\"op\":\"r\"}",
            "{\"after\":{\"id\":7},\"source\":{\"snapshot\":\"last\",\"snapshot\":\"true\"},\"op\":\"r\"}",
            "{\"after\":{\"id\":7},\"source\":{\"x\":{\"txId\":9}},\"op\":\"r\"}",
            "{\"after\":{\"id\":7},\"source\":{},\"op\":\"r\"}",
            "{\"after\":{\"id\":7},\"source\":null,\"op\":\"r\"}",
            "{\"after\":{\"id\":7},\"\\u006fp\":\"c\"}",
            "{\"after\":{\"id\":7},\"op\":\"\\u0063\"}",
            "{\"after\":{\"id\":7},\"op\":\"c\",\"payload\":1}",
            "{\"after\":{\"id\":7},\"op\":\"c\",\"x\":[1,2,{\"y\":[]}],\"z\":-1.5e-3}",
            "{\"after\":{\"id\":7},\"op\":\"c\",\"x\":[1,2,]}",
            "{\"after\":{\"id\":7},\"op\":\"c\",\"x\":01}",
            "{\"after\":{\"id\":7},\"op\":\"c\",\"x\":1.}",
            "{\"after\":{\"id\":7},\"op\":\"c\",\"x\":\"\\q\"}",
            "{\"after\":{\"id\":7},\"op\":\"c\",\"x\":\"\\u12G4\"}",
            "{\"after\":{\"id\":7},\"op\":\"c\",\"x\":nul}",
            "{\"after\":{\"id\":7},\"op\":\"c\",\"x\":truex}",
            "{\"after\":{\"id\":\"\u0000\"},\"op\":\"c\"}",
            "{\"after\":{\"s\":\"\u007f\u2028\uD83D\uDE00\"},\"op\":\"c\"}",
            "{\"after\":{\"s\":\"\\ud800\"},\"op\":\"c\"}",
            "{\"after\":{},\"op\":\"c\"}", "{\"after\":null,\"op\":\"d\"}", "{\"op\":\"d\"}", "{}",
            "{\"after\":{\"id\":7},\"op\":\"c\"}\n", "\t{\"after\":{\"id\":7},\"op\":\"c\"}",
            "{\"after\":{\"id\":7},\"op\":\"c\"}}", "{\"after\":{\"id\":7}\"op\":\"c\"}", "{\"after\":{\"id\":7},\"op\":\"c\",}");

    @Test
    void edgesReadAsTheTokensReadThem() {
        for (String key : KEYS) {
            for (String value : VALUES) {
                agrees(bytes(key), bytes(value));
            }
        }
        agrees(null, bytes(VALUES.get(0)));
        agrees(bytes(KEYS.get(0)), null);
        assertThat(agrees(bytes(KEYS.get(0)), bytes(VALUES.get(0)))).isTrue();
    }

    @Test
    void invalidUtf8IsLeftToTheTokens() {
        byte[][] sequences = {{(byte) 0xC0, (byte) 0x80}, {(byte) 0xC1, (byte) 0xBF}, {(byte) 0xE0, (byte) 0x80,
            (byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
            {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xBF}, {(byte) 0xC3},
            {(byte) 0xE2, (byte) 0x82}, {(byte) 0xFF}, {(byte) 0xC3, (byte) 0xA9}, {(byte) 0xE2, (byte) 0x82,
            (byte) 0xAC}, {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80}, {(byte) 0xEF, (byte) 0xBF, (byte) 0xBF}};
        for (byte[] sequence : sequences) {
            for (String template : List.of("{\"after\":{\"s\":\"a#b\"},\"op\":\"c\"}", "{\"after\":{\"#\":1},\"op\":\"c\"}",
                    "{\"op\":\"c\",\"x\":\"#\"}", "{\"op\":\"c\",\"source\":{\"snapshot\":\"#\"}}")) {
                byte[] value = splice(template, sequence);
                agrees(bytes("{\"id\":7}"), value);
                agrees(splice("{\"id\":\"#\"}", sequence), bytes("{\"op\":\"c\"}"));
            }
        }
    }

    private static byte[] splice(String template, byte[] sequence) {
        byte[] t = bytes(template);
        int at = template.indexOf('#');
        byte[] out = new byte[t.length - 1 + sequence.length];
        System.arraycopy(t, 0, out, 0, at);
        System.arraycopy(sequence, 0, out, at, sequence.length);
        System.arraycopy(t, at + 1, out, at + sequence.length, t.length - at - 1);
        return out;
    }

    @Test
    void randomEnvelopesAndBrokenOnes() {
        Random r = new Random(3);
        int read = 0;
        int whole = 6_000;
        for (int i = 0; i < whole; i++) {
            byte[] key = bytes(r.nextInt(10) == 0 ? KEYS.get(r.nextInt(KEYS.size())) : "{\"id\":" + (r.nextLong() >> r.nextInt(64)) + "}");
            byte[] value = bytes(envelope(r));
            if (agrees(key, value)) {
                read++;
            }
            for (int k = 0; k < 3; k++) {
                agrees(key, broken(r, value));
            }
        }
        assertThat(read).isGreaterThan(whole / 2);
    }

    private static byte[] broken(Random r, byte[] value) {
        byte[] odd = {0, 0x1f, '"', '\\', ',', ':', '{', '}', '[', ']', ' ', 'e', '-', '.', '0', (byte) 0x80,
            (byte) 0xC0, (byte) 0xC3, (byte) 0xED, (byte) 0xF4, (byte) 0xFF};
        byte[] b = value.clone();
        switch (r.nextInt(3)) {
            case 0 -> b[r.nextInt(b.length)] = odd[r.nextInt(odd.length)];
            case 1 -> b = Arrays.copyOf(b, r.nextInt(b.length));
            default -> {
                int at = r.nextInt(b.length);
                byte[] c = new byte[b.length + 1];
                System.arraycopy(b, 0, c, 0, at);
                c[at] = odd[r.nextInt(odd.length)];
                System.arraycopy(b, at, c, at + 1, b.length - at);
                b = c;
            }
        }
        return b;
    }

    private static final String[] OPS = {"c", "u", "d", "r", "t", "m", "x", ""};
    private static final String[] SNAPSHOTS = {"\"false\"", "\"true\"", "\"first\"", "\"last\"", "\"incremental\"",
        "\"\"", "true", "false", "null"};

    private static String envelope(Random r) {
        StringBuilder sb = new StringBuilder("{");
        String op = OPS[r.nextInt(r.nextInt(5) == 0 ? OPS.length : 4)];
        boolean delete = op.equals("d");
        sb.append("\"before\":").append(delete ? "{\"id\":1}" : "null");
        sb.append(",\"after\":");
        if (delete) {
            sb.append("null");
        } else {
            value(r, sb, 0, true);
        }
        sb.append(",\"source\":{\"version\":\"3.6.1.Final\",\"connector\":\"postgresql\",\"name\":\"p\",\"ts_ms\":")
                .append(Math.abs(r.nextLong() % 10_000_000_000_000L)).append(",\"snapshot\":")
                .append(SNAPSHOTS[r.nextInt(SNAPSHOTS.length)]).append(",\"db\":\"d\",\"sequence\":\"[\\\"")
                .append(r.nextInt(1000)).append("\\\",\\\"2\\\"]\",\"txId\":").append(r.nextInt(1_000_000))
                .append(",\"lsn\":").append(r.nextLong() >>> 8).append(",\"xmin\":null}");
        sb.append(",\"transaction\":null,\"op\":\"").append(op).append("\",\"ts_ms\":").append(r.nextInt())
                .append(",\"ts_us\":").append(r.nextLong() >>> 2).append('}');
        return sb.toString();
    }

    private static final String[] STRINGS = {"", "x", "Zoë", "\\\"", "\\\\", "\\/", "\\b\\f\\n\\r\\t", "\\u0000",
        "\\u001F", "\uD83D\uDE00", "\\ud83d\\ude00", "\u2028", "<tag>&amp;", "日本語", "\u007f", "\\uDE00"};
    private static final String[] NUMBERS = {"0", "-0", "1", "-17", "1.50", "1e2", "2E-3", "-0.000", "3.14159",
        "99999999999999999999", "-9223372036854775809", "1e-400", "12345.678900", "1E+05"};

    private static void value(Random r, StringBuilder sb, int depth, boolean object) {
        int kind = object ? 0 : depth > 4 ? 2 + r.nextInt(4) : r.nextInt(6);
        switch (kind) {
            case 0 -> {
                sb.append('{');
                int n = r.nextInt(8);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : r.nextBoolean() ? "," : " , ").append('"')
                            .append(STRINGS[r.nextInt(STRINGS.length)]).append(i).append('"')
                            .append(r.nextBoolean() ? ":" : ": ");
                    value(r, sb, depth + 1, false);
                }
                sb.append('}');
            }
            case 1 -> {
                sb.append('[');
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    sb.append(i == 0 ? "" : ",");
                    value(r, sb, depth + 1, false);
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
