package dev.strangler.parity.model;

/**
 * Which side of a table's check is the reference. The {@link #code()} is what {@code report.json} writes: stable,
 * whatever the constant is called in Java.
 */
public enum Direction {
    /** A captured table against its topic: the pipeline must have published exactly the table's rows. */
    TABLE_TO_TOPIC("TABLE_TO_TOPIC", "table → topic"),
    /**
     * A sink's target table against the sink's topics folded up to the positions the sink stored: the table must
     * hold exactly what the sink applied (only the columns the sink writes, only the keys its topics touched).
     */
    TOPIC_TO_TABLE("TOPIC_TO_TABLE", "topic → table via sink");

    private final String code;
    private final String label;

    Direction(String code, String label) {
        this.code = code;
        this.label = label;
    }

    public String code() {
        return code;
    }

    public String label() {
        return label;
    }
}
