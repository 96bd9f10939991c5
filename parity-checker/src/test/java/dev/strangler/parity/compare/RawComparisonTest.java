package dev.strangler.parity.compare;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.contract.EventEncoding;
import dev.strangler.parity.canonical.CanonicalValue;
import dev.strangler.parity.canonical.Canonicalizer;
import dev.strangler.parity.canonical.ColumnType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The compare takes an event's value as equal without canonicalising it when it is PostgreSQL's text of the table's
 * value byte for byte, for the types where that proves it ({@code RawForm}). Over many values of every type, taken
 * raw-equal or not: a value taken as equal is canonically equal, and every other one reads exactly as the event's
 * canonical reading gives it (so the comparison's findings are today's); also for a connector whose numeric
 * encoding makes digits mean something else.
 */
class RawComparisonTest {

    static final String PLACEHOLDER = Canonicalizer.DEFAULT_UNAVAILABLE_PLACEHOLDER;
    private static final ObjectMapper JSON = new ObjectMapper();

    static final List<ColumnType> COLUMNS = List.of(
            ColumnType.scalar("id", "int8"), ColumnType.scalar("small", "int4"), ColumnType.scalar("t", "text"),
            ColumnType.scalar("v", "varchar"), ColumnType.scalar("c", "bpchar"), ColumnType.scalar("u", "uuid"),
            ColumnType.scalar("n", "numeric").withTypmod((12 << 16 | 2) + 4), ColumnType.scalar("j", "jsonb"),
            ColumnType.scalar("js", "json"), ColumnType.enumType("mood", "mood"),
            ColumnType.scalar("at", "timestamptz"), ColumnType.arrayOf("tags", "text"),
            ColumnType.scalar("m", "money"), ColumnType.scalar("f", "float8"), ColumnType.scalar("b", "bool"),
            ColumnType.scalar("raw", "bytea"));

    /** PostgreSQL's text output of values of each column, edges first, then random ones. */
    static List<String> tableTexts(ColumnType column, Random random) throws Exception {
        List<String> texts = new ArrayList<>();
        switch (column.typeName()) {
            case "int8", "int4" -> {
                texts.addAll(List.of("0", "-1", "1", "42", "-2147483648", "2147483647", "9223372036854775807",
                        "-9223372036854775808", "100000000000000000"));
                for (int i = 0; i < 40; i++) {
                    texts.add(Long.toString(random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(1000)));
                }
            }
            case "text", "varchar", "mood" -> {
                texts.addAll(List.of("", "a", PLACEHOLDER, "Zoë", "tab\there", "line\nbreak", "quote\"back\\slash",
                        "😀 and 中文", "\u0001\u001f", "/slash", "12.30", "{\"a\": 1}", "null", " lead and trail "));
                for (int i = 0; i < 60; i++) {
                    texts.add(randomText(random, 12));
                }
            }
            case "bpchar" -> texts.addAll(List.of("abc   ", "abc", "   ", "é  ", "x"));
            case "uuid" -> {
                for (int i = 0; i < 20; i++) {
                    texts.add(new UUID(random.nextLong(), random.nextLong()).toString());
                }
            }
            case "numeric" -> {
                texts.addAll(List.of("0.00", "1.50", "-0.50", "12.30", "NaN", "Infinity", "-Infinity", "1234",
                        "9999999999.99", "0"));
                for (int i = 0; i < 40; i++) {
                    texts.add(String.format(Locale.ROOT, "%d.%02d", random.nextInt(200_000) - 100_000,
                            random.nextInt(100)));
                }
            }
            case "jsonb", "json" -> {
                texts.addAll(List.of("{}", "[]", "null", "1.50", "\"s\"", "{\"a\": 1, \"b\": [1.50, \"x\"]}",
                        "{\"k\": \"v\\\"q\\\\\", \"nested\": {\"zz\": null, \"a\": true}}", "\"😀\\n\""));
                for (int i = 0; i < 60; i++) {
                    texts.add(pgJson(randomDocument(random, 0)));
                }
            }
            case "timestamptz" -> {
                texts.addAll(List.of("2024-03-01 12:34:56.789+00", "2024-03-01 10:34:56.789+00",
                        "2024-03-01 10:34:56+00", "2024-02-29 23:59:59.999999+00", "0001-01-01 00:00:00+00",
                        "9999-12-31 23:59:59.5+00", "2024-03-01 12:34:56.789+01", "2024-03-01 12:34:56+05:30",
                        "0044-03-15 12:00:00+00 BC", "10000-01-01 00:00:00+00", "infinity", "-infinity",
                        "294247-01-10 04:00:25.2+00"));
                for (int i = 0; i < 60; i++) {
                    java.time.LocalDateTime at = java.time.LocalDateTime.of(1 + random.nextInt(9999),
                            1 + random.nextInt(12), 1 + random.nextInt(28), random.nextInt(24), random.nextInt(60),
                            random.nextInt(60), random.nextInt(4) == 0 ? 0 : random.nextInt(1_000_000) * 1000);
                    texts.add(pgTimestamp(at, random.nextInt(8) == 0 ? "+02" : "+00"));
                }
            }
            case "money" -> texts.addAll(List.of("12.50", "-0.10", "1234"));
            case "float8" -> texts.addAll(List.of("1.5", "-0", "NaN", "1e+300", "12"));
            case "bool" -> texts.addAll(List.of("t", "f"));
            case "bytea" -> texts.addAll(List.of("\\x0102", "\\x"));
            default -> texts.addAll(List.of("{a,b}", "{}", "{\"x y\",NULL}"));
        }
        return texts;
    }

