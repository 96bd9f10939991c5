package dev.strangler.engine;

/** Kafka cannot take the pipeline's events (unreachable, topic cannot be created, a send failed for good). */
public final class SinkUnavailableException extends RuntimeException {
    public SinkUnavailableException(String message) {
        super(message);
    }

    public SinkUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
