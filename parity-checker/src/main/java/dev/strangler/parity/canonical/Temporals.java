package dev.strangler.parity.canonical;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Canonical text of date, timestamp, timestamptz, time, timetz and interval values, from PostgreSQL's text output
 * (DateStyle ISO, as the JDBC driver sets it; IntervalStyle postgres, postgres_verbose, sql_standard or iso_8601)
 * and from Debezium's {@code isostring} / {@code interval.handling.mode=string} encodings.
 */
final class Temporals {

    static final String INFINITY = "\"infinity\"";
    static final String NEGATIVE_INFINITY = "\"-infinity\"";

    private static final Pattern DATE_TIME = Pattern.compile(
            "([+-])?(\\d{4,})-(\\d{2})-(\\d{2})(?:[ T](\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?)?"
                    + "\\s*(Z|[+-]\\d{2}(?::?\\d{2}){0,2})?( BC)?");
    private static final Pattern TIME = Pattern.compile(
            "(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?\\s*(Z|[+-]\\d{2}(?::?\\d{2}){0,2})?");
    private static final Pattern ISO_INTERVAL = Pattern.compile(
            "P(?:([+-]?\\d+)Y)?(?:([+-]?\\d+)M)?(?:([+-]?\\d+)W)?(?:([+-]?\\d+)D)?"
                    + "(?:T(?:([+-]?\\d+)H)?(?:([+-]?\\d+)M)?(?:([+-]?\\d+(?:\\.\\d+)?)S)?)?");
    private static final Pattern CLOCK = Pattern.compile("([+-])?(\\d+):(\\d{2})(?::(\\d{2})(?:\\.(\\d+))?)?");
    private static final Pattern YEAR_MONTH = Pattern.compile("([+-])?(\\d+)-(\\d+)");

    /*
     * Debezium 3.6 writes PostgreSQL's infinite dates and timestamps as these out-of-range instants (observed in
     * CanonicalizerPipelineIT); none of them is a date PostgreSQL can store (4713 BC .. 5874897 AD), except the
     * timestamp ones, which are the epoch offsets Long.MAX_VALUE / Long.MIN_VALUE microseconds.
     */
    private static final LocalDate DATE_INFINITY_SNAPSHOT = LocalDate.of(292278994, 8, 16);
    private static final LocalDate DATE_NEG_INFINITY_SNAPSHOT = LocalDate.of(292269055, 12, 2);
    private static final LocalDate DATE_INFINITY_STREAMING = LocalDate.of(-5877611, 6, 21);
    private static final LocalDate DATE_NEG_INFINITY_STREAMING = LocalDate.of(-5877611, 6, 22);
    private static final LocalDateTime TIMESTAMP_INFINITY = LocalDateTime.of(294247, 1, 10, 4, 0, 25, 200_000_000);
    private static final LocalDateTime TIMESTAMP_NEG_INFINITY =
            LocalDateTime.of(-290308, 12, 21, 19, 59, 27, 600_000_000);

    private static final long NANOS_PER_DAY = 86_400_000_000_000L;
    private static final long MICROS_PER_HOUR = 3_600_000_000L;
    private static final long MICROS_PER_MINUTE = 60_000_000L;
    private static final long MICROS_PER_SECOND = 1_000_000L;

    private Temporals() {
    }

    // ---- date ------------------------------------------------------------------------------------------------

    /** From PostgreSQL ({@code 2000-02-29}, {@code 0044-03-15 BC}, {@code infinity}) or Debezium ({@code 2000-02-29Z}). */
    static String date(String text) {
        String fast = FastDateTime.format(text, FastDateTime.DATE);
        return fast != null ? fast : dateByPattern(text);
    }

    /** {@link #date} read with the regular expression (every input the fast reading leaves to it). */
    static String dateByPattern(String text) {
        String special = infinity(text);
        if (special != null) {
            return special;
        }
        LocalDate date = parseDateTime(text).dateTime.toLocalDate();
        if (date.equals(DATE_INFINITY_SNAPSHOT) || date.equals(DATE_INFINITY_STREAMING)) {
            return INFINITY;
        }
        if (date.equals(DATE_NEG_INFINITY_SNAPSHOT) || date.equals(DATE_NEG_INFINITY_STREAMING)) {
            return NEGATIVE_INFINITY;
        }
        return quote(date.toString());
    }

