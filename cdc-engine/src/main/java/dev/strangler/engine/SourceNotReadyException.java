package dev.strangler.engine;

/**
 * The legacy PostgreSQL cannot serve the pipeline as configured (unreachable, wrong password, wal_level not logical,
 * missing privilege or table, slot in use). The message says what is wrong and the SQL or setting that fixes it.
 * Raised by the preflight before Strangler creates anything, so a refusal leaves no slot or publication behind.
 */
public final class SourceNotReadyException extends RuntimeException {
    public SourceNotReadyException(String message) {
        super(message);
    }

    public SourceNotReadyException(String message, Throwable cause) {
        super(message, cause);
    }
}
