package dev.strangler.engine.config;

import java.util.List;

/**
 * One declared configuration key: its name, type, default, allowed values and documentation. The declarations in
 * {@link PipelineKeys} are the single source for validation, environment overrides and the README reference.
 *
 * @param defaultValue null when the key is required or has no default
 * @param allowed      allowed values for {@link ConfigType#ENUM}, empty otherwise
 */
public record ConfigKey(String name, ConfigType type, String defaultValue, boolean required, List<String> allowed,
                        String doc) {

    public ConfigKey {
        allowed = List.copyOf(allowed);
    }

    static ConfigKey required(String name, ConfigType type, String doc) {
        return new ConfigKey(name, type, null, true, List.of(), doc);
    }

    static ConfigKey optional(String name, ConfigType type, String defaultValue, String doc) {
        return new ConfigKey(name, type, defaultValue, false, List.of(), doc);
    }

    static ConfigKey oneOf(String name, String defaultValue, List<String> allowed, String doc) {
        return new ConfigKey(name, ConfigType.ENUM, defaultValue, false, allowed, doc);
    }

    /** The environment variable that overrides this key: {@code source.password} becomes STRANGLER_SOURCE_PASSWORD. */
    public String environmentVariable() {
        return environmentVariableFor(name);
    }

    static String environmentVariableFor(String key) {
        return "STRANGLER_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    public boolean secret() {
        return type == ConfigType.PASSWORD;
    }
}
