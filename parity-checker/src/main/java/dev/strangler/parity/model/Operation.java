package dev.strangler.parity.model;

import java.util.Optional;

/**
 * The {@code op} of Debezium's change-event envelope, modelled on Debezium's own {@code Envelope.Operation}: each
 * value has the one-letter {@link #code()} the envelope carries, and that code (never the constant's name) is what
 * reports print and {@code report.json} stores.
 */
public enum Operation {
    /** A row read by a snapshot. */
    READ("r"),
    CREATE("c"),
    UPDATE("u"),
    DELETE("d"),
    /** A TRUNCATE of the table (Debezium skips these unless {@code skipped.operations} lets them through). */
    TRUNCATE("t"),
    /** A logical decoding message ({@code pg_logical_emit_message}). */
    MESSAGE("m");

    private static final Operation[] VALUES = values();

    private final String code;

    Operation(String code) {
        this.code = code;
    }

    /** The envelope's op: {@code c}, {@code u}, {@code d}, {@code r}, {@code t} or {@code m}. */
    public String code() {
        return code;
    }

    /** The operation with this envelope code, if there is one. */
    public static Optional<Operation> forCode(String code) {
        for (Operation op : VALUES) {
            if (op.code.equals(code)) {
                return Optional.of(op);
            }
        }
        return Optional.empty();
    }

    /**
     * Whether the stream's state per key changes by it: snapshot reads, creates, updates and deletes. Truncates and
     * messages carry no row and are not folded.
     */
    public boolean isRowChange() {
        return this != TRUNCATE && this != MESSAGE;
    }

    /** The operation whose code is this one letter; for reading back what was written as {@code code().charAt(0)}. */
    public static Operation ofCode(char code) {
        return switch (code) {
            case 'r' -> READ;
            case 'c' -> CREATE;
            case 'u' -> UPDATE;
            case 'd' -> DELETE;
            case 't' -> TRUNCATE;
            case 'm' -> MESSAGE;
            default -> throw new IllegalArgumentException("not a Debezium op: '" + code + "'");
        };
    }
}
