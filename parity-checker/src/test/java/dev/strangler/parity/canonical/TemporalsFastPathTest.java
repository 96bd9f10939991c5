package dev.strangler.parity.canonical;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The dates and timestamps read without a regular expression give exactly the text the regular expression gives (or
 * the same error), on the edges and on random texts around the common shape.
 */
class TemporalsFastPathTest {

    private static final List<String> EDGES = List.of(
            "2024-03-01 10:34:56.789+00", "2024-03-01T10:34:56.789Z", "2024-03-01 10:34:56+00", "2024-03-01",
            "2024-03-01Z", "2024-03-01 00:00:00", "2024-03-01T00:00:00Z",
            // time zones, the shift crossing a day, a month, a year, a leap day
            "2024-03-01 12:34:56.789012+02", "2024-03-01 05:04:56.789012-05:30", "2024-03-01 01:00:00+0530",
            "2024-03-01 01:00:00+05:30:15", "2024-03-01 23:59:59-00:00:01", "2023-12-31 23:30:00-01",
            "2024-01-01 00:30:00+01", "2024-02-28 23:00:00-02", "2024-03-01 00:30:00+01", "2023-03-01 00:30:00+01",
            "2000-02-29 23:59:59.999999999-14", "1900-02-28 23:00:00-01", "2100-03-01 00:00:00+15:59:59",
            "2024-03-01 10:00:00+05:3000", "2024-03-01 10:00:00+05:3", "2024-03-01 10:00:00+5",
            "2024-03-01 10:00:00 +02", "2024-03-01 10:00:00+02 ", " 2024-03-01 10:00:00+02",
            // the edges of four-digit years and of the shift
            "0001-01-01 00:00:00+00", "0001-01-01 00:30:00+01", "0001-01-01 00:00:00-01", "9999-12-31 23:59:59",
            "9999-12-31 23:30:00-01", "9999-12-31 23:30:00+01", "0000-01-01", "10000-01-01", "+2024-03-01",
            // BC, infinity and Debezium's infinity instants
            "0044-03-15 BC", "0044-03-15 12:00:00 BC", "0001-01-01 00:00:00+00 BC", "-0043-03-15Z",
            "-0043-03-15T12:00:00Z", "infinity", "-infinity", "+infinity", "Infinity", "+294247-01-10T04:00:25.2Z",
            "-290308-12-21T19:59:27.6Z", "+292278994-08-16Z", "-5877611-06-21Z", "5874897-12-31",
            // fractional seconds
            "2024-03-01 10:34:56.1", "2024-03-01 10:34:56.100000", "2024-03-01 10:34:56.000", "2024-03-01 10:34:56.0",
            "2024-03-01 10:34:56.000001", "2024-03-01 10:34:56.123456789", "2024-03-01 10:34:56.1234567890",
            "2024-03-01 10:34:56.", "2024-03-01T10:34:56.5Z", "2024-03-01 10:34:56.999999999+00",
            // out of range fields and broken texts
            "2024-02-30", "2023-02-29", "2024-13-01", "2024-00-10", "2024-01-00", "2024-04-31",
            "2024-03-01 24:00:00", "2024-03-01 23:60:00", "2024-03-01 23:59:60", "2024-03-01 25:00:00",
            "2024-03-01 1:00:00", "2024-03-01 10:00", "2024-03-01X10:00:00", "2024-3-01", "2024/03/01", "",
            "2024-03-01 10:00:00+", "2024-03-01 10:00:00Z+01", "2024-03-01 10:00:00ZZ", "2024-03-01T10:00:00+02:00",
            "２０２４-03-01");

