package dev.strangler.sink.config;

import static dev.strangler.sink.config.SinkKey.oneOf;
import static dev.strangler.sink.config.SinkKey.optional;
import static dev.strangler.sink.config.SinkKey.required;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every key a sink configuration may contain, declared once; mapping keys are templates with {@code <id>}. */
public final class SinkKeys {

    static final String MAPPING_PREFIX = "mapping.";
    static final String ID = "<id>";
    /** Prefix whose keys go to every Kafka client the sink opens (security settings, client.dns.lookup...). */
    public static final String CLIENT_PREFIX = "kafka.client.";

    public static final SinkKey SINK_NAME = optional("sink.name", KeyType.STRING, "sink",
            "Name of this sink: on every log line, in its marker rows (the pipeline's header strangler.origin="
                    + "sink:<name>), and the default for sink.group and sink.dead.letter.topic. Letters, digits, '_', "
                    + "'-' and '.'.");
    public static final SinkKey TARGET_URL = required("target.url", KeyType.STRING,
            "JDBC URL of the legacy PostgreSQL database the sink writes, e.g. "
                    + "jdbc:postgresql://db.internal:5432/legacy. Query parameters (sslmode, ...) go to the driver.");
    public static final SinkKey TARGET_USER = required("target.user", KeyType.STRING,
            "Role the sink connects as: SELECT, INSERT, UPDATE, DELETE on the mapped tables and the sink's tables in "
                    + "schema strangler (sql/dba/05_sink_role.sql); no superuser, no REPLICATION.");
    public static final SinkKey TARGET_PASSWORD = optional("target.password", KeyType.PASSWORD, "",
            "Password of target.user. Prefer the environment variable STRANGLER_TARGET_PASSWORD. Never logged.");
    public static final SinkKey KAFKA_BOOTSTRAP = required("kafka.bootstrap.servers", KeyType.STRING,
            "Kafka bootstrap servers, host:port[,host:port...].");
    public static final SinkKey SINK_GROUP = optional("sink.group", KeyType.STRING, null,
            "Kafka consumer group: every strangler sink process of the group gets a share of the partitions (Kafka's "
                    + "group protocol), and the group's positions are stored in strangler.sink_offsets. Default: "
                    + "strangler-sink-<sink.name>.");
    public static final SinkKey SINK_MAPPINGS = required("sink.mappings", KeyType.LIST,
            "The mappings to apply, by id (letters, digits, '_' and '-'), comma-separated; each is configured with "
                    + "the mapping.<id>.* keys below.");
    public static final SinkKey SINK_ERRORS = oneOf("sink.errors", "stop", List.of("stop", "dead-letter"),
            "What a bad event does (one that does not match its mapping or that the database refuses, e.g. a "
                    + "constraint): stop the sink with one line naming topic, partition, offset and reason, the events "
                    + "before it applied; or dead-letter: send it to sink.dead.letter.topic with the reason in its "
                    + "headers and go on. Nothing is ever skipped silently.");
    public static final SinkKey DEAD_LETTER_TOPIC = optional("sink.dead.letter.topic", KeyType.STRING, null,
            "Topic of events refused with sink.errors=dead-letter (created when missing). Default: "
                    + "<sink.name>.dead-letter.");
    public static final SinkKey BATCH_SIZE = optional("sink.batch.size", KeyType.INT, "500",
            "Most records applied in one database transaction (the consumer's max.poll.records).");
    public static final SinkKey MARKER_RETENTION = optional("sink.marker.retention", KeyType.DURATION, "7d",
            "How long the sink keeps its rows in strangler.sink_marker. A pipeline that was stopped in the middle of "
                    + "a sink transaction looks it up there when it starts again: keep this longer than any pipeline "
                    + "outage.");
    public static final SinkKey PUBLICATIONS_IGNORED = optional("sink.publications.ignored", KeyType.LIST, "",
            "Publications that feed no Strangler pipeline. At start the sink refuses a publication that publishes a "
                    + "mapped table but not strangler.sink_marker (its pipeline could not tell the sink's writes "
                    + "from the legacy app's: echo); list a publication here when another consumer owns it.");
    public static final SinkKey RESTART_BACKOFF_MAX = optional("sink.restart.backoff.max", KeyType.DURATION, "30s",
            "Longest wait between attempts after a transient failure (PostgreSQL or Kafka unreachable): the wait "
                    + "doubles from 1s up to this, and each attempt resumes from the stored positions.");

