package dev.strangler.parity.canonical;

import java.util.Objects;

/**
 * What a change event says about one column: a canonical value, or that it does not say.
 *
 * <ul>
 *   <li>{@link Kind#VALUE}: {@link #text()} is the canonical text ({@link Canonicalizer#NULL} for SQL NULL);</li>
 *   <li>{@link Kind#UNAVAILABLE}: Debezium's placeholder for an unchanged TOASTed value, the event does not carry
 *       the value (take it from an earlier event of the same key);</li>
 *   <li>{@link Kind#ABSENT}: the event has no such field at all (Debezium skips columns of types it cannot convert,
 *       e.g. {@code money[]} and {@code interval[]}).</li>
 * </ul>
 */
public record CanonicalValue(Kind kind, String text) {

    public enum Kind { VALUE, UNAVAILABLE, ABSENT }

    public static final CanonicalValue UNAVAILABLE = new CanonicalValue(Kind.UNAVAILABLE, null);
    public static final CanonicalValue ABSENT = new CanonicalValue(Kind.ABSENT, null);
    public static final CanonicalValue NULL = new CanonicalValue(Kind.VALUE, Canonicalizer.NULL);

    public CanonicalValue {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.VALUE) != (text != null)) {
            throw new IllegalArgumentException("a VALUE has text, UNAVAILABLE and ABSENT have none");
        }
    }

    public static CanonicalValue of(String text) {
        return new CanonicalValue(Kind.VALUE, Objects.requireNonNull(text, "text"));
    }

    public boolean isValue() {
        return kind == Kind.VALUE;
    }

    /** The canonical text; throws unless this is a {@link Kind#VALUE}. */
    public String value() {
        if (kind != Kind.VALUE) {
            throw new IllegalStateException("the event carries no value for this column (" + kind + ")");
        }
        return text;
    }

    @Override
    public String toString() {
        return kind == Kind.VALUE ? text : "<" + kind.name().toLowerCase(java.util.Locale.ROOT) + ">";
    }
}
