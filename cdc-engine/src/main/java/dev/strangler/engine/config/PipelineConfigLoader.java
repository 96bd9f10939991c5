package dev.strangler.engine.config;

import static dev.strangler.engine.config.PipelineKeys.*;

import dev.strangler.contract.TableId;
import dev.strangler.contract.TopicNames;
import dev.strangler.security.SecretException;
import dev.strangler.security.SecretResolver;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Builds a {@link PipelineConfig} from a properties file and the environment, or refuses with a
 * {@link ConfigException} naming the key, the value and the rule. Nothing connects anywhere before this succeeds.
 *
 * <p>An environment variable overrides a key of the same name upper-cased with '.' as '_' and a STRANGLER_ prefix
 * ({@code STRANGLER_SOURCE_PASSWORD} for {@code source.password}); this holds for every declared key and for every
 * pass-through key present in the file.
 *
 * <p>Then secrets are resolved ({@link SecretResolver}): Kafka's config-provider references ({@code ${file:...}},
 * {@code ${directory:...}}, {@code ${env:...}}) in any value, and {@code <key>.file} for every secret key
 * ({@link PipelineKeys#isSecret}). A secret file others can read is one of the config's warnings.
 */
public final class PipelineConfigLoader {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    private static final Pattern PG_OBJECT_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /**
     * A role name as Strangler accepts it: what PostgreSQL, RDS, Azure (user@server) and Cloud SQL roles look like,
     * and nothing that could end a SQL comment or string, or a psql or shell word, wherever the name is printed.
     */
    private static final Pattern ROLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$@.-]{0,62}");

    private final Map<String, String> environment;

    public PipelineConfigLoader(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    public static PipelineConfigLoader withSystemEnvironment() {
        return new PipelineConfigLoader(System.getenv());
    }

    public PipelineConfig load(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new ConfigException("config file " + file + " does not exist; pass --config with the path of your "
                    + "pipeline.properties (see README, 'Configuration')");
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("config file " + file + " cannot be read: " + e.getMessage());
        }
        Map<String, String> raw = new TreeMap<>();
        properties.stringPropertyNames().forEach(k -> raw.put(k.trim(), properties.getProperty(k).trim()));
        return fromMap(raw);
    }

    /** Validates and types a key-value map (environment overrides applied on top). */
    public PipelineConfig fromMap(Map<String, String> fileSettings) {
        SecretResolver.Resolved resolved;
        try {
            resolved = new SecretResolver(environment, PipelineKeys::isSecret).resolve(withEnvironment(fileSettings));
        } catch (SecretException e) {
            throw new ConfigException(e.getMessage());
        }
        Settings s = new Settings(resolved.settings());
        s.rejectUnknownKeys();

        String name = s.string(PIPELINE_NAME);
        s.match(PIPELINE_NAME, name, NAME, "letters, digits, '.', '_' or '-', at most 63 characters");
        String defaultObjectName = "strangler_" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "_");

        SourceEndpoint endpoint = SourceEndpoint.parse(SOURCE_URL.name(), s.string(SOURCE_URL));
        String slot = s.stringOr(SOURCE_SLOT, defaultObjectName);
        s.match(SOURCE_SLOT, slot, PG_OBJECT_NAME, "lower-case letters, digits and '_', at most 63 characters");
        String publication = s.stringOr(SOURCE_PUBLICATION, defaultObjectName);
        s.match(SOURCE_PUBLICATION, publication, PG_OBJECT_NAME,
                "lower-case letters, digits and '_', at most 63 characters");
        List<TableId> tables = s.tables(SOURCE_TABLES);
        List<TableId> outboxTables = s.tables(OUTBOX_TABLES);
        if (tables.isEmpty() && outboxTables.isEmpty()) {
            throw new ConfigException(SOURCE_TABLES.name() + " is empty; name at least one table to capture, "
                    + "e.g. source.tables=public.orders (or outbox.tables for a pipeline that only routes an outbox)");
        }
        String user = s.string(SOURCE_USER);
        s.match(SOURCE_USER, user, ROLE_NAME, "a letter or '_', then letters, digits, '_', '$', '.', '@' or '-', at "
                + "most 63 characters (a role with other characters in its name: create one for the pipeline, see "
                + "sql/dba/02_pipeline_role.sql)");
        List<TableId> toastReselect = s.tables(SOURCE_TOAST_RESELECT);
        for (TableId t : toastReselect) {
            if (!tables.contains(t)) {
                throw new ConfigException(SOURCE_TOAST_RESELECT.name() + ": " + t + " is not in "
                        + SOURCE_TABLES.name() + "; list only captured tables (" + SOURCE_TABLES.name() + "="
                        + String.join(",", tables.stream().map(TableId::toString).toList()) + ")");
            }
        }
        PipelineConfig.Source source = new PipelineConfig.Source(endpoint, user,
                new Secret(s.string(SOURCE_PASSWORD)), tables, slot, publication,
                Boolean.parseBoolean(s.string(SOURCE_SLOT_FAILOVER)), toastReselect, primary(s, endpoint));

        String bootstrap = s.string(KAFKA_BOOTSTRAP);
        for (String server : bootstrap.split(",")) {
            if (!server.trim().matches("\\[?[^\\s\\[\\]]+]?:\\d{1,5}")) {
                throw new ConfigException(KAFKA_BOOTSTRAP.name() + ": '" + server.trim() + "' is not host:port; "
                        + "write e.g. kafka.bootstrap.servers=broker1:9092,broker2:9092");
            }
        }
        String prefix = s.stringOr(TOPIC_PREFIX, name);
        s.match(TOPIC_PREFIX, prefix, NAME, "letters, digits, '.', '_' or '-' (Kafka's topic name rule)");
        int partitions = s.intInRange(TOPIC_PARTITIONS, 1, 10_000);
        int replication = s.intInRange(TOPIC_REPLICATION_FACTOR, -1, 32);
        if (replication == 0) {
            throw new ConfigException(TOPIC_REPLICATION_FACTOR.name() + " is 0; use -1 for the broker's default "
                    + "or a factor of at least 1");
        }
        OptionalInt minInsync = minInsyncReplicas(s, replication);
        int maxRecordBytes = s.intInRange(KAFKA_MAX_RECORD_BYTES, 1024, Integer.MAX_VALUE);
        Map<String, String> clientOverrides = s.withPrefix(CLIENT_PREFIX);
        PassThroughGuard.checkClient(CLIENT_PREFIX, clientOverrides);
        Map<String, String> producerOverrides = s.withPrefix(PRODUCER_PREFIX);
        PassThroughGuard.checkProducer(PRODUCER_PREFIX, producerOverrides);
        PipelineConfig.Kafka kafka = new PipelineConfig.Kafka(bootstrap, prefix, partitions,
                replication < 0 ? OptionalInt.empty() : OptionalInt.of(replication), minInsync,
                s.string(TOPIC_CLEANUP_POLICY), maxRecordBytes, clientOverrides, producerOverrides);

        PipelineConfig.OffsetStorage storage =
                PipelineConfig.OffsetStorage.valueOf(s.string(OFFSETS_STORAGE).toUpperCase(Locale.ROOT));
        String offsetsTopic = s.stringOr(OFFSETS_TOPIC, TopicNames.defaultOffsets(name));
        s.match(OFFSETS_TOPIC, offsetsTopic, NAME, "letters, digits, '.', '_' or '-' (Kafka's topic name rule)");
        Path offsetsFile = s.path(OFFSETS_FILE, "./" + name + ".offsets");
        Duration flush = s.positiveDuration(OFFSETS_FLUSH_INTERVAL);
        PipelineConfig.Offsets offsets = new PipelineConfig.Offsets(storage, offsetsTopic, offsetsFile, flush);

        PipelineConfig.SnapshotMode snapshot =
                PipelineConfig.SnapshotMode.valueOf(s.string(SNAPSHOT_MODE).toUpperCase(Locale.ROOT));
        Duration heartbeat = s.duration(HEARTBEAT_INTERVAL);

        Map<String, String> debezium = s.withPrefix(DEBEZIUM_PREFIX);
        PassThroughGuard.checkDebezium(DEBEZIUM_PREFIX, debezium);
        // exactly once needs the position in Kafka's transaction; a file-based position implies at least once
        String deliveryValue = s.stringOr(DELIVERY_GUARANTEE, storage == PipelineConfig.OffsetStorage.KAFKA
                ? "exactly_once" : "at_least_once");
        if (!DELIVERY_GUARANTEE.allowed().contains(deliveryValue)) {
            throw new ConfigException(DELIVERY_GUARANTEE.name() + ": '" + deliveryValue + "' is not one of "
                    + DELIVERY_GUARANTEE.allowed());
        }
        PipelineConfig.DeliveryGuarantee delivery =
                PipelineConfig.DeliveryGuarantee.valueOf(deliveryValue.toUpperCase(Locale.ROOT));
        if (delivery == PipelineConfig.DeliveryGuarantee.EXACTLY_ONCE
                && storage != PipelineConfig.OffsetStorage.KAFKA) {
            throw new ConfigException(DELIVERY_GUARANTEE.name() + "=exactly_once needs offsets.storage=kafka: the "
                    + "position is committed in the same Kafka transaction as the events. Set offsets.storage=kafka, "
                    + "or delivery.guarantee=at_least_once to keep positions in a file");
        }
        PipelineConfig.Supervision supervision = new PipelineConfig.Supervision(
                s.positiveDuration(STANDBY_TAKEOVER_AFTER), s.positiveDuration(RESTART_BACKOFF_MAX));
        for (TableId t : outboxTables) {
            if (tables.contains(t)) {
                throw new ConfigException(OUTBOX_TABLES.name() + ": " + t + " is also in " + SOURCE_TABLES.name()
                        + "; list an outbox table in outbox.tables only (it is captured and routed, with no table "
                        + "topic)");
            }
        }
        String outboxTopic = s.stringOr(OUTBOX_TOPIC, TopicNames.defaultOutboxPattern(prefix));
        if (!outboxTopic.contains(TopicNames.AGGREGATE_TYPE)) {
            throw new ConfigException(OUTBOX_TOPIC.name() + ": '" + outboxTopic + "' has no "
                    + TopicNames.AGGREGATE_TYPE + "; every aggregate type needs its own topic");
        }
        s.match(OUTBOX_TOPIC, outboxTopic.replace(TopicNames.AGGREGATE_TYPE, "x"), NAME,
                "letters, digits, '.', '_' or '-' around " + TopicNames.AGGREGATE_TYPE);
        PipelineConfig.Outbox outbox = new PipelineConfig.Outbox(outboxTables, outboxTopic);
        PipelineConfig.SinkEcho echo = PipelineConfig.SinkEcho.valueOf(s.string(SINK_ECHO).toUpperCase(Locale.ROOT));
        boolean transactionMetadata = Boolean.parseBoolean(s.string(TRANSACTIONS_METADATA));
        return new PipelineConfig(name, source, kafka, offsets, snapshot, heartbeat, delivery, supervision, outbox,
                echo, transactionMetadata, debezium, operations(s, heartbeat), resolved.warnings().stream()
                .map(w -> new ConfigWarning(w.key(), w.detail(), w.fix())).toList());
    }

    /** source.primary.url: parsed like source.url (no credentials in it), and not the source itself. */
    private static java.util.Optional<SourceEndpoint> primary(Settings s, SourceEndpoint source) {
        if (!s.isSet(SOURCE_PRIMARY_URL)) {
            return java.util.Optional.empty();
        }
        SourceEndpoint primary = SourceEndpoint.parse(SOURCE_PRIMARY_URL.name(), s.string(SOURCE_PRIMARY_URL));
        if (primary.host().equalsIgnoreCase(source.host()) && primary.port() == source.port()) {
            throw new ConfigException(SOURCE_PRIMARY_URL.name() + ": " + primary + " is the server of "
                    + SOURCE_URL.name() + "; set it only when source.url is a standby, to that standby's primary");
        }
        if (!primary.database().equals(source.database())) {
            throw new ConfigException(SOURCE_PRIMARY_URL.name() + ": database '" + primary.database() + "' is not "
                    + "source.url's '" + source.database() + "'; a standby replicates its primary's databases, so "
                    + "the primary URL names the same database");
        }
        return java.util.Optional.of(primary);
    }

    private static PipelineConfig.Operations operations(Settings s, Duration heartbeat) {
        int port = s.intInRange(HTTP_PORT, 0, 65535);
        String bind = s.string(HTTP_BIND);
        if (bind.isBlank() || bind.contains(" ") || bind.contains("/")) {
            throw new ConfigException(HTTP_BIND.name() + ": '" + bind + "' is not an address; write 0.0.0.0 (every "
                    + "interface), 127.0.0.1 or a host name of this machine");
        }
        Duration defaultMaxLag = heartbeat.multipliedBy(2).compareTo(Duration.ofSeconds(60)) > 0
                ? heartbeat.multipliedBy(2) : Duration.ofSeconds(60);
        Duration readyMaxLag = s.isSet(HEALTH_READY_MAX_LAG) ? s.positiveDuration(HEALTH_READY_MAX_LAG) : defaultMaxLag;
        if (!heartbeat.isZero() && readyMaxLag.compareTo(heartbeat) <= 0) {
            throw new ConfigException(HEALTH_READY_MAX_LAG.name() + " (" + readyMaxLag.toSeconds() + "s) must be more "
                    + "than " + HEARTBEAT_INTERVAL.name() + " (" + heartbeat.toSeconds() + "s): while the tables are "
                    + "idle the lag grows up to the heartbeat interval, and the pipeline would look not ready. Raise "
                    + HEALTH_READY_MAX_LAG.name() + " or shorten " + HEARTBEAT_INTERVAL.name());
        }
        return new PipelineConfig.Operations("true".equals(s.string(HTTP_ENABLED)), bind, port, readyMaxLag,
                s.positiveDuration(MONITOR_INTERVAL), s.duration(SNAPSHOT_PROGRESS_INTERVAL),
                PipelineConfig.LogFormat.valueOf(s.string(LOG_FORMAT).toUpperCase(Locale.ROOT)));
    }

    /** 2 with three or more replicas (one broker may fail without losing an acknowledged event), else unset. */
    private static OptionalInt minInsyncReplicas(Settings s, int replication) {
        if (s.isSet(TOPIC_MIN_INSYNC_REPLICAS)) {
            int value = s.intInRange(TOPIC_MIN_INSYNC_REPLICAS, 1, 32);
            if (replication > 0 && value > replication) {
                throw new ConfigException(TOPIC_MIN_INSYNC_REPLICAS.name() + ": " + value + " is more than "
                        + TOPIC_REPLICATION_FACTOR.name() + " (" + replication + "): no write could ever be "
                        + "acknowledged");
            }
            return OptionalInt.of(value);
        }
        return replication >= 3 ? OptionalInt.of(2) : OptionalInt.empty();
    }

    private Map<String, String> withEnvironment(Map<String, String> fileSettings) {
        Map<String, String> merged = new TreeMap<>(fileSettings);
        Set<String> candidates = new LinkedHashSet<>(fileSettings.keySet());
        PipelineKeys.ALL.forEach(k -> candidates.add(k.name()));
        for (String key : candidates) {
            String fromEnv = environment.get(ConfigKey.environmentVariableFor(key));
            if (fromEnv != null) {
                merged.put(key, fromEnv.trim());
            }
        }
        return merged;
    }

    /** The raw map plus the typed readers; each reader names the key in its error. */
    private static final class Settings {
        private final Map<String, String> raw;

        Settings(Map<String, String> raw) {
            this.raw = raw;
        }

        void rejectUnknownKeys() {
            for (String key : raw.keySet()) {
                if (PipelineKeys.byName(key).isEmpty() && !PipelineKeys.isPassThrough(key)) {
                    throw new ConfigException("unknown config key '" + key + "'" + suggestion(key)
                            + "; the README lists every key, and debezium.*, kafka.producer.* and kafka.client.* "
                            + "pass settings through");
                }
            }
        }

        private static String suggestion(String key) {
            return PipelineKeys.ALL.stream().map(ConfigKey::name)
                    .min(Comparator.comparingInt(candidate -> distance(key, candidate)))
                    .filter(best -> distance(key, best) <= 3)
                    .map(best -> " (did you mean '" + best + "'?)").orElse("");
        }

        String string(ConfigKey key) {
            String value = raw.get(key.name());
            if (value == null || (value.isEmpty() && key.required())) {
                if (key.required()) {
                    throw new ConfigException("missing required config key '" + key.name() + "': " + key.doc()
                            + " (or set " + key.environmentVariable() + ")");
                }
                value = key.defaultValue();
            }
            if (value != null && key.type() == ConfigType.ENUM && !key.allowed().contains(value)) {
                throw new ConfigException(key.name() + ": '" + value + "' is not one of " + key.allowed());
            }
            return value;
        }

        boolean isSet(ConfigKey key) {
            String value = raw.get(key.name());
            return value != null && !value.isEmpty();
        }

        String stringOr(ConfigKey key, String fallback) {
            String value = raw.get(key.name());
            return value == null || value.isEmpty() ? fallback : value;
        }

        void match(ConfigKey key, String value, Pattern pattern, String rule) {
            if (!pattern.matcher(value).matches()) {
                throw new ConfigException(key.name() + ": '" + printable(value) + "' is not allowed; use " + rule);
            }
        }

        /** A path: no control characters (they would end a log line or a message), and one the OS can name. */
        Path path(ConfigKey key, String fallback) {
            String value = stringOr(key, fallback);
            if (value.chars().anyMatch(Character::isISOControl)) {
                throw new ConfigException(key.name() + ": '" + printable(value) + "' contains a control character");
            }
            try {
                return Path.of(value);
            } catch (java.nio.file.InvalidPathException e) {
                throw new ConfigException(key.name() + ": '" + value + "' is not a valid path: " + e.getReason());
            }
        }

        /** A value as a message may quote it: control characters (a line break ends the message) shown escaped. */
        private static String printable(String value) {
            StringBuilder b = new StringBuilder();
            value.codePoints().forEach(c -> {
                if (Character.isISOControl(c)) {
                    b.append(String.format("\\u%04x", c));
                } else {
                    b.appendCodePoint(c);
                }
            });
            return b.toString();
        }

        int intInRange(ConfigKey key, int min, int max) {
            String value = string(key);
            try {
                int parsed = Integer.parseInt(value);
                if (parsed < min || parsed > max) {
                    throw new ConfigException(key.name() + ": " + parsed + " is out of range " + min + " to " + max);
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new ConfigException(key.name() + ": '" + value + "' is not a whole number");
            }
        }

        Duration duration(ConfigKey key) {
            String value = string(key);
            return Durations.parse(value).orElseThrow(() -> new ConfigException(key.name() + ": '" + value
                    + "' is not a duration; write e.g. 500ms, 10s, 5m, 1h or PT10S"));
        }

        Duration positiveDuration(ConfigKey key) {
            Duration d = duration(key);
            if (d.isZero()) {
                throw new ConfigException(key.name() + " must be greater than zero");
            }
            return d;
        }

        List<TableId> tables(ConfigKey key) {
            String value = raw.getOrDefault(key.name(), key.defaultValue() == null ? "" : key.defaultValue());
            if (key.required() && value.isBlank()) {
                string(key); // throws the "missing" message
            }
            List<TableId> result = new ArrayList<>();
            for (String part : value.split(",")) {
                if (part.isBlank()) {
                    continue;
                }
                TableId id = configuredTable(key, part);
                if (result.contains(id)) {
                    throw new ConfigException(key.name() + ": " + id + " is listed twice");
                }
                if (id.schema().equals("strangler")) {
                    throw new ConfigException(key.name() + ": " + id + " is in schema strangler, which holds the "
                            + "pipeline's own objects; capture legacy tables only");
                }
                result.add(id);
            }
            return result;
        }

        /**
         * A table as the pipeline accepts it: unquoted identifiers only, the way pg_tables lists them, so every
         * place that writes the name (SQL, Debezium's include list, topic names) can write it as it is.
         */
        private static TableId configuredTable(ConfigKey key, String text) {
            try {
                return TableId.parsePlain(text);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key.name() + ": " + e.getMessage());
            }
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
}