    private static String outcome(UnaryOperator<String> f, String text) {
        try {
            return f.apply(text);
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    private static void same(String text) {
        assertThat(outcome(Temporals::timestamptz, text)).as("timestamptz %s", text)
                .isEqualTo(outcome(Temporals::timestamptzByPattern, text));
        assertThat(outcome(Temporals::timestamp, text)).as("timestamp %s", text)
                .isEqualTo(outcome(Temporals::timestampByPattern, text));
        assertThat(outcome(Temporals::date, text)).as("date %s", text)
                .isEqualTo(outcome(Temporals::dateByPattern, text));
    }

    @Test
    void theEdgesReadAsThePatternReadsThem() {
        EDGES.forEach(TemporalsFastPathTest::same);
    }

    @Test
    void examplesOfTheFastShape() {
        assertThat(Temporals.timestamptz("2024-03-01 12:34:56.789000+02")).isEqualTo("\"2024-03-01T10:34:56.789Z\"");
        assertThat(Temporals.timestamptz("2023-12-31 23:30:00-01")).isEqualTo("\"2024-01-01T00:30:00Z\"");
        assertThat(Temporals.timestamptz("0001-01-01 00:30:00+01")).isEqualTo("\"0000-12-31T23:30:00Z\"");
        assertThat(Temporals.timestamp("2024-03-01 10:34:56.000")).isEqualTo("\"2024-03-01T10:34:56\"");
        assertThat(Temporals.date("0044-03-15 BC")).isEqualTo("\"-0043-03-15\"");
    }

    @Test
    void randomTextsAroundTheCommonShape() {
        Random random = new Random(20261203L);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 200_000; i++) {
            texts.add(randomText(random));
        }
        texts.forEach(TemporalsFastPathTest::same);
    }

    private static String randomText(Random r) {
        StringBuilder sb = new StringBuilder();
        int yearKind = r.nextInt(20);
        int year = yearKind == 0 ? 0 : yearKind == 1 ? 9999 : yearKind == 2 ? 1 : 1 + r.nextInt(9999);
        if (yearKind == 3) {
            sb.append(r.nextBoolean() ? '-' : '+');
        }
        sb.append(yearKind == 4 ? Integer.toString(10000 + r.nextInt(300000)) : String.format("%04d", year));
        sb.append('-').append(String.format("%02d", r.nextInt(20) == 0 ? r.nextInt(14) : 1 + r.nextInt(12)));
        int day = r.nextInt(20) == 0 ? r.nextInt(33) : r.nextInt(4) == 0 ? 28 + r.nextInt(4) : 1 + r.nextInt(28);
        sb.append('-').append(String.format("%02d", day));
        if (r.nextInt(6) != 0) {
            sb.append(r.nextBoolean() ? ' ' : 'T');
            sb.append(String.format("%02d", r.nextInt(30) == 0 ? 23 + r.nextInt(3) : r.nextInt(24))).append(':');
            sb.append(String.format("%02d", r.nextInt(30) == 0 ? 59 + r.nextInt(2) : r.nextInt(60))).append(':');
            sb.append(String.format("%02d", r.nextInt(30) == 0 ? 59 + r.nextInt(2) : r.nextInt(60)));
            int digits = r.nextInt(12);
            if (digits > 0) {
                sb.append('.');
                for (int d = 0; d < digits - 1; d++) {
                    sb.append(r.nextInt(3) == 0 ? '0' : (char) ('0' + r.nextInt(10)));
                }
            }
        }
        switch (r.nextInt(8)) {
            case 0 -> { }
            case 1 -> sb.append('Z');
            case 2 -> sb.append(r.nextBoolean() ? '+' : '-').append(String.format("%02d", r.nextInt(16)));
            case 3 -> sb.append(r.nextBoolean() ? '+' : '-').append(String.format("%02d:%02d", r.nextInt(16),
                    r.nextInt(60)));
            case 4 -> sb.append(r.nextBoolean() ? '+' : '-').append(String.format("%02d%02d", r.nextInt(16),
                    r.nextInt(60)));
            case 5 -> sb.append(r.nextBoolean() ? '+' : '-').append(String.format("%02d:%02d:%02d",
                    r.nextInt(16), r.nextInt(60), r.nextInt(60)));
            case 6 -> sb.append("+00");
            default -> sb.append(r.nextBoolean() ? " " : "").append("+0");
        }
        if (r.nextInt(15) == 0) {
            sb.append(" BC");
        }
        if (r.nextInt(40) == 0) {
            sb.insert(r.nextInt(sb.length() + 1), " :.-T0".charAt(r.nextInt(6)));
        }
        return sb.toString();
    }
}
