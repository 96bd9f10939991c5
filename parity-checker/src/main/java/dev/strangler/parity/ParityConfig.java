package dev.strangler.parity;

import dev.strangler.contract.EventEncoding;
import dev.strangler.contract.TableId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a parity run compares and how. Built by the caller (the CLI maps a pipeline config onto it); the checker never
 * reads the pipeline's config itself, so it can check topics written by Kafka Connect or Debezium Server as well.
 *
 * @param slot               the replication slot whose confirmed_flush_lsn tells how far the pipeline has published
 * @param topicPrefix        topics are {@code <topicPrefix>.<schema>.<table>}
 * @param tables             the tables to check
 * @param defaultTolerance   findings a table may have and still pass (default 0)
 * @param tolerances         per-table tolerance overrides
 * @param waitTimeout        how long to wait for the pipeline to publish everything the cut can see
 * @param sampleSize         findings per table shown with column-level detail
 * @param workDirectory      where the checker spills its partitions, in a directory of each run's own (null: the
 *                           system temp directory); see {@link dev.strangler.parity.spill.SpillDirectory}
 * @param unavailableValuePlaceholder Debezium's unavailable.value.placeholder
 * @param eventEncoding      the connector's value encodings (Strangler's engine: {@link EventEncoding#strangler()})
 * @param acceptNotComparable rows the stream cannot show in full (absent columns, TOAST placeholders) are reported
 *                           but do not count against the tolerance; off by default, recorded in the report
 * @param acceptHistoryGaps  history gaps (README, "History continuity") are reported but do not make a table NO-GO;
 *                           off by default, recorded in the report
 * @param primaryJdbcUrl     when {@code jdbcUrl} is a standby (a read replica as the source): its primary, where the
 *                           run's history is stored (same user and password); null: the history is stored at
 *                           {@code jdbcUrl}, or not at all when that is a standby. The cut is always taken at
 *                           {@code jdbcUrl}, where the pipeline's slot is.
 * @param tableCompare       how each table's rows are compared: scanned, or in the database by key buckets
 *                           (README, "Parity", in-database mode)
 */
public record ParityConfig(String jdbcUrl, String user, String password, String slot, String bootstrapServers,
                           Map<String, String> kafkaClientProperties, String topicPrefix, List<TableId> tables,
                           long defaultTolerance, Map<TableId, Long> tolerances, Duration waitTimeout, int sampleSize,
                           Path workDirectory, String unavailableValuePlaceholder, EventEncoding eventEncoding,
                           boolean acceptNotComparable, boolean acceptHistoryGaps, String primaryJdbcUrl,
                           TableCompare tableCompare) {

    public static final String DEBEZIUM_UNAVAILABLE_VALUE = dev.strangler.contract.EventContract.UNAVAILABLE_VALUE;

    public ParityConfig {
        kafkaClientProperties = Map.copyOf(kafkaClientProperties);
        tables = List.copyOf(tables);
        tolerances = Map.copyOf(tolerances);
        java.util.Objects.requireNonNull(eventEncoding, "eventEncoding");
        java.util.Objects.requireNonNull(tableCompare, "tableCompare");
    }

    /** A check comparing tables as {@link TableCompare#DEFAULT} says. */
    public ParityConfig(String jdbcUrl, String user, String password, String slot, String bootstrapServers,
                        Map<String, String> kafkaClientProperties, String topicPrefix, List<TableId> tables,
                        long defaultTolerance, Map<TableId, Long> tolerances, Duration waitTimeout, int sampleSize,
                        Path workDirectory, String unavailableValuePlaceholder, EventEncoding eventEncoding,
                        boolean acceptNotComparable, boolean acceptHistoryGaps, String primaryJdbcUrl) {
        this(jdbcUrl, user, password, slot, bootstrapServers, kafkaClientProperties, topicPrefix, tables,
                defaultTolerance, tolerances, waitTimeout, sampleSize, workDirectory, unavailableValuePlaceholder,
                eventEncoding, acceptNotComparable, acceptHistoryGaps, primaryJdbcUrl, TableCompare.DEFAULT);
    }

    /** A check whose source is a primary (or a standby whose history is not stored). */
    public ParityConfig(String jdbcUrl, String user, String password, String slot, String bootstrapServers,
                        Map<String, String> kafkaClientProperties, String topicPrefix, List<TableId> tables,
                        long defaultTolerance, Map<TableId, Long> tolerances, Duration waitTimeout, int sampleSize,
                        Path workDirectory, String unavailableValuePlaceholder, EventEncoding eventEncoding,
                        boolean acceptNotComparable, boolean acceptHistoryGaps) {
        this(jdbcUrl, user, password, slot, bootstrapServers, kafkaClientProperties, topicPrefix, tables,
                defaultTolerance, tolerances, waitTimeout, sampleSize, workDirectory, unavailableValuePlaceholder,
                eventEncoding, acceptNotComparable, acceptHistoryGaps, null);
    }

    /** A check that does not accept history gaps. */
    public ParityConfig(String jdbcUrl, String user, String password, String slot, String bootstrapServers,
                        Map<String, String> kafkaClientProperties, String topicPrefix, List<TableId> tables,
                        long defaultTolerance, Map<TableId, Long> tolerances, Duration waitTimeout, int sampleSize,
                        Path workDirectory, String unavailableValuePlaceholder, EventEncoding eventEncoding,
                        boolean acceptNotComparable) {
        this(jdbcUrl, user, password, slot, bootstrapServers, kafkaClientProperties, topicPrefix, tables,
                defaultTolerance, tolerances, waitTimeout, sampleSize, workDirectory, unavailableValuePlaceholder,
                eventEncoding, acceptNotComparable, false);
    }

    /**
     * For topics written by Strangler's engine, tables given as {@code schema.table} text.
     *
     * @throws IllegalArgumentException a table name that is not {@code schema.table}
     */
    public ParityConfig(String jdbcUrl, String user, String password, String slot, String bootstrapServers,
                        Map<String, String> kafkaClientProperties, String topicPrefix, List<String> tables,
                        long defaultTolerance, Map<String, Long> tolerances, Duration waitTimeout, int sampleSize,
                        Path workDirectory, String unavailableValuePlaceholder) {
        this(jdbcUrl, user, password, slot, bootstrapServers, kafkaClientProperties, topicPrefix,
                tables.stream().map(TableId::parse).toList(), defaultTolerance, parseKeys(tolerances), waitTimeout,
                sampleSize, workDirectory, unavailableValuePlaceholder, EventEncoding.strangler(), false);
    }

    private static Map<TableId, Long> parseKeys(Map<String, Long> byName) {
        Map<TableId, Long> byId = new LinkedHashMap<>();
        byName.forEach((name, n) -> byId.put(TableId.parse(name), n));
        return byId;
    }

    /** The same check of topics written with other encodings (Kafka Connect, Debezium Server). */
    public ParityConfig withEventEncoding(EventEncoding encoding) {
        return new ParityConfig(jdbcUrl, user, password, slot, bootstrapServers, kafkaClientProperties, topicPrefix,
                tables, defaultTolerance, tolerances, waitTimeout, sampleSize, workDirectory,
                unavailableValuePlaceholder, encoding, acceptNotComparable, acceptHistoryGaps, primaryJdbcUrl,
                tableCompare);
    }

    /** The same check, accepting (or not) rows the stream cannot show in full. */
    public ParityConfig withAcceptNotComparable(boolean accept) {
        return new ParityConfig(jdbcUrl, user, password, slot, bootstrapServers, kafkaClientProperties, topicPrefix,
                tables, defaultTolerance, tolerances, waitTimeout, sampleSize, workDirectory,
                unavailableValuePlaceholder, eventEncoding, accept, acceptHistoryGaps, primaryJdbcUrl, tableCompare);
    }

    /** The same check, accepting (or not) gaps in the topics' history. */
    public ParityConfig withAcceptHistoryGaps(boolean accept) {
        return new ParityConfig(jdbcUrl, user, password, slot, bootstrapServers, kafkaClientProperties, topicPrefix,
                tables, defaultTolerance, tolerances, waitTimeout, sampleSize, workDirectory,
                unavailableValuePlaceholder, eventEncoding, acceptNotComparable, accept, primaryJdbcUrl, tableCompare);
    }

    /** The same check, storing its history on {@code url}, the primary of a standby source (null: no primary). */
    public ParityConfig withPrimary(String url) {
        return new ParityConfig(jdbcUrl, user, password, slot, bootstrapServers, kafkaClientProperties, topicPrefix,
                tables, defaultTolerance, tolerances, waitTimeout, sampleSize, workDirectory,
                unavailableValuePlaceholder, eventEncoding, acceptNotComparable, acceptHistoryGaps, url, tableCompare);
    }

    /** The same check, comparing tables as {@code compare} says. */
    public ParityConfig withTableCompare(TableCompare compare) {
        return new ParityConfig(jdbcUrl, user, password, slot, bootstrapServers, kafkaClientProperties, topicPrefix,
                tables, defaultTolerance, tolerances, waitTimeout, sampleSize, workDirectory,
                unavailableValuePlaceholder, eventEncoding, acceptNotComparable, acceptHistoryGaps, primaryJdbcUrl,
                compare);
    }

    public long toleranceFor(TableId table) {
        return tolerances.getOrDefault(table, defaultTolerance);
    }

    /** The table's topic, {@code <topicPrefix>.<schema>.<table>}. */
    public String topicFor(TableId table) {
        return topicPrefix + "." + table.schema() + "." + table.table();
    }

    /** The pipeline's notifications of incremental snapshots, {@code <topicPrefix>.strangler-notifications}. */
    public String notificationTopic() {
        return dev.strangler.contract.TopicNames.notifications(topicPrefix);
    }

    /** The pipeline's transaction topic, {@code <topicPrefix>.transaction} (README, "Transaction completeness"). */
    public String transactionTopic() {
        return dev.strangler.contract.TopicNames.transactions(topicPrefix);
    }

    @Override
    public String toString() {
        return "ParityConfig[" + Connections.redacted(jdbcUrl) + " as " + user + ", slot " + slot + ", kafka " + bootstrapServers
                + ", tables " + tables + ", " + eventEncoding + (acceptNotComparable ? ", accepting not-comparable rows"
                : "") + (acceptHistoryGaps ? ", accepting history gaps" : "") + (primaryJdbcUrl == null ? ""
                : ", history on the primary " + Connections.redacted(primaryJdbcUrl)) + ", tables compared "
                + tableCompare + "]";
    }
}
