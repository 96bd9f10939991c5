package dev.strangler.parity.model;

import java.time.Instant;
import java.util.List;

/**
 * Everything one parity run found; the reports render it and the history stores it.
 *
 * @param reason  why the run is UNVERIFIABLE as a whole (null otherwise)
 * @param history earlier runs, oldest first, for the trend chart (this run not included)
 * @param eventEncoding how events were read (the connector's decimal, time, binary and interval settings); null
 *                      when unknown
 * @param acceptNotComparable whether the run accepted not-comparable rows (reported, not counted against the
 *                            tolerance)
 * @param acceptHistoryGaps whether the run accepted history gaps (reported, no NO-GO of their own)
 * @param transactions what transaction completeness found, or why it was not checked; null when the run did not get
 *                     as far as reading topics (pipeline lagging, no captured table)
 * @param repairOf     for the check a repair runs, the report it repaired and what it published; null otherwise
 */
public record ParityReport(int schemaVersion, String runId, Instant startedAt, Instant finishedAt, String source,
                           String slot, String topicPrefix, Cut cut, Verdict verdict, String reason,
                           List<TableResult> tables, List<HistoryPoint> history, String eventEncoding,
                           boolean acceptNotComparable, boolean acceptHistoryGaps, TransactionCheck transactions,
                           RepairOf repairOf) {

    public static final int SCHEMA_VERSION = 2;

    public ParityReport {
        tables = List.copyOf(tables);
        history = List.copyOf(history);
    }

    /** A run that repaired nothing. */
    public ParityReport(int schemaVersion, String runId, Instant startedAt, Instant finishedAt, String source,
                        String slot, String topicPrefix, Cut cut, Verdict verdict, String reason,
                        List<TableResult> tables, List<HistoryPoint> history, String eventEncoding,
                        boolean acceptNotComparable, boolean acceptHistoryGaps, TransactionCheck transactions) {
        this(schemaVersion, runId, startedAt, finishedAt, source, slot, topicPrefix, cut, verdict, reason, tables,
                history, eventEncoding, acceptNotComparable, acceptHistoryGaps, transactions, null);
    }

    /** The same report, as the check of a repair. */
    public ParityReport withRepairOf(RepairOf repair) {
        return new ParityReport(schemaVersion, runId, startedAt, finishedAt, source, slot, topicPrefix, cut, verdict,
                reason, tables, history, eventEncoding, acceptNotComparable, acceptHistoryGaps, transactions, repair);
    }

    /** A run that did not say anything about transaction completeness. */
    public ParityReport(int schemaVersion, String runId, Instant startedAt, Instant finishedAt, String source,
                        String slot, String topicPrefix, Cut cut, Verdict verdict, String reason,
                        List<TableResult> tables, List<HistoryPoint> history, String eventEncoding,
                        boolean acceptNotComparable, boolean acceptHistoryGaps) {
        this(schemaVersion, runId, startedAt, finishedAt, source, slot, topicPrefix, cut, verdict, reason, tables,
                history, eventEncoding, acceptNotComparable, acceptHistoryGaps, null);
    }

    /** A run that did not accept history gaps. */
    public ParityReport(int schemaVersion, String runId, Instant startedAt, Instant finishedAt, String source,
                        String slot, String topicPrefix, Cut cut, Verdict verdict, String reason,
                        List<TableResult> tables, List<HistoryPoint> history, String eventEncoding,
                        boolean acceptNotComparable) {
        this(schemaVersion, runId, startedAt, finishedAt, source, slot, topicPrefix, cut, verdict, reason, tables,
                history, eventEncoding, acceptNotComparable, false);
    }

    /** A run with these settings that did not accept not-comparable rows. */
    public ParityReport(int schemaVersion, String runId, Instant startedAt, Instant finishedAt, String source,
                        String slot, String topicPrefix, Cut cut, Verdict verdict, String reason,
                        List<TableResult> tables, List<HistoryPoint> history, String eventEncoding) {
        this(schemaVersion, runId, startedAt, finishedAt, source, slot, topicPrefix, cut, verdict, reason, tables,
                history, eventEncoding, false);
    }

    /** A report that does not say how events were read. */
    public ParityReport(int schemaVersion, String runId, Instant startedAt, Instant finishedAt, String source,
                        String slot, String topicPrefix, Cut cut, Verdict verdict, String reason,
                        List<TableResult> tables, List<HistoryPoint> history) {
        this(schemaVersion, runId, startedAt, finishedAt, source, slot, topicPrefix, cut, verdict, reason, tables,
                history, null, false);
    }

    /** One earlier run, summarised for the trend chart and {@code strangler parity --history}. */
    public record HistoryPoint(String runId, Instant startedAt, Verdict verdict, long rowsInTables, long findings,
                               int tables) {
    }
}
