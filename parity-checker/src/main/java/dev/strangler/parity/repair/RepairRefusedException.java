package dev.strangler.parity.repair;

/** A report a repair cannot act on, with the reason and what to do instead, in one line. */
public final class RepairRefusedException extends RuntimeException {
    public RepairRefusedException(String message) {
        super(message);
    }
}
