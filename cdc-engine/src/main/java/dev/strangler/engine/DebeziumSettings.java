package dev.strangler.engine;

import dev.strangler.contract.EventContract;
import dev.strangler.contract.OutboxContract;
import dev.strangler.contract.TableId;
import dev.strangler.engine.connector.StranglerPostgresConnector;
import dev.strangler.contract.TopicNames;
import dev.strangler.contract.TransactionMetadata;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.kafka.KafkaBatchPublisher;
import dev.strangler.engine.kafka.KafkaOffsetStore;
import dev.strangler.engine.resume.StartPlan;
import dev.strangler.engine.source.StranglerObjects;
import dev.strangler.engine.source.TableTopicNaming;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * The edge where the typed configuration becomes the string properties of the Debezium engine and its Postgres
 * connector. The value formats chosen here are the event contract (see README, "Event contract"): the parity
 * checker reads values back by them.
 */
final class DebeziumSettings {

    static final String HEARTBEAT_TOPIC_PREFIX = "__strangler-heartbeat";
    /** The slowest heartbeat of a start that catches up before snapshotting (also when heartbeats are off). */
    static final Duration CATCH_UP_HEARTBEAT = Duration.ofSeconds(10);
    /** Bytes of change events Debezium may hold between reading the WAL and handing a batch to the publisher. */
    static final long QUEUE_BYTES = 32L * 1024 * 1024;

    private DebeziumSettings() {
    }

    /**
     * @param readOnlySnapshots the server takes read-only incremental snapshots (PostgreSQL 13+): chunk windows
     *                          marked with pg_current_snapshot(), nothing written to the legacy database
     */
    static Properties build(PipelineConfig config, boolean publicationExists, StartPlan plan,
                            boolean readOnlySnapshots) {
        return build(config, publicationExists, plan, readOnlySnapshots, false);
    }

    /**
     * @param standbySource the source is a standby: Debezium's heartbeat records stay, but its heartbeat query (a
     *                      write) does not, the pipeline writes the heartbeat on the primary itself
     *                      ({@link dev.strangler.engine.source.PrimaryHeartbeat})
     */
    static Properties build(PipelineConfig config, boolean publicationExists, StartPlan plan,
                            boolean readOnlySnapshots, boolean standbySource) {
        PipelineConfig.Source source = config.source();
        Properties p = new Properties();
        // first, so that no Kafka client setting it carries can stand in for a setting Strangler manages below
        p.putAll(offsetStore(config));
        p.setProperty("name", config.pipelineName());
        p.setProperty("connector.class", StranglerPostgresConnector.class.getName());
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("database.hostname", source.endpoint().host().replaceAll("^\\[|]$", ""));
        p.setProperty("database.port", Integer.toString(source.endpoint().port()));
        p.setProperty("database.dbname", source.endpoint().database());
        p.setProperty("database.user", source.user());
        p.setProperty("database.password", source.password().reveal());
        // sslmode, sslrootcert...: decoded as the driver decodes them (the URL never holds user or password, the
        // configuration refuses them there)
        source.endpoint().parameters().forEach((k, v) -> {
            if (!v.isEmpty()) {
                p.setProperty("database." + k, v);
            }
        });
        p.setProperty("database.application.name", "strangler-" + config.pipelineName());

        p.setProperty("topic.prefix", config.kafka().topicPrefix());
        p.setProperty("topic.naming.strategy", TableTopicNaming.class.getName());
        List<TableId> included = config.publishedTables(StranglerObjects.HEARTBEAT_TABLE);
        p.setProperty("table.include.list",
                included.stream().map(DebeziumSettings::includePattern).collect(Collectors.joining(",")));
        p.setProperty("slot.name", source.slot());
        p.setProperty("slot.failover", Boolean.toString(source.failoverSlot()));
        p.setProperty("publication.name", source.publication());
        // An existing publication is the DBA's: Debezium's "filtered" mode would ALTER it to our table list.
        p.setProperty("publication.autocreate.mode", publicationExists ? "disabled" : "filtered");
        p.setProperty("snapshot.mode", config.snapshotMode().debeziumValue());

        if (!source.toastReselect().isEmpty()) {
            toastReselect(source.toastReselect(), p);
        }

        EventContract.debeziumSettings().forEach(p::setProperty);
        // Debezium's __debezium.context.* headers repeat the pipeline's name on every record; the intake headers
        // already say where a record came from.
        p.setProperty("extended.headers.enabled", "false");

        if (config.outbox().enabled()) {
            outboxRouting(config, p);
        }

        if (config.transactionMetadata()) {
            // BEGIN and END records on <topic.prefix>.transaction (the suffix set here, not left to Debezium's
            // default, since strangler parity reads the topic by that name) and a transaction block in every event
            p.setProperty("provide.transaction.metadata", "true");
            p.setProperty("topic.transaction", TransactionMetadata.TOPIC_SUFFIX);
        }

        heartbeat(config, plan).ifPresent(interval -> {
            p.setProperty("heartbeat.interval.ms", Long.toString(interval.toMillis()));
            if (!standbySource) {
                p.setProperty("heartbeat.action.query", "INSERT INTO strangler.heartbeat AS h (pipeline, beat_at) "
                        + "VALUES (" + sqlLiteral(config.pipelineName()) + ", now()) ON CONFLICT (pipeline) "
                        + "DO UPDATE SET beat_at = excluded.beat_at, beats = h.beats + 1");
            }
        });
        p.setProperty("topic.heartbeat.prefix", HEARTBEAT_TOPIC_PREFIX);

        signalsAndNotifications(config, readOnlySnapshots, p);

        p.setProperty("offset.flush.interval.ms", Long.toString(config.offsets().flushInterval().toMillis()));
        p.setProperty("offset.flush.timeout.ms", "60000");

        // Larger hand-offs than Debezium's defaults: fewer, fuller producer batches at the same memory bound. The
        // queue is bounded in bytes too, so a burst of large rows (several MB each) fits the pipeline's heap.
        p.setProperty("max.batch.size", "4096");
        // Debezium hands over a batch when it is full or when this much time has passed, and sleeps this long when
        // the WAL has nothing new: its default of 500 ms alone set a p50 latency of ~450 ms. Under load batches fill
        // long before, so throughput is unchanged.
        p.setProperty("poll.interval.ms", "10");
        // Debezium's lag quantiles (DDSketch) are fed per event through a queue and its own thread (6-13% of a core
        // in a drain, "queue is full" warnings once it falls behind); Strangler exports the last lag only
        // (MilliSecondsBehindSource, kept without statistics) and measures commit-to-ack itself.
        p.setProperty("statistics.metrics.enabled", "false");
        p.setProperty("max.queue.size", "16384");
        p.setProperty("max.queue.size.in.bytes", Long.toString(QUEUE_BYTES));
        // No retry inside Debezium: a retry there takes a new snapshot without streaming what happened since the
        // slot's position (changes lost). Every restart goes through Strangler's start decision instead (Pipeline).
        p.setProperty("errors.max.retries", "0");
        // a failed attempt's tasks stop within this even when Kafka is down (the task's last commit reads the
        // offsets topic), so the restart does not wait for Debezium's default of 40 s
        // A standby source's task start includes creating the slot there, which waits for running-transactions
        // records from the primary (two or more while the primary is busy: StandbySource asks for them through
        // source.primary.url, else the primary writes one every 15 s): a longer wait, paid also by a failed
        // attempt's stop while Kafka is down.
        p.setProperty("internal.task.management.timeout.ms", standbySource ? "90000" : "15000");

        config.debeziumOverrides().forEach(p::setProperty);
        plan.debeziumOverrides().forEach(p::setProperty);
        return p;
    }

