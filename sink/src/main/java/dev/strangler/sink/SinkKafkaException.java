package dev.strangler.sink;

/**
 * Kafka cannot serve the sink: unreachable at start, authentication or authorisation refused, a stored position Kafka
 * no longer has (deleted by retention), a dead letter not acknowledged. The command line exits 75 with it.
 */
public final class SinkKafkaException extends RuntimeException {
    public SinkKafkaException(String message, Throwable cause) {
        super(message, cause);
    }
}
