package dev.strangler.sink.config;

/** A secret value whose {@code toString} never shows it, so it cannot leak through a log line or an exception. */
public final class Secret {
    private final String value;

    public Secret(String value) {
        this.value = value == null ? "" : value;
    }

    /** The real value, for the one place that hands it to the driver. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return value.isEmpty() ? "(empty)" : "********";
    }
}
