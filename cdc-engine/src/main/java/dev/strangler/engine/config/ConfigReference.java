package dev.strangler.engine.config;

import java.util.stream.Collectors;

/** Renders the declared keys as the README's configuration table, so the docs cannot drift from the code. */
public final class ConfigReference {

    private ConfigReference() {
    }

    public static String markdownTable() {
        StringBuilder md = new StringBuilder();
        md.append("| key | type | default | meaning |\n| --- | --- | --- | --- |\n");
        for (ConfigKey key : PipelineKeys.ALL) {
            String type = key.type() == ConfigType.ENUM
                    ? key.allowed().stream().map(v -> "`" + v + "`").collect(Collectors.joining(" \\| "))
                    : key.type().description();
            String def = key.required() ? "**required**"
                    : key.defaultValue() == null ? "derived" : key.defaultValue().isEmpty() ? "(empty)"
                    : "`" + key.defaultValue() + "`";
            md.append("| `").append(key.name()).append("` | ").append(type).append(" | ").append(def).append(" | ")
                    .append(key.doc().replace("|", "\\|")).append(" |\n");
        }
        return md.toString();
    }
}