    public static final SinkKey MAPPING_TOPIC = required("mapping.<id>.topic", KeyType.STRING,
            "Topic the mapping reads. A Debezium-envelope topic has one mapping; an outbox topic one per event type.");
    public static final SinkKey MAPPING_FORMAT = oneOf("mapping.<id>.format", "envelope", List.of("envelope",
            "outbox"), "envelope: Debezium change events (after upserted by key, a delete deleted, tombstones "
            + "passed over); outbox: routed outbox events, whose JSON payload is mapped with mapping.<id>.column.*.");
    public static final SinkKey MAPPING_TABLE = required("mapping.<id>.table", KeyType.TABLE,
            "The legacy table the mapping writes, schema.table.");
    public static final SinkKey MAPPING_KEY = optional("mapping.<id>.key", KeyType.LIST, null,
            "Columns of the table that identify a row (a primary key or unique index must cover exactly them). "
                    + "Default: the table's primary key.");
    public static final SinkKey MAPPING_EVENT_TYPE = optional("mapping.<id>.event.type", KeyType.STRING, null,
            "outbox: the event type (header eventType) this mapping applies. Default: every type of the topic that "
                    + "no other mapping names. An event type no mapping takes is a bad event.");
    public static final SinkKey MAPPING_ACTION = oneOf("mapping.<id>.action", "upsert",
            List.of("upsert", "update", "delete", "ignore"),
            "outbox: what the event does to its row: upsert (insert or update), update (the row must exist), delete, "
                    + "or ignore (an event type passed over on purpose: counted, not applied). envelope: only "
                    + "upsert (the event's op decides) or ignore.");
    public static final SinkKey MAPPING_COLUMN = optional("mapping.<id>.column.<column>", KeyType.STRING, "",
            "outbox: where the column's value comes from: a JSON pointer into the payload (/order/total), "
                    + "header:<name> (a record header as text) or key (the record key as text). A pointer the payload "
                    + "lacks is a bad event; JSON null writes NULL.");
    public static final SinkKey MAPPING_RENAME = optional("mapping.<id>.rename.<field>", KeyType.STRING, "",
            "envelope: the column an event field is written to, when the names differ (rename.total=order_total). "
                    + "Renames apply to the key too.");
    public static final SinkKey MAPPING_EXCLUDE = optional("mapping.<id>.exclude", KeyType.LIST, "",
            "envelope: event fields left out (not written). Any other field without a column is a bad event.");
    public static final SinkKey MAPPING_CONSTANT = optional("mapping.<id>.constant.<column>", KeyType.STRING, "",
            "A constant written to the column on every insert and update (its text, cast to the column's type), e.g. "
                    + "constant.channel=web.");
    public static final SinkKey MAPPING_CONFLICT = oneOf("mapping.<id>.conflict", "overwrite",
            List.of("overwrite", "keep-newer"),
            "During the dual-write period: overwrite (the event wins), or keep-newer: a row whose "
                    + "mapping.<id>.version.column is newer than the event's value is kept; each such conflict is "
                    + "counted and logged with its key.");
    public static final SinkKey MAPPING_VERSION_COLUMN = optional("mapping.<id>.version.column", KeyType.STRING,
            "", "The version or updated-at column keep-newer compares (a column of the table, written by the "
                    + "event too).");

    public static final List<SinkKey> GLOBAL = List.of(SINK_NAME, TARGET_URL, TARGET_USER, TARGET_PASSWORD,
            KAFKA_BOOTSTRAP, SINK_GROUP, SINK_MAPPINGS, SINK_ERRORS, DEAD_LETTER_TOPIC, BATCH_SIZE, MARKER_RETENTION,
            PUBLICATIONS_IGNORED, RESTART_BACKOFF_MAX);

    public static final List<SinkKey> MAPPING = List.of(MAPPING_TOPIC, MAPPING_FORMAT, MAPPING_TABLE, MAPPING_KEY,
            MAPPING_EVENT_TYPE, MAPPING_ACTION, MAPPING_COLUMN, MAPPING_RENAME, MAPPING_EXCLUDE, MAPPING_CONSTANT,
            MAPPING_CONFLICT, MAPPING_VERSION_COLUMN);

    private static final Map<String, SinkKey> GLOBAL_BY_NAME =
            GLOBAL.stream().collect(Collectors.toMap(SinkKey::name, Function.identity()));

    private SinkKeys() {
    }

    public static Optional<SinkKey> global(String name) {
        return Optional.ofNullable(GLOBAL_BY_NAME.get(name));
    }

    /** The mapping key a suffix (the part after {@code mapping.<id>.}) stands for, e.g. {@code rename.total}. */
    public static Optional<SinkKey> mapping(String suffix) {
        for (SinkKey key : MAPPING) {
            String s = key.mappingSuffix();
            if (key.openEnded() ? suffix.startsWith(s) && suffix.length() > s.length() : suffix.equals(s)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    /** The key of mapping {@code id}: {@code mapping.orders.table} for {@link #MAPPING_TABLE}. */
    public static String of(SinkKey key, String id) {
        return key.name().replace(ID, id);
    }

    /** Pass-through keys whose values must never be printed. */
    public static boolean looksSecret(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return lower.contains("password") || lower.contains("secret") || lower.contains("jaas")
                || lower.contains("token") || lower.endsWith(".key");
    }
}
