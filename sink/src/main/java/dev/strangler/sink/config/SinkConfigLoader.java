package dev.strangler.sink.config;

import static dev.strangler.sink.config.SinkKeys.*;

import com.fasterxml.jackson.core.JsonPointer;
import dev.strangler.contract.TableId;
import dev.strangler.sink.config.Mapping.ValueSource;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Builds a {@link SinkConfig} from a properties file and the environment, or refuses with a
 * {@link SinkConfigException} naming the key, the value and the rule. Nothing connects anywhere before this succeeds.
 *
 * <p>An environment variable overrides a key of the same name upper-cased with '.' and '-' as '_' and a STRANGLER_
 * prefix ({@code STRANGLER_TARGET_PASSWORD} for {@code target.password}); this holds for every declared global key and
 * for every key present in the file.
 */
public final class SinkConfigLoader {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern MAPPING_ID = Pattern.compile("[A-Za-z0-9_-]{1,63}");
    private static final Pattern COLUMN = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]{0,62}");
    private static final Pattern URL = Pattern.compile("jdbc:postgresql://[^/?]+/[^?]+(\\?.*)?");

    private final Map<String, String> environment;

    public SinkConfigLoader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public static SinkConfigLoader withSystemEnvironment() {
        return new SinkConfigLoader(System.getenv());
    }

    public SinkConfig load(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new SinkConfigException("config file " + file + " does not exist; pass --config with the path of "
                    + "your sink.properties (see README, 'Keep the lights on: the sink')");
        } catch (IOException | IllegalArgumentException e) {
            throw new SinkConfigException("config file " + file + " cannot be read: " + e.getMessage());
        }
        Map<String, String> raw = new TreeMap<>();
        properties.stringPropertyNames().forEach(k -> raw.put(k.trim(), properties.getProperty(k).trim()));
        return fromMap(raw);
    }

    /** Validates and types a key-value map (environment overrides applied on top). */
    public SinkConfig fromMap(Map<String, String> fileSettings) {
        Settings s = new Settings(withEnvironment(fileSettings));
        List<String> ids = mappingIds(s);
        s.rejectUnknownKeys(ids);

        String name = s.string(SINK_NAME);
        s.match(SINK_NAME.name(), name, NAME, "letters, digits, '.', '_' or '-', at most 63 characters");
        String url = s.string(TARGET_URL);
        if (!URL.matcher(url).matches()) {
            throw new SinkConfigException(TARGET_URL.name() + ": '" + url + "' is not a PostgreSQL JDBC URL; write "
                    + "jdbc:postgresql://HOST:PORT/DATABASE");
        }
        SinkConfig.Target target = new SinkConfig.Target(url, s.string(TARGET_USER),
                new Secret(s.string(TARGET_PASSWORD)));

        String bootstrap = s.string(KAFKA_BOOTSTRAP);
        for (String server : bootstrap.split(",")) {
            if (!server.trim().matches("\\[?[^\\s\\[\\]]+]?:\\d{1,5}")) {
                throw new SinkConfigException(KAFKA_BOOTSTRAP.name() + ": '" + server.trim() + "' is not host:port; "
                        + "write e.g. kafka.bootstrap.servers=broker1:9092,broker2:9092");
            }
        }
        String group = s.stringOr(SINK_GROUP, "strangler-sink-" + name);
        s.match(SINK_GROUP.name(), group, NAME, "letters, digits, '.', '_' or '-', at most 63 characters");
        String deadLetter = s.stringOr(DEAD_LETTER_TOPIC, name + ".dead-letter");
        s.match(DEAD_LETTER_TOPIC.name(), deadLetter, TOPIC, "letters, digits, '.', '_' or '-' (Kafka's topic rule)");
        Map<String, String> clientOverrides = s.withPrefix(CLIENT_PREFIX);
        ClientGuard.check(CLIENT_PREFIX, clientOverrides);
        SinkConfig.Kafka kafka = new SinkConfig.Kafka(bootstrap, group, deadLetter, clientOverrides);

        SinkConfig.Errors errors = s.string(SINK_ERRORS).equals("stop") ? SinkConfig.Errors.STOP
                : SinkConfig.Errors.DEAD_LETTER;
        int batchSize = s.intInRange(BATCH_SIZE, 1, 100_000);
        Duration retention = s.duration(MARKER_RETENTION);
        if (retention.compareTo(Duration.ofHours(1)) < 0) {
            throw new SinkConfigException(MARKER_RETENTION.name() + ": " + s.string(MARKER_RETENTION) + " is less "
                    + "than 1h; a pipeline restarted after a longer stop could not recognise the sink's transaction "
                    + "it stopped in");
        }
        Set<String> ignored = new LinkedHashSet<>(s.list(PUBLICATIONS_IGNORED.name()));
        Duration backoff = s.duration(RESTART_BACKOFF_MAX);
        if (backoff.isZero()) {
            throw new SinkConfigException(RESTART_BACKOFF_MAX.name() + " must be greater than zero");
        }

        List<Mapping> mappings = new ArrayList<>();
        for (String id : ids) {
            mappings.add(mapping(s, id));
        }
        checkTopics(mappings);
        return new SinkConfig(name, target, kafka, errors, batchSize, retention, ignored, backoff, mappings);
    }

    private static List<String> mappingIds(Settings s) {
        List<String> ids = s.list(SINK_MAPPINGS.name());
        if (ids.isEmpty()) {
            s.string(SINK_MAPPINGS); // throws the "missing" message
        }
        Set<String> seen = new LinkedHashSet<>();
        for (String id : ids) {
            if (!MAPPING_ID.matcher(id).matches()) {
                throw new SinkConfigException(SINK_MAPPINGS.name() + ": '" + id + "' is not a mapping id; use "
                        + "letters, digits, '_' or '-'");
            }
            if (!seen.add(id)) {
                throw new SinkConfigException(SINK_MAPPINGS.name() + ": '" + id + "' is listed twice");
            }
        }
        return List.copyOf(seen);
    }

    private static Mapping mapping(Settings s, String id) {
        String topicKey = SinkKeys.of(MAPPING_TOPIC, id);
        String topic = s.requiredOf(MAPPING_TOPIC, id);
        s.match(topicKey, topic, TOPIC, "letters, digits, '.', '_' or '-' (Kafka's topic rule)");
        Mapping.Format format = Mapping.Format.valueOf(s.enumOf(MAPPING_FORMAT, id).toUpperCase(Locale.ROOT));
        TableId table = plainTable(SinkKeys.of(MAPPING_TABLE, id), s.requiredOf(MAPPING_TABLE, id));
        if (table.schema().equals(dev.strangler.sql.StranglerSchema.SCHEMA)) {
            throw new SinkConfigException(SinkKeys.of(MAPPING_TABLE, id) + ": " + table + " is in schema strangler, "
                    + "which holds Strangler's own objects; map to a legacy table");
        }
        List<String> keyColumns = s.optionalOf(MAPPING_KEY, id).map(v -> s.columns(SinkKeys.of(MAPPING_KEY, id), v))
                .orElse(List.of());
        Optional<String> eventType = s.optionalOf(MAPPING_EVENT_TYPE, id);
        Mapping.Action action = Mapping.Action.valueOf(s.enumOf(MAPPING_ACTION, id).toUpperCase(Locale.ROOT));
        Map<String, String> renames = new LinkedHashMap<>();
        s.openEnded(MAPPING_RENAME, id).forEach((field, column) -> {
            s.match(SinkKeys.of(MAPPING_RENAME, id).replace("<field>", field), column, COLUMN,
                    "a column name (letters, digits, '_', '$')");
            renames.put(field, column);
        });
        Set<String> excluded = new LinkedHashSet<>(s.list(SinkKeys.of(MAPPING_EXCLUDE, id)));
        Map<String, ValueSource> columns = new LinkedHashMap<>();
        s.openEnded(MAPPING_COLUMN, id).forEach((column, source) -> columns.put(column,
                valueSource(SinkKeys.of(MAPPING_COLUMN, id).replace("<column>", column), source)));
        Map<String, String> constants = new LinkedHashMap<>(s.openEnded(MAPPING_CONSTANT, id));
        Mapping.Conflict conflict = s.enumOf(MAPPING_CONFLICT, id).equals("overwrite") ? Mapping.Conflict.OVERWRITE
                : Mapping.Conflict.KEEP_NEWER;
        Optional<String> version = s.optionalOf(MAPPING_VERSION_COLUMN, id);
        version.ifPresent(v -> s.match(SinkKeys.of(MAPPING_VERSION_COLUMN, id), v, COLUMN,
                "a column name (letters, digits, '_', '$')"));

        String prefix = "mapping." + id + ".";
        if (conflict == Mapping.Conflict.KEEP_NEWER && version.isEmpty()) {
            throw new SinkConfigException(prefix + "conflict=keep-newer needs " + prefix + "version.column: the "
                    + "version or updated-at column whose newer value keeps the row");
        }
        if (conflict == Mapping.Conflict.OVERWRITE && version.isPresent()) {
            throw new SinkConfigException(prefix + "version.column is set but " + prefix + "conflict is overwrite; "
                    + "set " + prefix + "conflict=keep-newer to compare it, or remove it");
        }
        for (String column : constants.keySet()) {
            if (columns.containsKey(column)) {
                throw new SinkConfigException(prefix + "constant." + column + " and " + prefix + "column." + column
                        + " both set column " + column + "; keep one");
            }
        }
        if (format == Mapping.Format.ENVELOPE) {
            rejectFor(prefix, "an envelope mapping writes the event's fields by name (rename.*, exclude to adjust)",
                    eventType.isPresent() ? "event.type" : null, columns.isEmpty() ? null : "column.*");
            if (action != Mapping.Action.UPSERT && action != Mapping.Action.IGNORE) {
                throw new SinkConfigException(prefix + "action=" + action.name().toLowerCase(Locale.ROOT) + " is for "
                        + "outbox mappings; an envelope event's op decides (c, u, r upsert; d deletes)");
            }
        } else {
            rejectFor(prefix, "an outbox mapping takes its columns from the payload (column.<column>=/pointer)",
                    renames.isEmpty() ? null : "rename.*", excluded.isEmpty() ? null : "exclude");
            boolean writes = action == Mapping.Action.UPSERT || action == Mapping.Action.UPDATE;
            if (writes && columns.isEmpty() && constants.isEmpty()) {
                throw new SinkConfigException(prefix + "column.*: an outbox mapping that writes needs at least one "
                        + "column, e.g. " + prefix + "column.id=/orderId");
            }
        }
        return new Mapping(id, topic, format, table, keyColumns, eventType, action, renames, excluded, columns,
                constants, conflict, version);
    }

    private static void rejectFor(String prefix, String why, String... keys) {
        for (String key : keys) {
            if (key != null) {
                throw new SinkConfigException(prefix + key + " does not apply here: " + why);
            }
        }
    }

    private static ValueSource valueSource(String key, String text) {
        if (text.startsWith("/")) {
            try {
                return new ValueSource.Pointer(JsonPointer.compile(text));
            } catch (IllegalArgumentException e) {
                throw new SinkConfigException(key + ": '" + text + "' is not a JSON pointer: " + e.getMessage());
            }
        }
        if (text.startsWith("header:") && text.length() > "header:".length()) {
            return new ValueSource.Header(text.substring("header:".length()));
        }
        if (text.equals("key")) {
            return new ValueSource.Key();
        }
        throw new SinkConfigException(key + ": '" + text + "' is not a value source; write a JSON pointer into the "
                + "payload (/orderId), header:<name> or key (for a fixed text use mapping.<id>.constant.<column>)");
    }

    /**
     * An envelope topic is one table's changes: one mapping. An outbox topic: one mapping per event type, and at most
     * one that takes the rest. A topic is never read both ways.
     */
    private static void checkTopics(List<Mapping> mappings) {
        Map<String, Mapping> byTopic = new HashMap<>();
        Set<String> outboxTypes = new LinkedHashSet<>();
        for (Mapping m : mappings) {
            Mapping other = byTopic.putIfAbsent(m.topic(), m);
            if (other == null) {
                outboxTypes.add(m.topic() + "\u0000" + m.eventType().orElse("*"));
                continue;
            }
            String key = "mapping." + m.id() + ".topic";
            if (other.format() != m.format()) {
                throw new SinkConfigException(key + ": topic " + m.topic() + " is read as " + name(other.format())
                        + " by mapping '" + other.id() + "' and as " + name(m.format()) + " here; a topic has one "
                        + "format");
            }
            if (m.format() == Mapping.Format.ENVELOPE) {
                throw new SinkConfigException(key + ": topic " + m.topic() + " is already mapped by '" + other.id()
                        + "'; an envelope topic is one table's changes and has one mapping");
            }
            if (!outboxTypes.add(m.topic() + "\u0000" + m.eventType().orElse("*"))) {
                throw new SinkConfigException(key + ": mappings '" + other.id() + "' and '" + m.id() + "' both take "
                        + m.eventType().map(t -> "event type " + t).orElse("every other event type") + " of topic "
                        + m.topic() + "; give each its own mapping.<id>.event.type");
            }
        }
    }

    private static String name(Mapping.Format format) {
        return format.name().toLowerCase(Locale.ROOT);
    }

    private Map<String, String> withEnvironment(Map<String, String> fileSettings) {
        Map<String, String> merged = new TreeMap<>(fileSettings);
        Set<String> candidates = new LinkedHashSet<>(fileSettings.keySet());
        GLOBAL.forEach(k -> candidates.add(k.name()));
        for (String key : candidates) {
            String fromEnv = environment.get(SinkKey.environmentVariableFor(key));
            if (fromEnv != null) {
                merged.put(key, fromEnv.trim());
            }
        }
        return merged;
    }

    /** The raw map plus typed readers; each reader names the key in its error. */
    private static final class Settings {
        private final Map<String, String> raw;

        Settings(Map<String, String> raw) {
            this.raw = raw;
        }

        void rejectUnknownKeys(List<String> ids) {
            for (String key : raw.keySet()) {
                if (SinkKeys.global(key).isPresent() || (key.startsWith(CLIENT_PREFIX)
                        && key.length() > CLIENT_PREFIX.length())) {
                    continue;
                }
                if (key.startsWith(MAPPING_PREFIX)) {
                    String rest = key.substring(MAPPING_PREFIX.length());
                    int dot = rest.indexOf('.');
                    String id = dot < 0 ? rest : rest.substring(0, dot);
                    String suffix = dot < 0 ? "" : rest.substring(dot + 1);
                    if (SinkKeys.mapping(suffix).isEmpty()) {
                        throw new SinkConfigException("unknown config key '" + key + "'" + mappingSuggestion(suffix)
                                + "; a mapping's keys are mapping.<id>." + String.join(", mapping.<id>.",
                                MAPPING.stream().map(SinkKey::mappingSuffix).map(x -> x.endsWith(".") ? x + "*" : x)
                                        .toList()));
                    }
                    if (!ids.contains(id)) {
                        throw new SinkConfigException(key + ": mapping '" + id + "' is not in "
                                + SINK_MAPPINGS.name() + " (" + String.join(",", ids) + "); add it there or remove "
                                + "its keys");
                    }
                    continue;
                }
                throw new SinkConfigException("unknown config key '" + key + "'" + globalSuggestion(key)
                        + "; the README lists every sink key, and kafka.client.* passes settings to Kafka's clients");
            }
        }

        private static String globalSuggestion(String key) {
            return best(key, GLOBAL.stream().map(SinkKey::name)).map(b -> " (did you mean '" + b + "'?)").orElse("");
        }

        private static String mappingSuggestion(String suffix) {
            return best(suffix, MAPPING.stream().map(SinkKey::mappingSuffix))
                    .map(b -> " (did you mean mapping.<id>." + b + (b.endsWith(".") ? "<name>" : "") + "?)")
                    .orElse("");
        }

        private static Optional<String> best(String text, Stream<String> candidates) {
            return candidates.filter(c -> distance(text, c) <= 3)
                    .min(java.util.Comparator.comparingInt(c -> distance(text, c)));
        }

        String string(SinkKey key) {
            String value = raw.get(key.name());
            if (value == null || value.isEmpty()) {
                if (key.required()) {
                    throw new SinkConfigException("missing required config key '" + key.name() + "': " + key.doc()
                            + " (or set " + key.environmentVariable() + ")");
                }
                value = key.defaultValue();
            }
            if (value != null && key.type() == KeyType.ENUM && !key.allowed().contains(value)) {
                throw new SinkConfigException(key.name() + ": '" + value + "' is not one of " + key.allowed());
            }
            return value;
        }

        String stringOr(SinkKey key, String fallback) {
            String value = raw.get(key.name());
            return value == null || value.isEmpty() ? fallback : value;
        }

        String requiredOf(SinkKey key, String id) {
            String name = SinkKeys.of(key, id);
            String value = raw.get(name);
            if (value == null || value.isEmpty()) {
                throw new SinkConfigException("missing config key '" + name + "': " + key.doc());
            }
            return value;
        }

        Optional<String> optionalOf(SinkKey key, String id) {
            String value = raw.get(SinkKeys.of(key, id));
            return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
        }

        String enumOf(SinkKey key, String id) {
            String name = SinkKeys.of(key, id);
            String value = optionalOf(key, id).orElse(key.defaultValue());
            if (!key.allowed().contains(value)) {
                throw new SinkConfigException(name + ": '" + value + "' is not one of " + key.allowed());
            }
            return value;
        }

        /** The free-part keys of a mapping, e.g. rename.total=order_total as total -> order_total, in key order. */
        Map<String, String> openEnded(SinkKey key, String id) {
            String prefix = MAPPING_PREFIX + id + "." + key.mappingSuffix();
            Map<String, String> result = new LinkedHashMap<>();
            raw.forEach((k, v) -> {
                if (k.startsWith(prefix) && k.length() > prefix.length()) {
                    String part = k.substring(prefix.length());
                    if (!COLUMN.matcher(part).matches()) {
                        throw new SinkConfigException(k + ": '" + part + "' is not a plain column or field name "
                                + "(letters, digits, '_', '$')");
                    }
                    if (v.isEmpty() && key != MAPPING_CONSTANT) {
                        throw new SinkConfigException(k + " is empty; give it a value or remove it");
                    }
                    result.put(part, v);
                }
            });
            return result;
        }

        List<String> list(String key) {
            String value = raw.getOrDefault(key, "");
            List<String> result = new ArrayList<>();
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    result.add(part.trim());
                }
            }
            return result;
        }

        List<String> columns(String key, String value) {
            List<String> result = new ArrayList<>();
            for (String part : value.split(",")) {
                String column = part.trim();
                match(key, column, COLUMN, "column names (letters, digits, '_', '$'), comma-separated");
                if (result.contains(column)) {
                    throw new SinkConfigException(key + ": column " + column + " is listed twice");
                }
                result.add(column);
            }
            return result;
        }

        void match(String key, String value, Pattern pattern, String rule) {
            if (!pattern.matcher(value).matches()) {
                throw new SinkConfigException(key + ": '" + value + "' is not allowed; use " + rule);
            }
        }

        int intInRange(SinkKey key, int min, int max) {
            String value = string(key);
            try {
                int parsed = Integer.parseInt(value);
                if (parsed < min || parsed > max) {
                    throw new SinkConfigException(key.name() + ": " + parsed + " is out of range " + min + " to "
                            + max);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new SinkConfigException(key.name() + ": '" + value + "' is not a whole number");
            }
        }

        Duration duration(SinkKey key) {
            String value = string(key);
            return SinkDurations.parse(value).orElseThrow(() -> new SinkConfigException(key.name() + ": '" + value
                    + "' is not a duration; write e.g. 500ms, 10s, 5m, 1h, 7d or PT10S"));
        }

        Map<String, String> withPrefix(String prefix) {
            Map<String, String> result = new TreeMap<>();
            raw.forEach((k, v) -> {
                if (k.startsWith(prefix)) {
                    result.put(k.substring(prefix.length()), v);
                }
            });
            return result;
        }
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static TableId plainTable(String key, String text) {
        try {
            return TableId.parsePlain(text);
        } catch (IllegalArgumentException e) {
            throw new SinkConfigException(key + ": " + e.getMessage());
        }
    }
}
