package dev.strangler.sink.config;

import java.util.List;
import java.util.stream.Collectors;

/** Renders the declared sink keys as the README's table, so the docs cannot drift from the code. */
public final class SinkConfigReference {

    private SinkConfigReference() {
    }

    public static String markdownTable() {
        StringBuilder md = new StringBuilder();
        md.append("| key | type | default | meaning |\n| --- | --- | --- | --- |\n");
        append(md, SinkKeys.GLOBAL);
        append(md, SinkKeys.MAPPING);
        return md.toString();
    }

    private static void append(StringBuilder md, List<SinkKey> keys) {
        for (SinkKey key : keys) {
            String type = key.type() == KeyType.ENUM
                    ? key.allowed().stream().map(v -> "`" + v + "`").collect(Collectors.joining(" \\| "))
                    : key.type().description();
            String def = key.required() ? "**required**"
                    : key.defaultValue() == null ? "derived" : key.defaultValue().isEmpty() ? "(empty)"
                    : "`" + key.defaultValue() + "`";
            md.append("| `").append(key.name()).append("` | ").append(type).append(" | ").append(def).append(" | ")
                    .append(key.doc().replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")).append(" |\n");
        }
    }
}
