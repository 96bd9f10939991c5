package dev.strangler.engine.doctor;

/** Outcome of one doctor check. Only FAIL stops {@code strangler run}; WARN is something a DBA should know. */
public enum Status {
    PASS, WARN, FAIL
}