    // ---- timestamp -------------------------------------------------------------------------------------------

    /** timestamp without time zone: wall-clock value; a zone designator (Debezium adds {@code Z}) is ignored. */
    static String timestamp(String text) {
        String fast = FastDateTime.format(text, FastDateTime.TIMESTAMP);
        return fast != null ? fast : timestampByPattern(text);
    }

    /** {@link #timestamp} read with the regular expression. */
    static String timestampByPattern(String text) {
        String special = infinity(text);
        if (special != null) {
            return special;
        }
        LocalDateTime ts = parseDateTime(text).dateTime;
        if (ts.equals(TIMESTAMP_INFINITY)) {
            return INFINITY;
        }
        if (ts.equals(TIMESTAMP_NEG_INFINITY)) {
            return NEGATIVE_INFINITY;
        }
        return quote(formatDateTime(ts));
    }

    /** timestamptz: the instant in UTC, e.g. {@code "2024-03-01T10:34:56.789012Z"}; no offset means UTC. */
    static String timestamptz(String text) {
        String fast = FastDateTime.format(text, FastDateTime.TIMESTAMPTZ);
        return fast != null ? fast : timestamptzByPattern(text);
    }

    /** {@link #timestamptz} read with the regular expression. */
    static String timestamptzByPattern(String text) {
        String special = infinity(text);
        if (special != null) {
            return special;
        }
        Parsed p = parseDateTime(text);
        LocalDateTime utc = p.offsetSeconds == 0 ? p.dateTime : p.dateTime.minusSeconds(p.offsetSeconds);
        if (utc.equals(TIMESTAMP_INFINITY)) {
            return INFINITY;
        }
        if (utc.equals(TIMESTAMP_NEG_INFINITY)) {
            return NEGATIVE_INFINITY;
        }
        return quote(formatDateTime(utc) + "Z");
    }

    /**
     * Dates and timestamps in the shape PostgreSQL (DateStyle ISO) and Debezium write them nearly always, read without
     * a regular expression: {@code yyyy-MM-dd}, then optionally {@code ' '} or {@code 'T'} and {@code HH:mm:ss} with
     * 1 to 9 fractional digits, then optionally {@code Z} or an offset {@code ±HH[[:]MM[[:]SS]]}, nothing around it.
     * Only years 1 to 9999 (before and after the shift to UTC) and fields within range are read here; anything else
     * (a sign, BC, a wider year, spaces, 24:00:00, a leap second, an impossible date, infinity, Debezium's
     * out-of-range infinity instants) gives null and is read by the regular expression, which is the rule. Within
     * that range both readings give the same text (TemporalsFastPathTest compares them).
     */
    private static final class FastDateTime {
        static final int DATE = 0;
        static final int TIMESTAMP = 1;
        static final int TIMESTAMPTZ = 2;

        private FastDateTime() {
        }

