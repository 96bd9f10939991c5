package dev.strangler.parity.model;

import dev.strangler.contract.ExitCode;

/** The answer a parity run gives, and the exit code CI gates on. */
public enum Verdict {
    /** Every checked table matches within its tolerance. */
    GO(ExitCode.OK),
    /** No sound answer could be reached (pipeline lagging, history cut by retention, ...): never read as GO. */
    UNVERIFIABLE(ExitCode.UNVERIFIABLE),
    /** At least one table has findings beyond its tolerance. */
    NO_GO(ExitCode.FINDINGS);

    private final ExitCode exitCode;

    Verdict(ExitCode exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode.code();
    }

    /**
     * The run's verdict from two tables' verdicts: NO-GO over UNVERIFIABLE over GO. A definite finding in one table
     * is the stronger statement: the cut-over is off whatever the unverifiable tables would show.
     */
    public Verdict and(Verdict other) {
        return this.ordinal() >= other.ordinal() ? this : other;
    }

    public String label() {
        return this == NO_GO ? "NO-GO" : name();
    }
}
