package dev.strangler.engine.config;

import static dev.strangler.engine.config.ConfigKey.oneOf;
import static dev.strangler.engine.config.ConfigKey.optional;
import static dev.strangler.engine.config.ConfigKey.required;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Every key a pipeline configuration may contain, declared once. */
public final class PipelineKeys {

    public static final ConfigKey PIPELINE_NAME = optional("pipeline.name", ConfigType.STRING, "strangler",
            "Name of this pipeline: on every log line and intake header, and the default for the slot, publication, "
                    + "topic prefix and offsets topic. Letters, digits, '_', '-' and '.'.");
    public static final ConfigKey SOURCE_URL = required("source.url", ConfigType.STRING,
            "JDBC URL of the legacy PostgreSQL database, e.g. jdbc:postgresql://db.internal:5432/legacy"
                    + "?sslmode=verify-full&sslrootcert=/etc/strangler/db-ca.pem (for any host but this one: TLS that "
                    + "verifies the server, see README 'Security'). Query parameters are passed to the JDBC driver; "
                    + "user and password are refused there (source.user, source.password).");
    public static final ConfigKey SOURCE_USER = required("source.user", ConfigType.STRING,
            "Role the pipeline connects as. Needs LOGIN and REPLICATION (or rds_replication on RDS), SELECT on the "
                    + "captured and outbox tables and ownership of schema strangler; superuser is not needed. A letter "
                    + "or '_', then letters, digits, '_', '$', '.', '@' or '-', at most 63 characters.");
    public static final ConfigKey SOURCE_PASSWORD = optional("source.password", ConfigType.PASSWORD, "",
            "Password of source.user. Never logged. Better kept out of this file: source.password.file, the "
                    + "environment variable STRANGLER_SOURCE_PASSWORD, or a config provider reference such as "
                    + "${file:/etc/strangler/secrets.properties:db.password} (see README 'Security').");
    public static final ConfigKey SOURCE_PASSWORD_FILE = optional("source.password.file", ConfigType.FILE, "",
            "File whose content is source.password (UTF-8, one trailing line break ignored), e.g. a Docker or "
                    + "Kubernetes secret mounted as a file. Every secret key, pass-through ones included, can be read "
                    + "this way: <key>.file. A file others can read gets a warning.");
    public static final ConfigKey SOURCE_PRIMARY_URL = optional("source.primary.url", ConfigType.STRING, "",
            "Only when source.url is a read replica (a hot standby, PostgreSQL 16+, README 'A read replica as the "
                    + "source'): JDBC URL of its primary, where the pipeline writes what it must write (schema "
                    + "strangler's migrations, the heartbeat, the publication, the parity history), as the same "
                    + "source.user with the same password (the role is replicated to the standby anyway). Its query "
                    + "parameters (sslmode...) apply to it alone; user and password are refused there. Unset with a "
                    + "standby source: nothing is written anywhere, the heartbeat is off and the publication and "
                    + "schema strangler must exist (the start says what that costs).");
    public static final ConfigKey SOURCE_TABLES = optional("source.tables", ConfigType.LIST, "",
            "Tables to capture, as schema.table, comma-separated. Each gets the topic <topic.prefix>.<schema>.<table>. "
                    + "Required unless outbox.tables is set (a pipeline that only routes an outbox). A table added "
                    + "later gets its existing rows by an incremental snapshot when the pipeline restarts, while the "
                    + "others stream on (README 'Growing the migration').");
    public static final ConfigKey SOURCE_SLOT = optional("source.slot", ConfigType.STRING, null,
            "Logical replication slot (pgoutput). Default: strangler_<pipeline.name>, lower-cased, non-alphanumerics "
                    + "as '_'. Lower-case letters, digits and '_' only (PostgreSQL's rule for slot names).");
    public static final ConfigKey SOURCE_PUBLICATION = optional("source.publication", ConfigType.STRING, null,
            "Publication to stream. Created for exactly source.tables and outbox.tables plus strangler.heartbeat when "
                    + "it does not "
                    + "exist (never FOR ALL TABLES); used as it is when it exists. Default: like source.slot.");
    public static final ConfigKey SOURCE_SLOT_FAILOVER = oneOf("source.slot.failover", "false",
            List.of("true", "false"),
            "true: the pipeline creates its slot as a failover slot (PostgreSQL 17+), which standbys with "
                    + "sync_replication_slots = on keep in step, so the pipeline resumes on the new primary after a "
                    + "failover; the doctor checks synchronized_standby_slots. Only applies when the slot is created: "
                    + "an existing slot keeps what it is (the doctor says so). Refused on PostgreSQL before 17.");
    public static final ConfigKey SOURCE_TOAST_RESELECT = optional("source.toast.reselect", ConfigType.LIST, "",
            "Captured tables (schema.table, comma-separated) whose unchanged TOASTed values are read back from the "
                    + "table: an UPDATE that leaves a large out-of-line value unchanged does not carry it in the WAL, "
                    + "and without this (or REPLICA IDENTITY FULL) its event holds __debezium_unavailable_value. "
                    + "Costs one primary-key SELECT on the source per such event, made one at a time, so the drain "
                    + "can be slower than with REPLICA IDENTITY FULL (measured: 0.5-0.7 times its rate with 4-12 kB "
                    + "values, within the noise with 32 kB), which instead adds the whole row to the WAL of every "
                    + "update and delete (bench/README.md). The value read is the row's current one (a later "
                    + "change's, if one followed). The doctor says per table which fix is cheaper.");
    public static final ConfigKey KAFKA_BOOTSTRAP = required("kafka.bootstrap.servers", ConfigType.STRING,
            "Kafka bootstrap servers, host:port[,host:port...].");
    public static final ConfigKey TOPIC_PREFIX = optional("topic.prefix", ConfigType.STRING, null,
            "Prefix of every table topic. Default: pipeline.name.");
    public static final ConfigKey TOPIC_PARTITIONS = optional("topic.partitions", ConfigType.INT, "1",
            "Partitions of each table topic the pipeline creates. Records are keyed by primary key, so order per key "
                    + "holds with any count.");
    public static final ConfigKey TOPIC_REPLICATION_FACTOR = optional("topic.replication.factor", ConfigType.INT, "-1",
            "Replication factor of each table topic the pipeline creates; -1 takes the broker's "
                    + "default.replication.factor.");
    public static final ConfigKey TOPIC_MIN_INSYNC_REPLICAS = optional("topic.min.insync.replicas", ConfigType.INT,
            null, "min.insync.replicas of each topic the pipeline creates (table, outbox and offsets topics): with "
                    + "acks=all, how many replicas must have an event before Kafka acknowledges it. Default: 2 when "
                    + "topic.replication.factor is 3 or more, else the broker's default. Existing topics with a "
                    + "weaker setting get a warning.");
    public static final ConfigKey KAFKA_MAX_RECORD_BYTES = optional("kafka.max.record.bytes", ConfigType.INT,
            "16777216", "Largest record (key, value and headers) the pipeline publishes: the producer's "
                    + "max.request.size and max.message.bytes of the topics it creates. A change larger than this "
                    + "stops the pipeline with its table, key, LSN and size. Existing topics with a lower "
                    + "max.message.bytes get a warning.");
    public static final ConfigKey TOPIC_CLEANUP_POLICY = oneOf("topic.cleanup.policy", "delete",
            List.of("delete", "compact", "compact,delete"),
            "cleanup.policy of each table topic the pipeline creates. Existing topics are never changed.");
    public static final ConfigKey OFFSETS_STORAGE = oneOf("offsets.storage", "kafka", List.of("kafka", "file"),
            "Where the source position is stored: kafka (a compacted topic, readable from any host) or file "
                    + "(offsets.file, this host only).");
    public static final ConfigKey OFFSETS_TOPIC = optional("offsets.topic", ConfigType.STRING, null,
            "Compacted topic holding the source position when offsets.storage=kafka. Default: "
                    + "<pipeline.name>.offsets.");
    public static final ConfigKey OFFSETS_FILE = optional("offsets.file", ConfigType.STRING, null,
            "File holding the source position when offsets.storage=file. Default: ./<pipeline.name>.offsets.");
    public static final ConfigKey OFFSETS_FLUSH_INTERVAL = optional("offsets.flush.interval", ConfigType.DURATION,
            "1s", "How often the position of acknowledged events is committed. The slot's confirmed_flush_lsn "
                    + "advances only after a commit, so this bounds how far the slot trails Kafka.");
    public static final ConfigKey SNAPSHOT_MODE = oneOf("snapshot.mode", "initial",
            List.of("initial", "no_data", "when_needed"),
            "initial: snapshot existing rows on first start, then stream; no_data: stream only; when_needed: "
                    + "snapshot again whenever the stored position is gone from the slot.");
    public static final ConfigKey HEARTBEAT_INTERVAL = optional("heartbeat.interval", ConfigType.DURATION, "10s",
            "How often the pipeline writes strangler.heartbeat so the slot keeps moving while captured tables are "
                    + "idle. 0 disables it (then WAL is retained until a captured table changes).");
    public static final ConfigKey DELIVERY_GUARANTEE = oneOf("delivery.guarantee", null,
            List.of("exactly_once", "at_least_once"),
            "exactly_once: each batch's events and the source position they reach are committed in one Kafka "
                    + "transaction, so a read_committed consumer sees every change once across crashes and restarts "
                    + "(needs offsets.storage=kafka); at_least_once: events are acknowledged first and the position "
                    + "committed after, so a crash may send some again. Default: exactly_once, or at_least_once with "
                    + "offsets.storage=file.");
    public static final ConfigKey STANDBY_TAKEOVER_AFTER = optional("standby.takeover.after", ConfigType.DURATION,
            "20s", "A second instance of the same pipeline waits as a standby; it takes over when the active one "
                    + "dies, or when the active one has not shown a sign of life on its lock session for this long "
                    + "(frozen, partitioned): then the standby ends the active one's sessions and fences it.");
    public static final ConfigKey RESTART_BACKOFF_MAX = optional("restart.backoff.max", ConfigType.DURATION, "30s",
            "Longest wait between restarts after a transient failure (connection lost, PostgreSQL restarting, Kafka "
                    + "down): the wait doubles from 1s up to this. The process stays up and logs what it waits for.");
    public static final ConfigKey OUTBOX_TABLES = optional("outbox.tables", ConfigType.LIST, "",
            "Transactional outbox tables (schema.table) to capture and route: each inserted row becomes an event on "
                    + "the topic of its aggregatetype (see outbox.topic), keyed by aggregateid, valued by payload. "
                    + "They get no table topic. Not also listed in source.tables.");
    public static final ConfigKey OUTBOX_TOPIC = optional("outbox.topic", ConfigType.STRING, null,
            "Topic name pattern of routed outbox events; {aggregatetype} is replaced by the row's aggregatetype. "
                    + "Default: <topic.prefix>.outbox.{aggregatetype}.");
    public static final ConfigKey SINK_ECHO = oneOf("sink.echo", "drop", List.of("drop", "mark", "off"),
            "Changes a strangler sink wrote into captured tables (recognised by the sink's marker row, "
                    + "strangler.sink_marker, which the publication then covers): drop them (no echo: the topics hold "
                    + "the legacy application's own changes only), mark them with the header "
                    + "strangler.origin=sink:<name> (the topics still mirror the tables), or off (no sink writes "
                    + "here: published as any change).");
    public static final ConfigKey TRANSACTIONS_METADATA = oneOf("transactions.metadata", "false",
            List.of("true", "false"),
            "true: every source transaction that changes a captured table is announced on the topic "
                    + "<topic.prefix>.transaction by a BEGIN and an END record (Debezium's transaction metadata), the "
                    + "END counting the transaction's events per table, and every change event carries a transaction "
                    + "block (id, total_order, data_collection_order); both are published in the same Kafka "
                    + "transaction as the events. Consumers can then tell when they hold a whole transaction, and "
                    + "strangler parity checks that every transaction visible at its cut has all its events. Costs "
                    + "two records per transaction (see README 'Transaction completeness').");

