package dev.strangler.sink.config;

import java.util.List;
import java.util.Locale;

/**
 * One declared sink configuration key: name, type, default, allowed values and documentation. The declarations in
 * {@link SinkKeys} are the single source for validation, environment overrides and the README reference. A mapping
 * key's name is a template: {@code mapping.<id>.table}, or {@code mapping.<id>.rename.<field>} with a free last part.
 *
 * @param defaultValue null when the key is required or its default is derived from other keys
 * @param allowed      the allowed values of an {@link KeyType#ENUM}, empty otherwise
 */
public record SinkKey(String name, KeyType type, String defaultValue, boolean required, List<String> allowed,
                      String doc) {

    public SinkKey {
        allowed = List.copyOf(allowed);
    }

    static SinkKey required(String name, KeyType type, String doc) {
        return new SinkKey(name, type, null, true, List.of(), doc);
    }

    static SinkKey optional(String name, KeyType type, String defaultValue, String doc) {
        return new SinkKey(name, type, defaultValue, false, List.of(), doc);
    }

    static SinkKey oneOf(String name, String defaultValue, List<String> allowed, String doc) {
        return new SinkKey(name, KeyType.ENUM, defaultValue, false, allowed, doc);
    }

    /** The environment variable that overrides a key: {@code target.password} becomes STRANGLER_TARGET_PASSWORD. */
    public static String environmentVariableFor(String key) {
        return "STRANGLER_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public String environmentVariable() {
        return environmentVariableFor(name);
    }

    /** For a mapping key: the part after {@code mapping.<id>.}, e.g. {@code table} or {@code rename.}. */
    String mappingSuffix() {
        String rest = name.substring(SinkKeys.MAPPING_PREFIX.length() + SinkKeys.ID.length() + 1);
        int free = rest.indexOf('<');
        return free < 0 ? rest : rest.substring(0, free);
    }

    /** A mapping key whose name ends in a free part chosen by the user (a column or field name). */
    boolean openEnded() {
        return name.endsWith(">") && name.lastIndexOf('<') > name.indexOf(SinkKeys.ID) + SinkKeys.ID.length();
    }
}
