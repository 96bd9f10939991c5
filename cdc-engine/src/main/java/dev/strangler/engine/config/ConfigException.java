package dev.strangler.engine.config;

/**
 * A configuration value is missing, unknown or invalid. The message names the key, the value found and the rule, and
 * is meant to be shown to a person as one line. Thrown before anything connects to PostgreSQL or Kafka.
 */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