    /**
     * Requests reach the running pipeline through its signal topic (Debezium's Kafka signal channel), never through
     * a signal table: nothing is written to the legacy database for them. Debezium reports incremental snapshots to
     * the notification topic (its sink channel hands them to the publisher like change events). Read-only incremental
     * snapshots need PostgreSQL 13; before that Debezium has no incremental snapshot without a signal table, and a
     * request is refused before it is sent (IncrementalSnapshots).
     */
    private static void signalsAndNotifications(PipelineConfig config, boolean readOnlySnapshots, Properties p) {
        String prefix = config.kafka().topicPrefix();
        p.setProperty("signal.enabled.channels", "kafka");
        p.setProperty("signal.kafka.topic", TopicNames.signals(prefix));
        p.setProperty("signal.kafka.bootstrap.servers", config.kafka().bootstrapServers());
        p.setProperty("signal.kafka.groupId", "strangler-" + config.pipelineName() + "-signals");
        // Debezium's default of 5 s between reads of the topic; a person waiting at `strangler snapshot` sees the
        // start sooner
        p.setProperty("signal.poll.interval.ms", "1000");
        config.kafka().clientOverrides().forEach((k, v) -> p.setProperty("signal.consumer." + k, v));
        p.setProperty("notification.enabled.channels", "sink");
        p.setProperty("notification.sink.topic.name", TopicNames.notifications(prefix));
        p.setProperty("read.only", Boolean.toString(readOnlySnapshots));
    }

    /**
     * Debezium's reselect post-processor, for unchanged TOASTed values only: a NULL is a value the row has (its
     * default would re-read every NULL column of every event).
     */
    private static void toastReselect(List<TableId> tables, Properties p) {
        String name = "toastreselect";
        String prefix = "post.processors." + name + ".";
        p.setProperty("post.processors", name);
        p.setProperty(prefix + "type", "io.debezium.processors.reselect.ReselectColumnsPostProcessor");
        p.setProperty(prefix + "reselect.columns.include.list",
                tables.stream().map(t -> includePattern(t) + ":.*").collect(Collectors.joining(",")));
        p.setProperty(prefix + "reselect.unavailable.values", "true");
        p.setProperty(prefix + "reselect.null.values", "false");
    }

    /** The Debezium include-list entry of a table: a regular expression that matches exactly it. */
    static String includePattern(TableId table) {
        return java.util.regex.Pattern.quote(table.schema()) + "\\." + java.util.regex.Pattern.quote(table.table());
    }

