package dev.strangler.engine.config;

import dev.strangler.contract.TableId;
import dev.strangler.contract.TopicNames;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The whole pipeline configuration, typed and validated once at start-up by {@link PipelineConfigLoader}. Everything
 * after start-up reads these fields; only the edges that hand settings to Debezium or a Kafka client build string maps.
 *
 * <p>{@code toString()} of this record and of its parts never shows a secret: the password is a {@link Secret}, and
 * pass-through settings that {@link PipelineKeys#looksSecret look secret} (SASL JAAS configs, key-store passwords)
 * are masked.
 *
 * @param transactionMetadata whether BEGIN/END records are published on {@link #transactionTopic()} and change
 *                 events carry Debezium's transaction block ({@code transactions.metadata})
 * @param warnings what the loader found questionable but not wrong (a secret file others can read), for a person:
 *                 the doctor reports each, a start logs each
 */
public record PipelineConfig(
        String pipelineName,
        Source source,
        Kafka kafka,
        Offsets offsets,
        SnapshotMode snapshotMode,
        Duration heartbeatInterval,
        DeliveryGuarantee delivery,
        Supervision supervision,
        Outbox outbox,
        SinkEcho sinkEcho,
        boolean transactionMetadata,
        Map<String, String> debeziumOverrides,
        Operations operations,
        List<ConfigWarning> warnings) {

    public PipelineConfig {
        debeziumOverrides = Map.copyOf(debeziumOverrides);
        warnings = List.copyOf(warnings);
    }

    /**
     * This configuration with other Debezium settings, bypassing the loader's guard: for tests that must put a
     * pipeline into a state no configuration may ask for.
     */
    public PipelineConfig withDebeziumOverrides(Map<String, String> overrides) {
        return new PipelineConfig(pipelineName, source, kafka, offsets, snapshotMode, heartbeatInterval, delivery,
                supervision, outbox, sinkEcho, transactionMetadata, overrides, operations, warnings);
    }

    @Override
    public String toString() {
        return "PipelineConfig[pipelineName=" + pipelineName + ", source=" + source + ", kafka=" + kafka + ", offsets="
                + offsets + ", snapshotMode=" + snapshotMode + ", heartbeatInterval=" + heartbeatInterval
                + ", delivery=" + delivery + ", supervision=" + supervision + ", outbox=" + outbox + ", sinkEcho="
                + sinkEcho + ", transactionMetadata=" + transactionMetadata + ", debeziumOverrides=" + masked(debeziumOverrides) + ", operations=" + operations
                + ", warnings=" + warnings + "]";
    }

    /** Settings as they may be shown: values of keys that look secret replaced by ********. */
    static Map<String, String> masked(Map<String, String> settings) {
        Map<String, String> shown = new java.util.TreeMap<>();
        settings.forEach((k, v) -> shown.put(k, PipelineKeys.looksSecret(k) ? new Secret(v).toString() : v));
        return shown;
    }

    /**
     * How the running pipeline is watched: its HTTP endpoint, readiness, the monitor's polling, progress lines and
     * the log format.
     *
     * @param httpPort               0 for any free port
     * @param readyMaxLag            the largest lag at which /health/ready still answers 200
     * @param monitorInterval        how often slot, heartbeat and row estimates are read from PostgreSQL
     * @param snapshotProgressInterval how often a running snapshot logs its progress; zero: never
     */
    public record Operations(boolean httpEnabled, String httpBind, int httpPort, Duration readyMaxLag,
                             Duration monitorInterval, Duration snapshotProgressInterval, LogFormat logFormat) {
        public static Operations defaults() {
            return new Operations(true, "0.0.0.0", 9393, Duration.ofSeconds(60), Duration.ofSeconds(10),
                    Duration.ofSeconds(30), LogFormat.TEXT);
        }

        public Operations withHttpPort(int port) {
            return new Operations(httpEnabled, httpBind, port, readyMaxLag, monitorInterval, snapshotProgressInterval,
                    logFormat);
        }
    }

    public enum LogFormat { TEXT, JSON }

    /**
     * The legacy database and what to capture from it.
     *
     * @param primary source.primary.url: the primary of a standby source, where the pipeline's writes go
     */
    public record Source(SourceEndpoint endpoint, String user, Secret password, List<TableId> tables, String slot,
                         String publication, boolean failoverSlot, List<TableId> toastReselect,
                         Optional<SourceEndpoint> primary) {
        public Source {
            tables = List.copyOf(tables);
            toastReselect = List.copyOf(toastReselect);
        }

        /** The same role, tables and names on the primary (source.primary.url); empty when that is not set. */
        public Optional<Source> onPrimary() {
            return primary.map(p -> new Source(p, user, password, tables, slot, publication, failoverSlot,
                    toastReselect, Optional.empty()));
        }
    }

    /**
     * Where events go. Replication factor and min.insync.replicas empty mean the broker's defaults.
     *
     * @param maxRecordBytes the largest record the producer sends and the topics it creates accept
     */
    public record Kafka(String bootstrapServers, String topicPrefix, int topicPartitions,
                        OptionalInt topicReplicationFactor, OptionalInt topicMinInsyncReplicas,
                        String topicCleanupPolicy, int maxRecordBytes,
                        Map<String, String> clientOverrides, Map<String, String> producerOverrides) {
        public Kafka {
            clientOverrides = Map.copyOf(clientOverrides);
            producerOverrides = Map.copyOf(producerOverrides);
        }

        @Override
        public String toString() {
            return "Kafka[bootstrapServers=" + bootstrapServers + ", topicPrefix=" + topicPrefix + ", topicPartitions="
                    + topicPartitions + ", topicReplicationFactor=" + topicReplicationFactor
                    + ", topicMinInsyncReplicas=" + topicMinInsyncReplicas + ", topicCleanupPolicy="
                    + topicCleanupPolicy + ", maxRecordBytes=" + maxRecordBytes + ", clientOverrides="
                    + masked(clientOverrides) + ", producerOverrides=" + masked(producerOverrides) + "]";
        }

        public String topicFor(TableId table) {
            return TopicNames.table(topicPrefix, table);
        }
    }

    /**
     * Outbox tables routed by aggregate type instead of published as table topics.
     *
     * @param topicPattern topic name with {@value TopicNames#AGGREGATE_TYPE} standing for the row's aggregatetype
     */
    public record Outbox(List<TableId> tables, String topicPattern) {
        public Outbox {
            tables = List.copyOf(tables);
        }

        public boolean enabled() {
            return !tables.isEmpty();
        }
    }

    public enum OffsetStorage { KAFKA, FILE }

    /**
     * What happens to the changes a strangler sink wrote into captured tables; see
     * {@link dev.strangler.engine.config.PipelineKeys#SINK_ECHO} and {@code dev.strangler.engine.kafka.EchoFilter}.
     */
    public enum SinkEcho { DROP, MARK, OFF }

    /** How events reach Kafka; see {@link dev.strangler.engine.config.PipelineKeys#DELIVERY_GUARANTEE}. */
    public enum DeliveryGuarantee { EXACTLY_ONCE, AT_LEAST_ONCE }

    /**
     * How the process rides out failures and shares the pipeline with a standby.
     *
     * @param takeoverAfter     how long an active instance may show no sign of life before a standby takes over
     * @param restartBackoffMax the longest wait between restarts after a transient failure
     */
    public record Supervision(Duration takeoverAfter, Duration restartBackoffMax) {
    }

    /** Where the source position lives; exactly one of topic and file is meaningful, by storage. */
    public record Offsets(OffsetStorage storage, String topic, Path file, Duration flushInterval) {
    }

    public enum SnapshotMode {
        INITIAL("initial"), NO_DATA("no_data"), WHEN_NEEDED("when_needed");

        private final String debeziumValue;

        SnapshotMode(String debeziumValue) {
            this.debeziumValue = debeziumValue;
        }

        public String debeziumValue() {
            return debeziumValue;
        }
    }

    /** The tables published as table topics, the heartbeat table not included. */
    public List<TableId> capturedTables() {
        return source.tables();
    }

    /**
     * The source's tables the pipeline streams, captured tables first, then outbox tables: what the role must read
     * (the snapshot reads each) and the publication must cover besides the pipeline's own strangler.heartbeat. Never
     * empty: the configuration requires source.tables or outbox.tables.
     */
    public List<TableId> streamedTables() {
        List<TableId> all = new java.util.ArrayList<>(source.tables());
        all.addAll(outbox.tables());
        return List.copyOf(all);
    }

    /**
     * Every table the publication must cover and the engine streams: {@link #streamedTables()}, strangler.heartbeat,
     * and strangler.sink_marker unless {@code sink.echo=off} (its rows tell the sink's writes apart; never published).
     */
    public List<TableId> publishedTables(TableId heartbeat) {
        List<TableId> all = new java.util.ArrayList<>(streamedTables());
        all.add(heartbeat);
        if (sinkEcho != SinkEcho.OFF) {
            all.add(new TableId(dev.strangler.sql.StranglerSchema.SCHEMA,
                    dev.strangler.sql.StranglerSchema.SINK_MARKER_TABLE));
        }
        return all;
    }

    /** The topic of the BEGIN and END records, {@code <topic.prefix>.transaction}; empty unless they are published. */
    public Optional<String> transactionTopic() {
        return transactionMetadata ? Optional.of(TopicNames.transactions(kafka.topicPrefix())) : Optional.empty();
    }

    public Optional<Duration> heartbeat() {
        return heartbeatInterval.isZero() ? Optional.empty() : Optional.of(heartbeatInterval);
    }
}