        static String format(String s, int what) {
            int n = s.length();
            if (n < 10 || s.charAt(4) != '-' || s.charAt(7) != '-') {
                return null;
            }
            int year = digits(s, 0, 4);
            int month = digits(s, 5, 2);
            int day = digits(s, 8, 2);
            if (year < 1 || month < 1 || month > 12 || day < 1 || day > lengthOfMonth(year, month)) {
                return null;
            }
            int i = 10;
            int hour = 0;
            int minute = 0;
            int second = 0;
            int fractionFrom = -1;
            int fractionTo = -1;
            if (i < n && (s.charAt(i) == ' ' || s.charAt(i) == 'T')) {
                if (n < i + 9 || s.charAt(i + 3) != ':' || s.charAt(i + 6) != ':') {
                    return null;
                }
                hour = digits(s, i + 1, 2);
                minute = digits(s, i + 4, 2);
                second = digits(s, i + 7, 2);
                if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
                    return null;
                }
                i += 9;
                if (i < n && s.charAt(i) == '.') {
                    int j = i + 1;
                    while (j < n && isDigit(s.charAt(j))) {
                        j++;
                    }
                    if (j - i - 1 < 1 || j - i - 1 > 9) {
                        return null;
                    }
                    fractionFrom = i + 1;
                    fractionTo = j;
                    i = j;
                }
            }
            int offset = 0;
            if (i < n) {
                char c = s.charAt(i);
                if (c == 'Z') {
                    i++;
                } else if (c == '+' || c == '-') {
                    int hours = digits(s, i + 1, 2);
                    if (hours < 0) {
                        return null;
                    }
                    int seconds = hours * 3600;
                    int j = i + 3;
                    for (int part = 0; part < 2 && j < n; part++) {
                        int at = s.charAt(j) == ':' ? j + 1 : j;
                        int value = digits(s, at, 2);
                        if (value < 0) {
                            return null;
                        }
                        seconds += part == 0 ? value * 60 : value;
                        j = at + 2;
                    }
                    offset = c == '-' ? -seconds : seconds;
                    i = j;
                } else {
                    return null;
                }
            }
            if (i != n) {
                return null;
            }
            if (what == DATE) {
                StringBuilder sb = new StringBuilder(12).append('"');
                return appendDate(sb, year, month, day).append('"').toString();
            }
            long secondOfDay = hour * 3600L + minute * 60L + second;
            if (what == TIMESTAMPTZ && offset != 0) {
                long epochSecond = LocalDate.of(year, month, day).toEpochDay() * 86_400L + secondOfDay - offset;
                LocalDate utc = LocalDate.ofEpochDay(Math.floorDiv(epochSecond, 86_400L));
                if (utc.getYear() < 1 || utc.getYear() > 9999) {
                    return null;
                }
                year = utc.getYear();
                month = utc.getMonthValue();
                day = utc.getDayOfMonth();
                secondOfDay = Math.floorMod(epochSecond, 86_400L);
            }
            StringBuilder sb = new StringBuilder(40).append('"');
            appendDate(sb, year, month, day).append('T');
            two(sb, (int) (secondOfDay / 3600)).append(':');
            two(sb, (int) (secondOfDay / 60 % 60)).append(':');
            two(sb, (int) (secondOfDay % 60));
            if (fractionFrom >= 0) {
                int end = fractionTo;
                while (end > fractionFrom && s.charAt(end - 1) == '0') {
                    end--;
                }
                if (end > fractionFrom) {
                    sb.append('.').append(s, fractionFrom, end);
                }
            }
            if (what == TIMESTAMPTZ) {
                sb.append('Z');
            }
            return sb.append('"').toString();
        }

        private static StringBuilder appendDate(StringBuilder sb, int year, int month, int day) {
            sb.append((char) ('0' + year / 1000)).append((char) ('0' + year / 100 % 10))
                    .append((char) ('0' + year / 10 % 10)).append((char) ('0' + year % 10)).append('-');
            two(sb, month).append('-');
            return two(sb, day);
        }

        /** The non-negative number of {@code count} ASCII digits at {@code from}, or -1. */
        private static int digits(String s, int from, int count) {
            if (from + count > s.length()) {
                return -1;
            }
            int value = 0;
            for (int k = from; k < from + count; k++) {
                char c = s.charAt(k);
                if (!isDigit(c)) {
                    return -1;
                }
                value = value * 10 + (c - '0');
            }
            return value;
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static int lengthOfMonth(int year, int month) {
            return switch (month) {
                case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
                case 4, 6, 9, 11 -> 30;
                default -> 31;
            };
        }
    }

    // ---- time ------------------------------------------------------------------------------------------------

    /** time without time zone; {@code 24:00:00} stays {@code 24:00:00}; a zone designator is ignored. */
    static String time(String text) {
        return quote(formatTimeOfDay(parseTime(text)[0]));
    }

    /** timetz: normalised to UTC, e.g. {@code 12:34:56+02} is {@code "10:34:56Z"} (Debezium keeps no offset). */
    static String timetz(String text) {
        long[] t = parseTime(text);
        long nanos = Math.floorMod(t[0] - t[1] * 1_000_000_000L, NANOS_PER_DAY);
        return quote(formatTimeOfDay(nanos) + "Z");
    }

    // ---- interval --------------------------------------------------------------------------------------------

    /**
     * The interval's three stored fields (months, days, microseconds) written like PostgreSQL's iso_8601
     * IntervalStyle: {@code "P1Y2M3DT4H5M6.78S"}, {@code "P-1M"}, {@code "PT0S"}. {@code '1 day'} and
     * {@code '24 hours'} stay different (PostgreSQL's {@code =} would call them equal; the stored values and what
     * consumers read differ).
     */
    static String interval(String text) {
        long[] f = parseInterval(text.trim());
        return quote(formatInterval(f[0], f[1], f[2]));
    }