    /** Values an event may carry for a table text: Debezium's own, others of the same value, and others. */
    static List<String> eventValues(ColumnType column, String text, Random random) throws Exception {
        List<String> values = new ArrayList<>();
        String quoted = JSON.writeValueAsString(text);
        values.add(quoted);
        values.add(escapeEverything(text));
        values.add(JSON.writeValueAsString(text + "x"));
        values.add(JSON.writeValueAsString(text.isEmpty() ? "" : text.substring(1)));
        values.add("\"" + PLACEHOLDER + "\"");
        values.add("null");
        values.add("\"\\ud83d\"");
        if (text.matches("-?[0-9]+")) {
            values.add(text);
            values.add("-0");
            values.add(text.matches("-?0") ? "-1" : text + "0");
        }
        if (text.matches("-?[0-9]+\\.[0-9]+")) {
            values.add(text);
            values.add(JSON.writeValueAsString(text + "0"));
            values.add(JSON.writeValueAsString(text.replaceAll("0+$", "")));
        }
        switch (column.typeName()) {
            case "bpchar" -> values.add(JSON.writeValueAsString(text.stripTrailing()));
            case "uuid" -> values.add(JSON.writeValueAsString(text.toUpperCase(Locale.ROOT)));
            case "timestamptz" -> values.addAll(debeziumTimestamps(text));
            case "jsonb", "json" -> {
                values.add(JSON.writeValueAsString(JSON.readTree(text).toString()));
                values.add(JSON.writeValueAsString(text.replace(": ", ":")));
            }
            default -> {
            }
        }
        values.add(JSON.writeValueAsString(randomText(random, 4)));
        values.add(Integer.toString(random.nextInt(100)));
        return values;
    }

    @Test
    void aValueTakenAsEqualIsCanonicallyEqualAndEveryOtherReadsAsBefore() throws Exception {
        for (EventEncoding encoding : List.of(EventEncoding.strangler(),
                EventEncoding.of("precise", "adaptive", "bytes", "string"),
                EventEncoding.of("double", "connect", "hex", "string"))) {
            Canonicalizer canonicalizer = new Canonicalizer(PLACEHOLDER, encoding);
            RowCodec codec = CanonicalRowCodecs.codec(canonicalizer, COLUMNS, List.of("id"));
            Random random = new Random(16);
            int[] takenAsEqual = new int[COLUMNS.size()];
            for (int c = 0; c < COLUMNS.size(); c++) {
                ColumnType column = COLUMNS.get(c);
                for (String text : tableTexts(column, random)) {
                    String canonical = canonicalizer.fromPgText(text, column);
                    byte[][] table = new byte[COLUMNS.size()][];
                    table[c] = (codec.isRaw(c) ? text : canonical).getBytes(StandardCharsets.UTF_8);
                    assertThat(codec.tableCanonical(c, table[c])).isEqualTo(canonical);
                    for (String value : eventValues(column, text, random)) {
                        String after = c == 0 ? "{\"id\":" + value + "}"
                                : "{\"id\":1,\"" + column.name() + "\":" + value + ",\"other\":[1]}";
                        byte[] bytes = after.getBytes(StandardCharsets.UTF_8);
                        CanonicalValue[] raw = codec.streamRow(bytes, table);
                        CanonicalValue[] canonicalRead = codec.streamRow(bytes);
                        for (int k = 0; k < COLUMNS.size(); k++) {
                            if (raw[k] == null) {
                                assertThat(k).as("%s %s", column, after).isEqualTo(c);
                                assertThat(codec.isRaw(c)).isTrue();
                                assertThat(canonicalRead[k]).as("%s: table %s, event %s", encoding, text, after)
                                        .isEqualTo(CanonicalValue.of(canonical));
                                takenAsEqual[c]++;
                            } else {
                                assertThat(raw[k]).as("%s %s", encoding, after).isEqualTo(canonicalRead[k]);
                            }
                        }
                    }
                }
            }
            for (int c = 0; c < COLUMNS.size(); c++) {
                assertThat(takenAsEqual[c] > 0).as("%s %s taken as equal", encoding, COLUMNS.get(c))
                        .isEqualTo(codec.isRaw(c));
            }
        }
    }

