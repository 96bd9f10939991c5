package dev.strangler.sink.config;

/** The value types a declared sink key can have; each describes itself in the reference docs. */
public enum KeyType {
    STRING("string"),
    PASSWORD("secret string"),
    INT("integer"),
    DURATION("duration (500ms, 10s, 5m, 1h, 7d or ISO-8601 PT10S)"),
    LIST("comma-separated list"),
    TABLE("schema.table"),
    ENUM("one of");

    private final String description;

    KeyType(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
