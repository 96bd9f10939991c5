package dev.strangler.sink.config;

/**
 * A sink configuration value is missing, unknown or invalid. The message names the key, the value found and the rule,
 * and is meant to be shown to a person as one line. Thrown before anything connects to PostgreSQL or Kafka.
 */
public final class SinkConfigException extends RuntimeException {
    public SinkConfigException(String message) {
        super(message);
    }
}