    @Test
    void debeziumsTextOfATimestamptzIsTakenAsEqualToPostgresUtcTextWhateverItsFractionsPadding() throws Exception {
        Canonicalizer canonicalizer = new Canonicalizer();
        RowCodec codec = CanonicalRowCodecs.codec(canonicalizer, COLUMNS, List.of("id"));
        int at = COLUMNS.indexOf(ColumnType.scalar("at", "timestamptz"));
        Random random = new Random(3);
        int checked = 0;
        for (String text : tableTexts(COLUMNS.get(at), random)) {
            if (!text.matches("\\d{4}-.* [0-9:.]+\\+00")) {
                continue;
            }
            byte[][] table = new byte[COLUMNS.size()][];
            table[at] = text.getBytes(StandardCharsets.UTF_8);
            for (String value : debeziumTimestamps(text).subList(0, 4)) {
                byte[] after = ("{\"id\":1,\"at\":" + value + "}").getBytes(StandardCharsets.UTF_8);
                assertThat(codec.streamRow(after, table)[at]).as("%s against %s", value, text).isNull();
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(200);
    }

    @Test
    void onlyTheTypesWhoseReadingsAgreeAreComparedRaw() {
        RowCodec strangler = CanonicalRowCodecs.codec(new Canonicalizer(), COLUMNS, List.of("id"));
        RowCodec precise = CanonicalRowCodecs.codec(new Canonicalizer(PLACEHOLDER,
                EventEncoding.of("precise", "adaptive", "bytes", "string")), COLUMNS, List.of("id"));
        List<String> raw = new ArrayList<>();
        List<String> rawPrecise = new ArrayList<>();
        for (int c = 0; c < COLUMNS.size(); c++) {
            if (strangler.isRaw(c)) {
                raw.add(COLUMNS.get(c).name());
            }
            if (precise.isRaw(c)) {
                rawPrecise.add(COLUMNS.get(c).name());
            }
        }
        assertThat(raw).containsExactly("id", "small", "t", "v", "c", "u", "n", "j", "mood", "at");
        assertThat(rawPrecise).containsExactly("id", "small", "t", "v", "c", "u", "j", "mood", "at");
    }

    /** PostgreSQL's text of a timestamptz in a session whose TimeZone is UTC (or prints the given offset). */
    static String pgTimestamp(java.time.LocalDateTime at, String offset) {
        String fraction = at.getNano() == 0 ? "" : String.format(Locale.ROOT, ".%06d", at.getNano() / 1000)
                .replaceAll("0+$", "");
        return String.format(Locale.ROOT, "%04d-%02d-%02d %02d:%02d:%02d%s%s", at.getYear(), at.getMonthValue(),
                at.getDayOfMonth(), at.getHour(), at.getMinute(), at.getSecond(), fraction, offset);
    }

    /**
     * What an event may carry for a timestamptz's PostgreSQL text: Debezium's ISO text of it (its fraction as is,
     * padded to 6 and 9 digits, or dropped when zero), near misses one digit, one field or the zone away, and the
     * same instant at another offset (canonically equal, never raw).
     */
    static List<String> debeziumTimestamps(String text) throws Exception {
        List<String> values = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "(\\d{4}-\\d{2}-\\d{2}) (\\d{2}:\\d{2}:\\d{2})(?:\\.(\\d+))?\\+00").matcher(text);
        if (!m.matches()) {
            values.add(JSON.writeValueAsString(text.replace(' ', 'T')));
            return values;
        }
        String date = m.group(1);
        String time = m.group(2);
        String fraction = m.group(3) == null ? "" : m.group(3);
        for (String f : List.of(fraction, pad(fraction, 6), pad(fraction, 9), fraction + "0")) {
            values.add(JSON.writeValueAsString(date + "T" + time + (f.isEmpty() ? "" : "." + f) + "Z"));
        }
        values.add(JSON.writeValueAsString(date + "T" + time + (fraction.isEmpty() ? ".1" : "." + fraction + "1") + "Z"));
        values.add(JSON.writeValueAsString(date + "T" + time + "." + pad(fraction, 10) + "Z"));
        values.add(JSON.writeValueAsString(date + " " + time + (fraction.isEmpty() ? "" : "." + fraction) + "Z"));
        values.add(JSON.writeValueAsString(date + "T" + time + (fraction.isEmpty() ? "" : "." + fraction) + "+00:00"));
        values.add(JSON.writeValueAsString(date + "T" + time + "Z").replace("T", "t"));
        values.add(JSON.writeValueAsString(date + "T" + time.substring(0, 7) + (char) ('0' + (time.charAt(7) - '0' + 1)
                % 10) + (fraction.isEmpty() ? "" : "." + fraction) + "Z"));
        values.add(escapeEverything(date + "T" + time + (fraction.isEmpty() ? "" : "." + fraction) + "Z"));
        java.time.OffsetDateTime at = java.time.OffsetDateTime.parse(date + "T" + time
                + (fraction.isEmpty() ? "" : "." + fraction) + "Z");
        values.add(JSON.writeValueAsString(at.withOffsetSameInstant(java.time.ZoneOffset.ofHours(3)).toString()));
        return values;
    }

    private static String pad(String fraction, int digits) {
        StringBuilder sb = new StringBuilder(fraction);
        while (sb.length() < digits) {
            sb.append('0');
        }
        return sb.toString();
    }

    /** A JSON string with every character escaped as {@code \\u}, surrogate pairs as two escapes. */
    static String escapeEverything(String text) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : text.toCharArray()) {
            sb.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
        }
        return sb.append('"').toString();
    }

    static String randomText(Random random, int maxLength) {
        String alphabet = "ab \"\\/\t\n\u0001é中😀{}:,0.5";
        StringBuilder sb = new StringBuilder();
        int length = random.nextInt(maxLength + 1);
        for (int i = 0; i < length; i++) {
            int at = random.nextInt(alphabet.length());
            if (Character.isHighSurrogate(alphabet.charAt(at))) {
                sb.append(alphabet, at, at + 2);
            } else if (!Character.isLowSurrogate(alphabet.charAt(at))) {
                sb.append(alphabet.charAt(at));
            }
        }
        return sb.toString();
    }

    private static Object randomDocument(Random random, int depth) {
        int kind = random.nextInt(depth > 2 ? 4 : 6);
        return switch (kind) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2 -> random.nextInt(3) == 0 ? new java.math.BigDecimal("1.50")
                    : java.math.BigDecimal.valueOf(random.nextInt(2000) - 1000);
            case 3 -> randomText(random, 6);
            case 4 -> {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) {
                    list.add(randomDocument(random, depth + 1));
                }
                yield list;
            }
            default -> {
                TreeMap<String, Object> map = new TreeMap<>();
                for (int i = random.nextInt(5); i > 0; i--) {
                    map.put(randomText(random, 3), randomDocument(random, depth + 1));
                }
                yield map;
            }
        };
    }

    /**
     * A document as jsonb prints it: names shorter first, then by their bytes; ", " and ": " between; numbers as
     * they were given, with their trailing zeros.
     */
    private static String pgJson(Object document) throws Exception {
        if (document instanceof TreeMap<?, ?> map) {
            List<String> names = new ArrayList<>();
            map.keySet().forEach(k -> names.add((String) k));
            Collections.sort(names, (a, b) -> {
                byte[] x = a.getBytes(StandardCharsets.UTF_8);
                byte[] y = b.getBytes(StandardCharsets.UTF_8);
                return x.length != y.length ? Integer.compare(x.length, y.length) : java.util.Arrays.compare(x, y);
            });
            List<String> members = new ArrayList<>();
            for (String name : names) {
                members.add(JSON.writeValueAsString(name) + ": " + pgJson(map.get(name)));
            }
            return "{" + String.join(", ", members) + "}";
        }
        if (document instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            for (Object item : list) {
                items.add(pgJson(item));
            }
            return "[" + String.join(", ", items) + "]";
        }
        if (document instanceof java.math.BigDecimal number) {
            return number.toPlainString();
        }
        return JSON.writeValueAsString(document);
    }
}
