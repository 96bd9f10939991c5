package dev.strangler.cli;

import dev.strangler.engine.config.Durations;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads --duration and --timeout the same way the config file reads durations (500ms, 30s, 2m, 1h, PT45S). */
public final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    public static Duration parse(String value) {
        return Durations.parse(value).orElseThrow(() -> new TypeConversionException("'" + value
                + "' is not a duration; write e.g. 30s, 2m, 1h or PT45S"));
    }

    /** Renders a duration the way {@link #parse} reads it, e.g. for summaries. */
    public static String format(Duration duration) {
        return Durations.format(duration);
    }
}