    public static final ConfigKey HTTP_ENABLED = oneOf("http.enabled", "true", List.of("true", "false"),
            "Serve /metrics (Prometheus text format), /health/live, /health/ready and /status over HTTP while the "
                    + "pipeline runs. false: no HTTP server, and no metrics are recorded.");
    public static final ConfigKey HTTP_PORT = optional("http.port", ConfigType.INT, "9393",
            "Port of the HTTP endpoint. A port in use stops strangler run before anything starts. 0 takes any free "
                    + "port (the log says which).");
    public static final ConfigKey HTTP_BIND = optional("http.bind", ConfigType.STRING, "0.0.0.0",
            "Address the HTTP endpoint listens on: 0.0.0.0 for every interface (Kubernetes probes, Prometheus in "
                    + "another container), 127.0.0.1 for this host only. It serves nothing secret and accepts only "
                    + "GET.");
    public static final ConfigKey HEALTH_READY_MAX_LAG = optional("health.ready.max.lag", ConfigType.DURATION,
            null, "/health/ready answers 200 only while the pipeline streams and its lag (the age of the newest "
                    + "source commit it has published, heartbeats included) is at most this. Must be more than "
                    + "heartbeat.interval, or an idle database would look behind. Default: 60s, or twice "
                    + "heartbeat.interval when that is longer.");
    public static final ConfigKey MONITOR_INTERVAL = optional("monitor.interval", ConfigType.DURATION, "10s",
            "How often the pipeline reads its slot (lag, retained WAL, wal_status, safe_wal_size), its heartbeat's "
                    + "age and the tables' row estimates from PostgreSQL, on a connection of its own, for /metrics "
                    + "and /status.");
    public static final ConfigKey SNAPSHOT_PROGRESS_INTERVAL = optional("snapshot.progress.interval",
            ConfigType.DURATION, "30s", "How often a running snapshot logs its progress per table: rows, "
                    + "percentage of the estimate (pg_class.reltuples), rate and time left. 0 disables the lines.");
    public static final ConfigKey LOG_FORMAT = oneOf("log.format", "text", List.of("text", "json"),
            "text: one readable line per event on stderr; json: one JSON object per line (Logstash encoder) with "
                    + "the fields pipeline, table, lsn and trace_id where a line is about them.");

