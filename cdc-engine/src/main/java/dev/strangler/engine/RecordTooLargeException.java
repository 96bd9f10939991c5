package dev.strangler.engine;

/**
 * A change too large for Kafka as configured: the producer's max.request.size or the topic's max.message.bytes. It
 * would fail again on every restart, so the pipeline stops with the table, key, LSN and size, and the setting that
 * lets it through; nothing after it is published and the slot keeps it.
 */
public final class RecordTooLargeException extends RuntimeException {
    public RecordTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
