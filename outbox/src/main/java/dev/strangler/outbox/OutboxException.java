package dev.strangler.outbox;

/**
 * The database refused an outbox or inbox statement (the table is missing, the connection broke, a constraint
 * failed...). The cause is the driver's {@link java.sql.SQLException}. PostgreSQL aborts the caller's transaction on
 * a failed statement, so the caller rolls it back.
 *
 * <p>Bad input (a blank aggregate type, a payload that is not JSON, a connection in autocommit mode) is refused with
 * {@link IllegalArgumentException} or {@link IllegalStateException} before any statement is sent, so the caller's
 * transaction stays usable.
 */
public class OutboxException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public OutboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