    /** Prefix whose keys are handed to the Debezium connector and engine as they are, without the prefix. */
    public static final String DEBEZIUM_PREFIX = "debezium.";
    /** Prefix whose keys are handed to the Kafka producer as they are, without the prefix. */
    public static final String PRODUCER_PREFIX = "kafka.producer.";
    /** Prefix whose keys go to every Kafka client the pipeline opens (security settings, client.dns.lookup...). */
    public static final String CLIENT_PREFIX = "kafka.client.";

    public static final List<String> PASS_THROUGH_PREFIXES = List.of(DEBEZIUM_PREFIX, PRODUCER_PREFIX, CLIENT_PREFIX);

    public static final List<ConfigKey> ALL = List.of(PIPELINE_NAME, SOURCE_URL, SOURCE_USER, SOURCE_PASSWORD,
            SOURCE_PASSWORD_FILE, SOURCE_PRIMARY_URL, SOURCE_TABLES, SOURCE_SLOT, SOURCE_PUBLICATION, SOURCE_SLOT_FAILOVER, SOURCE_TOAST_RESELECT, KAFKA_BOOTSTRAP, TOPIC_PREFIX, TOPIC_PARTITIONS,
            TOPIC_REPLICATION_FACTOR, TOPIC_MIN_INSYNC_REPLICAS, TOPIC_CLEANUP_POLICY, KAFKA_MAX_RECORD_BYTES,
            OFFSETS_STORAGE, OFFSETS_TOPIC, OFFSETS_FILE, OFFSETS_FLUSH_INTERVAL, SNAPSHOT_MODE, HEARTBEAT_INTERVAL,
            DELIVERY_GUARANTEE, STANDBY_TAKEOVER_AFTER, RESTART_BACKOFF_MAX, OUTBOX_TABLES, OUTBOX_TOPIC, SINK_ECHO,
            TRANSACTIONS_METADATA, HTTP_ENABLED, HTTP_PORT, HTTP_BIND, HEALTH_READY_MAX_LAG, MONITOR_INTERVAL, SNAPSHOT_PROGRESS_INTERVAL,
            LOG_FORMAT);

    private static final Map<String, ConfigKey> BY_NAME =
            ALL.stream().collect(Collectors.toMap(ConfigKey::name, Function.identity()));

    private PipelineKeys() {
    }

    public static Optional<ConfigKey> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    public static boolean isPassThrough(String name) {
        return PASS_THROUGH_PREFIXES.stream().anyMatch(p -> name.startsWith(p) && name.length() > p.length());
    }

    /**
     * Whether a key holds a secret: a declared secret key, or a pass-through key that {@link #looksSecret looks
     * secret}. Only these may be read from {@code <key>.file}, and their files get the permission check.
     */
    public static boolean isSecret(String name) {
        return byName(name).map(ConfigKey::secret).orElse(isPassThrough(name) && looksSecret(name));
    }

    /** Pass-through keys whose values must never be printed (passwords, SASL JAAS configs, key-store secrets). */
    public static boolean looksSecret(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return lower.contains("password") || lower.contains("secret") || lower.contains("jaas")
                || lower.contains("token") || lower.endsWith(".key");
    }
}
