package dev.strangler.contract;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How the connector that wrote the topics encoded values: Debezium's {@code decimal.handling.mode},
 * {@code time.precision.mode}, {@code binary.handling.mode} and {@code interval.handling.mode}. Strangler's engine
 * fixes them ({@link #strangler()}); topics written by Kafka Connect or Debezium Server with other settings are
 * read by passing theirs. With Kafka Connect's JsonConverter, {@code decimal.format=NUMERIC} is read in any decimal
 * mode (the value is then a JSON number).
 */
public record EventEncoding(DecimalMode decimal, TimePrecisionMode time, BinaryMode binary, IntervalMode interval) {

    /** decimal.handling.mode. */
    public enum DecimalMode {
        /** The exact value as text. */
        STRING,
        /** A JSON double: lossy beyond 15-17 significant digits, and such values are reported as differences. */
        DOUBLE,
        /** Connect's Decimal: base64 of the unscaled two's-complement bytes, the scale from the column's type. */
        PRECISE
    }

    /** time.precision.mode. */
    public enum TimePrecisionMode {
        /** ISO-8601 text, full precision. */
        ISOSTRING,
        /** Days, epoch millis or micros, time of day in millis or micros, by the column's declared precision. */
        ADAPTIVE,
        /** As adaptive, but time of day always in micros. */
        ADAPTIVE_TIME_MICROSECONDS,
        /** Kafka Connect's logical types: millis, so sub-millisecond digits are lost (and reported). */
        CONNECT
    }

    /** binary.handling.mode ({@code bytes} reach JSON as base64 through JsonConverter). */
    public enum BinaryMode { BASE64, BASE64_URL_SAFE, HEX, BYTES }

    /** interval.handling.mode: only {@code string} (ISO-8601) keeps the value; numeric folds months into days. */
    public enum IntervalMode { STRING }

    /** The settings Strangler's engine writes with. */
    public static EventEncoding strangler() {
        return new EventEncoding(DecimalMode.STRING, TimePrecisionMode.ISOSTRING, BinaryMode.BASE64,
                IntervalMode.STRING);
    }

    /**
     * From Debezium's option values ({@code precise}, {@code adaptive_time_microseconds}, {@code base64-url-safe},
     * ...).
     *
     * @throws IllegalArgumentException an unknown or unsupported value, naming the accepted ones
     */
    public static EventEncoding of(String decimal, String time, String binary, String interval) {
        if ("numeric".equalsIgnoreCase(interval.trim())) {
            throw new IllegalArgumentException("interval.handling.mode=numeric cannot be checked: it writes "
                    + "months as 30.4375 days of microseconds, so the stored value cannot be compared; configure "
                    + "the connector with interval.handling.mode=string");
        }
        return new EventEncoding(parse(DecimalMode.class, "decimal.handling.mode", decimal),
                parse(TimePrecisionMode.class, "time.precision.mode", time),
                parse(BinaryMode.class, "binary.handling.mode", binary),
                parse(IntervalMode.class, "interval.handling.mode", interval));
    }

    /**
     * Reads back what {@link #toString()} writes ({@code decimal.handling.mode=string, time.precision.mode=isostring,
     * ...}, as a parity report's {@code eventEncoding} holds it): {@code parse(e.toString()).equals(e)}. A setting left
     * out is Strangler's.
     *
     * @throws IllegalArgumentException a part that is not {@code option=value}, an unknown or repeated option, or a
     *                                  value {@link #of} refuses
     */
    public static EventEncoding parse(String text) {
        java.util.Map<String, String> settings = strangler().debeziumSettings();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String part : text.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            int eq = part.indexOf('=');
            String option = eq < 0 ? part.trim() : part.substring(0, eq).trim();
            if (eq < 0 || !settings.containsKey(option)) {
                throw new IllegalArgumentException("'" + part.trim() + "' in event encoding '" + text + "' is not one "
                        + "of " + String.join("=..., ", settings.keySet()) + "=...");
            }
            if (!seen.add(option)) {
                throw new IllegalArgumentException(option + " appears twice in event encoding '" + text + "'");
            }
            settings.put(option, part.substring(eq + 1).trim());
        }
        return of(settings.get("decimal.handling.mode"), settings.get("time.precision.mode"),
                settings.get("binary.handling.mode"), settings.get("interval.handling.mode"));
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String option, String value) {
        String name = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E e : type.getEnumConstants()) {
            if (e.name().equals(name)) {
                return e;
            }
        }
        throw new IllegalArgumentException(option + "='" + value + "' is not one of "
                + Arrays.stream(type.getEnumConstants()).map(EventEncoding::debeziumName)
                .collect(Collectors.joining(", ")));
    }

    /** The option value as Debezium spells it. */
    public static String debeziumName(Enum<?> value) {
        String name = value.name().toLowerCase(Locale.ROOT);
        return value == BinaryMode.BASE64_URL_SAFE ? name.replace('_', '-') : name;
    }

    /** The four settings as Debezium's properties ({@code decimal.handling.mode=string}, ...). */
    public java.util.Map<String, String> debeziumSettings() {
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
        settings.put("decimal.handling.mode", debeziumName(decimal));
        settings.put("time.precision.mode", debeziumName(time));
        settings.put("binary.handling.mode", debeziumName(binary));
        settings.put("interval.handling.mode", debeziumName(interval));
        return settings;
    }

    @Override
    public String toString() {
        return debeziumSettings().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
