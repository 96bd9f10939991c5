package dev.strangler.engine.doctor;

import java.util.Objects;

/**
 * One finding of {@link Doctor}: what was checked, how it went, what was seen, and the exact SQL or setting that
 * fixes it (empty when nothing needs fixing).
 */
public record Check(String name, Status status, String detail, String fix) {

    public Check {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        detail = detail == null ? "" : detail;
        fix = fix == null ? "" : fix;
    }

    public static Check pass(String name, String detail) {
        return new Check(name, Status.PASS, detail, "");
    }

    public static Check warn(String name, String detail, String fix) {
        return new Check(name, Status.WARN, detail, fix);
    }

    public static Check fail(String name, String detail, String fix) {
        return new Check(name, Status.FAIL, detail, fix);
    }

    /** The detail and the fix as one sentence, the way {@code strangler run} reports its first failure. */
    public String message() {
        return fix.isEmpty() ? detail : detail + ". Fix: " + fix;
    }
}
