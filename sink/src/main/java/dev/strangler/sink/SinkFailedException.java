package dev.strangler.sink;

/** The sink failed for a reason that is neither the database's, Kafka's nor an event's: a bug. Exit 70. */
public final class SinkFailedException extends RuntimeException {
    public SinkFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
