package dev.strangler.engine;

/**
 * Another instance of the same pipeline took over while this one was unresponsive or cut off (its Kafka producer was
 * fenced, or its PostgreSQL lock was ended and taken): this instance stops without publishing again.
 */
public final class PipelineFencedException extends RuntimeException {
    public PipelineFencedException(String message, Throwable cause) {
        super(message, cause);
    }
}
