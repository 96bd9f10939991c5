package dev.strangler.engine.config;

/** The value types a declared key can have; each knows how to describe itself in the reference docs. */
public enum ConfigType {
    STRING("string"),
    PASSWORD("secret string"),
    FILE("path of a file"),
    INT("integer"),
    DURATION("duration (500ms, 10s, 5m, 1h or ISO-8601 PT10S)"),
    LIST("comma-separated list"),
    ENUM("one of");

    private final String description;

    ConfigType(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
