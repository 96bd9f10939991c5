package dev.strangler.parity;

/** The check could not run at all (database unreachable, bad argument); a one-line message with the fix. */
public final class ParityException extends RuntimeException {
    public ParityException(String message) {
        super(message);
    }

    public ParityException(String message, Throwable cause) {
        super(message, cause);
    }
}