    static String formatInterval(long months, long days, long micros) {
        if (months == 0 && days == 0 && micros == 0) {
            return "PT0S";
        }
        StringBuilder sb = new StringBuilder("P");
        long years = months / 12;
        long mons = months % 12;
        if (years != 0) {
            sb.append(years).append('Y');
        }
        if (mons != 0) {
            sb.append(mons).append('M');
        }
        if (days != 0) {
            sb.append(days).append('D');
        }
        if (micros != 0) {
            sb.append('T');
            long hours = micros / MICROS_PER_HOUR;
            long rest = micros % MICROS_PER_HOUR;
            long minutes = rest / MICROS_PER_MINUTE;
            long secondMicros = rest % MICROS_PER_MINUTE;
            if (hours != 0) {
                sb.append(hours).append('H');
            }
            if (minutes != 0) {
                sb.append(minutes).append('M');
            }
            if (secondMicros != 0) {
                sb.append(BigDecimal.valueOf(secondMicros, 6).stripTrailingZeros().toPlainString()).append('S');
            }
        }
        return sb.toString();
    }

    /** {months, days, micros} from any IntervalStyle's output or an ISO 8601 duration. */
    static long[] parseInterval(String text) {
        String t = text.trim();
        boolean negateAll = false;
        if (t.startsWith("-P")) {
            negateAll = true;
            t = t.substring(1);
        }
        if (t.startsWith("P")) {
            Matcher m = ISO_INTERVAL.matcher(t);
            if (!m.matches() || t.equals("P") || t.endsWith("T")) {
                throw new IllegalArgumentException("not an ISO 8601 interval: " + text);
            }
            long months = Math.addExact(Math.multiplyExact(group(m, 1), 12), group(m, 2));
            long days = Math.addExact(Math.multiplyExact(group(m, 3), 7), group(m, 4));
            long micros = Math.addExact(Math.multiplyExact(group(m, 5), MICROS_PER_HOUR),
                    Math.multiplyExact(group(m, 6), MICROS_PER_MINUTE));
            if (m.group(7) != null) {
                micros = Math.addExact(micros, toMicros(new BigDecimal(m.group(7))));
            }
            return negateAll ? new long[] {-months, -days, -micros} : new long[] {months, days, micros};
        }
        return parseTextInterval(text);
    }

