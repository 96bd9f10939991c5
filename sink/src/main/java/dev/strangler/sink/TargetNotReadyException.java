package dev.strangler.sink;

/**
 * The legacy database cannot serve the sink: unreachable, login refused, a mapped table, column or unique key missing,
 * a privilege missing, Strangler's sink tables not created, a publication that would echo the sink's writes. The
 * message names the problem and the fix. The command line exits 69 with it.
 */
public final class TargetNotReadyException extends RuntimeException {
    public TargetNotReadyException(String message) {
        super(message);
    }

    public TargetNotReadyException(String message, Throwable cause) {
        super(message, cause);
    }
}
