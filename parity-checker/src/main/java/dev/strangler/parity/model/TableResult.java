package dev.strangler.parity.model;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The comparison of one table with its topic at the cut.
 *
 * @param reason           why the table is UNVERIFIABLE (null otherwise)
 * @param visibleEventsByOp events visible at the cut, by operation
 * @param eventsAfterCut   events of transactions not visible at the cut (written while the check ran), by op
 * @param findingCounts    every finding counted by kind (all of them, not just the sample)
 * @param anomalies        stream anomalies by kind
 * @param duplicates       events seen twice (same key, op and LSN): expected after a crash with at-least-once
 * @param notComparableColumns columns that carried the TOAST placeholder
 * @param sample           a bounded sample of findings with column-level detail
 * @param streamHistory    null when the topic was folded from its first record; else how it was folded (its early
 *                         records were deleted and it was rebuilt from a later complete snapshot)
 */
public record TableResult(TableId table, String topic, Verdict verdict, String reason, long tolerance,
                          long rowsInTable, long liveKeysInStream, Map<Operation, Long> visibleEventsByOp,
                          Map<Operation, Long> eventsAfterCut, Map<FindingKind, Long> findingCounts,
                          Map<AnomalyKind, Long> anomalies, long duplicates, Set<String> notComparableColumns,
                          List<Finding> sample, String streamHistory) {

    public TableResult {
        visibleEventsByOp = Map.copyOf(visibleEventsByOp);
        eventsAfterCut = Map.copyOf(eventsAfterCut);
        findingCounts = Map.copyOf(findingCounts);
        anomalies = Map.copyOf(anomalies);
        notComparableColumns = Set.copyOf(notComparableColumns);
        sample = List.copyOf(sample);
    }

    /** A table whose topic was folded from its first record. */
    public TableResult(TableId table, String topic, Verdict verdict, String reason, long tolerance, long rowsInTable,
                       long liveKeysInStream, Map<Operation, Long> visibleEventsByOp,
                       Map<Operation, Long> eventsAfterCut, Map<FindingKind, Long> findingCounts,
                       Map<AnomalyKind, Long> anomalies, long duplicates,
                       Set<String> notComparableColumns, List<Finding> sample) {
        this(table, topic, verdict, reason, tolerance, rowsInTable, liveKeysInStream, visibleEventsByOp,
                eventsAfterCut, findingCounts, anomalies, duplicates, notComparableColumns, sample, null);
    }

    /** The same result, with how the topic's history was folded. */
    public TableResult withStreamHistory(String history) {
        return new TableResult(table, topic, verdict, reason, tolerance, rowsInTable, liveKeysInStream,
                visibleEventsByOp, eventsAfterCut, findingCounts, anomalies, duplicates, notComparableColumns, sample,
                history);
    }

    /** Findings that count against the tolerance (not-comparable rows are reported but do not fail a table). */
    public long findings() {
        return findingCounts.entrySet().stream().filter(e -> e.getKey() != FindingKind.NOT_COMPARABLE)
                .mapToLong(Map.Entry::getValue).sum();
    }

    public long count(FindingKind kind) {
        return findingCounts.getOrDefault(kind, 0L);
    }

    /** A table the run could not check: the reason says why. */
    public static TableResult unverifiable(TableId table, String topic, long tolerance, String reason) {
        return new TableResult(table, topic, Verdict.UNVERIFIABLE, reason, tolerance, -1, -1, Map.of(), Map.of(),
                Map.of(), Map.of(), 0, Set.of(), List.of());
    }
}