    private static long[] parseTextInterval(String text) {
        long months = 0;
        long days = 0;
        long micros = 0;
        boolean ago = false;
        String[] tokens = text.trim().split("\\s+");
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            if (token.isEmpty() || token.equals("@")) {
                continue;
            }
            if (token.equalsIgnoreCase("ago")) {
                ago = true;
                continue;
            }
            Matcher clock = CLOCK.matcher(token);
            if (clock.matches()) {
                long value = Long.parseLong(clock.group(2)) * MICROS_PER_HOUR
                        + Long.parseLong(clock.group(3)) * MICROS_PER_MINUTE;
                if (clock.group(4) != null) {
                    value += Long.parseLong(clock.group(4)) * MICROS_PER_SECOND;
                }
                if (clock.group(5) != null) {
                    value += toMicros(new BigDecimal("0." + clock.group(5)));
                }
                micros += "-".equals(clock.group(1)) ? -value : value;
                continue;
            }
            Matcher yearMonth = YEAR_MONTH.matcher(token);
            if (yearMonth.matches()) { // sql_standard: 1-2 is 1 year 2 months
                long value = Long.parseLong(yearMonth.group(2)) * 12 + Long.parseLong(yearMonth.group(3));
                months += "-".equals(yearMonth.group(1)) ? -value : value;
                continue;
            }
            BigDecimal number;
            try {
                number = new BigDecimal(token);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an interval: " + text);
            }
            String unit = i + 1 < tokens.length ? tokens[i + 1].toLowerCase(Locale.ROOT) : "";
            if (unit.startsWith("year")) {
                months += number.longValueExact() * 12;
            } else if (unit.startsWith("mon")) {
                months += number.longValueExact();
            } else if (unit.startsWith("day")) {
                days += number.longValueExact();
            } else if (unit.startsWith("hour")) {
                micros += toMicros(number.multiply(BigDecimal.valueOf(3600)));
            } else if (unit.startsWith("min")) {
                micros += toMicros(number.multiply(BigDecimal.valueOf(60)));
            } else if (unit.startsWith("sec")) {
                micros += toMicros(number);
            } else { // sql_standard: a bare number before the clock is days
                days += number.longValueExact();
                continue;
            }
            i++;
        }
        return ago ? new long[] {-months, -days, -micros} : new long[] {months, days, micros};
    }

    // ---- shared ----------------------------------------------------------------------------------------------

    private record Parsed(LocalDateTime dateTime, int offsetSeconds) {
    }

    private static String infinity(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if (t.equals("infinity") || t.equals("+infinity")) {
            return INFINITY;
        }
        if (t.equals("-infinity")) {
            return NEGATIVE_INFINITY;
        }
        return null;
    }

    private static Parsed parseDateTime(String text) {
        Matcher m = DATE_TIME.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a date/timestamp: " + text);
        }
        long year = Long.parseLong(m.group(2));
        if ("-".equals(m.group(1))) {
            year = -year;
        }
        if (m.group(10) != null) { // BC: 1 BC is ISO year 0
            year = 1 - year;
        }
        LocalDate date = LocalDate.of(Math.toIntExact(year), Integer.parseInt(m.group(3)),
                Integer.parseInt(m.group(4)));
        LocalDateTime dateTime = date.atStartOfDay();
        if (m.group(5) != null) {
            dateTime = dateTime.plusNanos(nanosOfDay(m.group(5), m.group(6), m.group(7), m.group(8)));
        }
        return new Parsed(dateTime, offsetSeconds(m.group(9)));
    }

    /** {nanos of day (0 .. 24h inclusive), offset seconds}. */
    private static long[] parseTime(String text) {
        Matcher m = TIME.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a time: " + text);
        }
        long nanos = nanosOfDay(m.group(1), m.group(2), m.group(3), m.group(4));
        if (nanos > NANOS_PER_DAY) {
            throw new IllegalArgumentException("not a time: " + text);
        }
        return new long[] {nanos, offsetSeconds(m.group(5))};
    }

    private static long nanosOfDay(String h, String min, String s, String fraction) {
        long nanos = ((Long.parseLong(h) * 60 + Long.parseLong(min)) * 60 + Long.parseLong(s)) * 1_000_000_000L;
        if (fraction != null) {
            nanos += Long.parseLong((fraction + "000000000").substring(0, 9));
        }
        return nanos;
    }

    private static int offsetSeconds(String zone) {
        if (zone == null || zone.equals("Z")) {
            return 0;
        }
        String digits = zone.substring(1).replace(":", "");
        int seconds = Integer.parseInt(digits.substring(0, 2)) * 3600;
        if (digits.length() >= 4) {
            seconds += Integer.parseInt(digits.substring(2, 4)) * 60;
        }
        if (digits.length() >= 6) {
            seconds += Integer.parseInt(digits.substring(4, 6));
        }
        return zone.charAt(0) == '-' ? -seconds : seconds;
    }

    private static String formatDateTime(LocalDateTime ts) {
        return ts.toLocalDate() + "T" + formatTimeOfDay(ts.toLocalTime().toNanoOfDay());
    }

    private static String formatTimeOfDay(long nanosOfDay) {
        if (nanosOfDay == NANOS_PER_DAY) {
            return "24:00:00";
        }
        LocalTime t = LocalTime.ofNanoOfDay(nanosOfDay);
        StringBuilder sb = new StringBuilder(15);
        two(sb, t.getHour()).append(':');
        two(sb, t.getMinute()).append(':');
        two(sb, t.getSecond());
        int nanos = t.getNano();
        if (nanos != 0) {
            String fraction = String.format("%09d", nanos);
            int end = fraction.length();
            while (fraction.charAt(end - 1) == '0') {
                end--;
            }
            sb.append('.').append(fraction, 0, end);
        }
        return sb.toString();
    }

    private static StringBuilder two(StringBuilder sb, int value) {
        if (value < 10) {
            sb.append('0');
        }
        return sb.append(value);
    }

    private static long group(Matcher m, int group) {
        return m.group(group) == null ? 0 : Long.parseLong(m.group(group));
    }

    private static long toMicros(BigDecimal seconds) {
        return seconds.movePointRight(6).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }

    private static String quote(String s) {
        return '"' + s + '"';
    }
}
