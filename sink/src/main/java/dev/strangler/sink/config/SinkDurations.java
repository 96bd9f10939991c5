package dev.strangler.sink.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations the way people write them (500ms, 10s, 5m, 1h, 7d, 0) as well as ISO-8601 (PT10S). The engine's rule plus
 * days, which a retention wants; one parser for both once a contract module exists.
 */
public final class SinkDurations {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

    private SinkDurations() {
    }

    /** The duration, or empty when the text is none of the accepted forms or is negative. */
    public static Optional<Duration> parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(value);
        if (m.matches()) {
            long amount = Long.parseLong(m.group(1));
            return Optional.of(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            });
        }
        if (value.equals("0")) {
            return Optional.of(Duration.ZERO);
        }
        try {
            Duration parsed = Duration.parse(value.toUpperCase(Locale.ROOT));
            return parsed.isNegative() ? Optional.empty() : Optional.of(parsed);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
