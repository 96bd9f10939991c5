package dev.strangler.contract;

/** How topics are named: by the engine when it publishes, by the parity checker and the sink when they read. */
public final class TopicNames {

    /** Stands for an outbox row's aggregate type in an outbox topic pattern. */
    public static final String AGGREGATE_TYPE = "{aggregatetype}";

    private TopicNames() {
    }

    /** A table's change events: {@code <prefix>.<schema>.<table>}. */
    public static String table(String prefix, TableId table) {
        return prefix + "." + table.schema() + "." + table.table();
    }

    /** The default outbox topic pattern: {@code <prefix>.outbox.{aggregatetype}}. */
    public static String defaultOutboxPattern(String prefix) {
        return prefix + ".outbox." + AGGREGATE_TYPE;
    }

    /** An outbox topic: the pattern with the aggregate type in place. */
    public static String outbox(String pattern, String aggregateType) {
        return pattern.replace(AGGREGATE_TYPE, aggregateType);
    }

    /**
     * The pipeline's signal topic, {@code <prefix>.strangler-signals}: requests to the running pipeline (an ad-hoc
     * incremental snapshot, its cancellation), read by Debezium's Kafka signal channel from partition 0 only. One dot
     * after the prefix and a hyphen, so no table topic ({@code <prefix>.<schema>.<table>}) can have its name.
     */
    public static String signals(String prefix) {
        return prefix + ".strangler-signals";
    }

    /**
     * The pipeline's notification topic, {@code <prefix>.strangler-notifications}: Debezium's notifications of
     * incremental snapshots (started, each chunk, table scanned, completed, aborted), published like the change events.
     */
    public static String notifications(String prefix) {
        return prefix + ".strangler-notifications";
    }

    /**
     * A pipeline's transaction boundaries (Debezium's BEGIN and END records): {@code <prefix>.transaction}. It is the
     * name Debezium itself gives this topic by default, so the parity checker finds it for streams written by Kafka
     * Connect or Debezium Server as well; the engine sets it explicitly ({@link TransactionMetadata#TOPIC_SUFFIX}).
     * It cannot collide with a table topic ({@code <prefix>.<schema>.<table>}) or an outbox topic of the same prefix.
     */
    public static String transactions(String prefix) {
        return prefix + "." + TransactionMetadata.TOPIC_SUFFIX;
    }

    /** The default topic of a pipeline's source positions: {@code <pipeline>.offsets}. */
    public static String defaultOffsets(String pipelineName) {
        return pipelineName + ".offsets";
    }
}
