package dev.strangler.parity.canonical;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.contract.EventEncoding;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.OptionalInt;

/**
 * Debezium's non-text encodings turned back into the text forms the canonical rules read: Connect's Decimal and
 * VariableScaleDecimal, epoch days and epoch millis/micros, time of day in millis/micros, and the binary modes.
 */
final class EncodedValues {

    private static final long NANOS_PER_DAY = 86_400_000_000_000L;

    private EncodedValues() {
    }

    /**
     * decimal.handling.mode=precise: base64 of the unscaled value's two's-complement bytes with the column's declared
     * scale, or, for a numeric without one, Debezium's VariableScaleDecimal {@code {"scale":2,"value":"BNI="}}.
     */
    static BigDecimal preciseDecimal(JsonNode node, OptionalInt declaredScale) {
        if (node.isObject() && node.has("scale") && node.has("value")) {
            return new BigDecimal(new BigInteger(Base64.getDecoder().decode(node.get("value").asText())),
                    node.get("scale").asInt());
        }
        if (!node.isTextual()) {
            throw new IllegalArgumentException("expected Connect's Decimal (base64 text) or VariableScaleDecimal");
        }
        if (declaredScale.isEmpty()) {
            throw new IllegalArgumentException("a Decimal without a declared scale: the column is an unconstrained "
                    + "numeric, which Debezium writes as a VariableScaleDecimal struct");
        }
        return new BigDecimal(new BigInteger(Base64.getDecoder().decode(node.textValue())), declaredScale.getAsInt());
    }

    static byte[] binary(String text, EventEncoding.BinaryMode mode) {
        return switch (mode) {
            case BASE64, BYTES -> Base64.getDecoder().decode(text);
            case BASE64_URL_SAFE -> Base64.getUrlDecoder().decode(text);
            case HEX -> HexFormat.of().parseHex(text);
        };
    }

    /** Connect's Date: days since 1970-01-01, written as Debezium's isostring writes a date. */
    static String epochDay(long days) {
        return LocalDate.ofEpochDay(days) + "Z";
    }

    /** A timestamp (without time zone) as epoch millis or micros, by mode and the column's declared precision. */
    static String epochTimestamp(long value, EventEncoding.TimePrecisionMode mode, int precision) {
        long micros = switch (mode) {
            case ADAPTIVE, ADAPTIVE_TIME_MICROSECONDS -> precision <= 3 ? Math.multiplyExact(value, 1000L) : value;
            case CONNECT -> Math.multiplyExact(value, 1000L);
            case ISOSTRING -> throw numberInIsostring();
        };
        LocalDateTime t = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
        return t.toLocalDate() + "T" + clock(t.toLocalTime().toNanoOfDay()) + "Z";
    }

    /** A time of day as millis or micros, by mode and the column's declared precision. */
    static String timeOfDay(long value, EventEncoding.TimePrecisionMode mode, int precision) {
        long nanos = switch (mode) {
            case ADAPTIVE -> precision <= 3 ? value * 1_000_000L : value * 1000L;
            case ADAPTIVE_TIME_MICROSECONDS -> value * 1000L;
            case CONNECT -> value * 1_000_000L;
            case ISOSTRING -> throw numberInIsostring();
        };
        if (nanos < 0 || nanos > NANOS_PER_DAY) {
            throw new IllegalArgumentException("not a time of day: " + value);
        }
        return clock(nanos);
    }

    private static String clock(long nanos) {
        long seconds = nanos / 1_000_000_000L;
        return String.format("%02d:%02d:%02d.%09d", seconds / 3600, seconds / 60 % 60, seconds % 60,
                nanos % 1_000_000_000L);
    }

    private static IllegalArgumentException numberInIsostring() {
        return new IllegalArgumentException("a number where time.precision.mode=isostring writes text: pass the "
                + "connector's time.precision.mode");
    }
}
