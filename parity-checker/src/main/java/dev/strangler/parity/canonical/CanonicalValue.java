package dev.strangler.parity.canonical;

import java.util.Locale;
import java.util.Objects;

/**
 * What a change event says about one column: a canonical value, or why it says none.
 *
 * <ul>
 *   <li>{@link Kind#VALUE}: {@link #text()} is the canonical text ({@link Canonicalizer#NULL} for SQL NULL);</li>
 *   <li>{@link Kind#UNAVAILABLE}: Debezium's placeholder for an unchanged TOASTed value, the event does not carry
 *       the value (REPLICA IDENTITY FULL makes updates carry it);</li>
 *   <li>{@link Kind#ABSENT}: the event has no such field at all (a connector column filter excluded it, it was
 *       written before the column existed, or Debezium skips the type, e.g. {@code money[]} and
 *       {@code interval[]});</li>
 *   <li>{@link Kind#UNREADABLE}: the field is there but the configured encodings cannot read it; {@link #reason()}
 *       says why.</li>
 * </ul>
 *
 * @param text   the canonical text of a {@link Kind#VALUE}, null otherwise
 * @param reason why an {@link Kind#UNREADABLE} value cannot be read, null otherwise
 */
public record CanonicalValue(Kind kind, String text, String reason) {

    public enum Kind { VALUE, UNAVAILABLE, ABSENT, UNREADABLE }

    public static final CanonicalValue UNAVAILABLE = new CanonicalValue(Kind.UNAVAILABLE, null, null);
    public static final CanonicalValue ABSENT = new CanonicalValue(Kind.ABSENT, null, null);
    public static final CanonicalValue NULL = new CanonicalValue(Kind.VALUE, Canonicalizer.NULL, null);

    public CanonicalValue {
        Objects.requireNonNull(kind, "kind");
        if ((kind == Kind.VALUE) != (text != null) || (kind == Kind.UNREADABLE) != (reason != null)) {
            throw new IllegalArgumentException("a VALUE has text, an UNREADABLE value a reason, UNAVAILABLE and "
                    + "ABSENT neither");
        }
    }

    public static CanonicalValue of(String text) {
        return new CanonicalValue(Kind.VALUE, Objects.requireNonNull(text, "text"), null);
    }

    public static CanonicalValue unreadable(String reason) {
        return new CanonicalValue(Kind.UNREADABLE, null, Objects.requireNonNull(reason, "reason"));
    }

    public boolean isValue() {
        return kind == Kind.VALUE;
    }

    /** The canonical text; throws unless this is a {@link Kind#VALUE}. */
    public String value() {
        if (kind != Kind.VALUE) {
            throw new IllegalStateException("the event carries no value for this column (" + this + ")");
        }
        return text;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case VALUE -> text;
            case UNREADABLE -> "<unreadable: " + reason + ">";
            default -> "<" + kind.name().toLowerCase(Locale.ROOT) + ">";
        };
    }
}