    /** The engine's offset store settings, also used to read and write the stored position before it starts. */
    static Properties offsetStore(PipelineConfig config) {
        Properties p = new Properties();
        p.setProperty("name", config.pipelineName());
        PipelineConfig.Offsets offsets = config.offsets();
        if (offsets.storage() == PipelineConfig.OffsetStorage.KAFKA) {
            p.setProperty("offset.storage", KafkaOffsetStore.class.getName());
            p.setProperty("offset.storage.topic", offsets.topic());
            p.setProperty("offset.storage.partitions", "1");
            p.setProperty("offset.storage.replication.factor",
                    Integer.toString(config.kafka().topicReplicationFactor().orElse(-1)));
            config.kafka().clientOverrides().forEach(p::setProperty);
            p.setProperty("bootstrap.servers", config.kafka().bootstrapServers());
            // a position of an aborted or still open transaction is never resumed from
            p.setProperty("isolation.level", "read_committed");
            p.setProperty(KafkaOffsetStore.TRANSACTIONAL,
                    Boolean.toString(config.delivery() == PipelineConfig.DeliveryGuarantee.EXACTLY_ONCE));
            config.kafka().topicMinInsyncReplicas().ifPresent(n ->
                    p.setProperty(KafkaOffsetStore.MIN_INSYNC_REPLICAS, Integer.toString(n)));
        } else {
            p.setProperty("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
            p.setProperty("offset.storage.file.filename", offsets.file().toAbsolutePath().toString());
        }
        return p;
    }

    /**
     * Debezium's own outbox EventRouter, applied through a predicate to the outbox tables' records only, so table
     * topics in the same pipeline are untouched. Deletes of outbox rows (delete-after-insert) are dropped by the
     * router: only inserts are events.
     */
    private static void outboxRouting(PipelineConfig config, Properties p) {
        String prefix = config.kafka().topicPrefix();
        String topics = config.outbox().tables().stream()
                .map(t -> java.util.regex.Pattern.quote(TopicNames.table(prefix, t)))
                .collect(Collectors.joining("|"));
        p.setProperty("predicates", "strangler_outbox_table");
        p.setProperty("predicates.strangler_outbox_table.type",
                "org.apache.kafka.connect.transforms.predicates.TopicNameMatches");
        p.setProperty("predicates.strangler_outbox_table.pattern", topics);
        p.setProperty("transforms", "strangler_outbox");
        String t = "transforms.strangler_outbox.";
        p.setProperty(t + "type", "io.debezium.transforms.outbox.EventRouter");
        p.setProperty(t + "predicate", "strangler_outbox_table");
        p.setProperty(t + "table.field.event.id", OutboxContract.COLUMN_ID);
        p.setProperty(t + "table.field.event.key", OutboxContract.COLUMN_AGGREGATE_ID);
        p.setProperty(t + "table.field.event.payload", OutboxContract.COLUMN_PAYLOAD);
        p.setProperty(t + "route.by.field", OutboxContract.COLUMN_AGGREGATE_TYPE);
        p.setProperty(t + "route.topic.replacement", config.outbox().topicPattern()
                .replace(TopicNames.AGGREGATE_TYPE, "${routedByValue}"));
        // EventRouter names the event id header "id" itself (OutboxContract.HEADER_ID)
        p.setProperty(t + "table.fields.additional.placement", String.join(",",
                OutboxContract.COLUMN_TYPE + ":header:" + OutboxContract.HEADER_EVENT_TYPE,
                OutboxContract.COLUMN_OCCURRED_AT + ":header:" + OutboxContract.HEADER_OCCURRED_AT,
                OutboxContract.COLUMN_TRACEPARENT + ":header:" + OutboxContract.HEADER_TRACEPARENT,
                OutboxContract.COLUMN_HEADERS + ":header:" + KafkaBatchPublisher.OUTBOX_HEADERS));
        p.setProperty(t + "table.field.additional.missing", "ignore");
        // The payload goes out as the jsonb text, byte for byte (see KafkaBatchPublisher): Debezium's JSON expansion
        // infers a schema per payload and fails on valid documents (mixed-type arrays, huge integers).
        p.setProperty(t + "table.expand.json.payload", "false");
        p.setProperty(t + "table.op.invalid.behavior", "warn");
    }

    /**
     * How often the heartbeat is written, if at all. A catch-up before the snapshot ends at the first change after it
     * began, holding the snapshot's transaction open until then: a heartbeat at least this often makes sure one comes
     * soon.
     */
    static Optional<Duration> heartbeat(PipelineConfig config, StartPlan plan) {
        Optional<Duration> heartbeat = config.heartbeat();
        if (plan.catchesUpBeforeSnapshot()) {
            heartbeat = Optional.of(heartbeat.filter(h -> h.compareTo(CATCH_UP_HEARTBEAT) < 0)
                    .orElse(CATCH_UP_HEARTBEAT));
        }
        return heartbeat;
    }

    /** A string literal as SQL (the pipeline name is validated too; this keeps the query safe on its own). */
    static String sqlLiteral(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
