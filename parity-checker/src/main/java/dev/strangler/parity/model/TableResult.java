package dev.strangler.parity.model;

import dev.strangler.contract.TableId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The comparison of one table with its topic at the cut.
 *
 * @param reason                why the table is UNVERIFIABLE (null otherwise)
 * @param notComparableAccepted the run was told to accept not-comparable rows: they are reported but do not count
 *                              against the tolerance
 * @param visibleEventsByOp     events visible at the cut, by operation
 * @param eventsAfterCut        events of transactions not visible at the cut (written while the check ran), by op
 * @param findingCounts         every finding counted by kind (all of them, not just the sample)
 * @param anomalies             stream anomalies by kind
 * @param duplicates            events seen twice (same key, op and LSN): expected after a crash with at-least-once
 * @param columnGaps            columns whose value the stream did not show in some compared rows: why and in how many
 *                              (columns in {@code columnsNeverInStream} are not repeated here)
 * @param columnsNeverInStream  columns no compared row's event carried: the stream never shows them, so the table is
 *                              UNVERIFIABLE (unless a definite NO-GO outranks it)
 * @param sample                a bounded sample of findings with column-level detail
 * @param streamHistory         null when the topic was folded from its first record; else how it was folded (its
 *                              early records were deleted and it was rebuilt from a later complete snapshot; for
 *                              {@link Direction#TOPIC_TO_TABLE}: up to which stored positions, and what was left out)
 * @param direction             which side follows which: the topic the table (captured tables) or the table the
 *                              topics (a sink's target tables)
 * @param historyGaps           where the topic does not show every change (see History continuity); empty if none
 * @param historyGapsAccepted   the run was told to accept history gaps: reported, but the table is not NO-GO for them
 * @param incompleteTransactions a bounded sample of the transactions visible at the cut whose END counts other than
 *                              what the topic holds (see Transaction completeness); empty if none or not checked
 * @param incompleteTransactionCount all such transactions, the sample's and the others
 * @param compareMethod         how the rows were compared (a full scan, or in the database by key buckets); null for
 *                              a table that was not compared or a sink's table
 */
public record TableResult(TableId table, String topic, Verdict verdict, String reason, long tolerance,
                          boolean notComparableAccepted, long rowsInTable, long liveKeysInStream,
                          Map<Operation, Long> visibleEventsByOp, Map<Operation, Long> eventsAfterCut,
                          Map<FindingKind, Long> findingCounts, Map<AnomalyKind, Long> anomalies, long duplicates,
                          List<ColumnGapCount> columnGaps, List<String> columnsNeverInStream, List<Finding> sample,
                          String streamHistory, Direction direction, List<HistoryGap> historyGaps,
                          boolean historyGapsAccepted, List<IncompleteTransaction> incompleteTransactions,
                          long incompleteTransactionCount, CompareMethod compareMethod) {

    /** A result without its compare method (a table not compared, a sink's table). */
    public TableResult(TableId table, String topic, Verdict verdict, String reason, long tolerance,
                       boolean notComparableAccepted, long rowsInTable, long liveKeysInStream,
                       Map<Operation, Long> visibleEventsByOp, Map<Operation, Long> eventsAfterCut,
                       Map<FindingKind, Long> findingCounts, Map<AnomalyKind, Long> anomalies, long duplicates,
                       List<ColumnGapCount> columnGaps, List<String> columnsNeverInStream, List<Finding> sample,
                       String streamHistory, Direction direction, List<HistoryGap> historyGaps,
                       boolean historyGapsAccepted, List<IncompleteTransaction> incompleteTransactions,
                       long incompleteTransactionCount) {
        this(table, topic, verdict, reason, tolerance, notComparableAccepted, rowsInTable, liveKeysInStream,
                visibleEventsByOp, eventsAfterCut, findingCounts, anomalies, duplicates, columnGaps,
                columnsNeverInStream, sample, streamHistory, direction, historyGaps, historyGapsAccepted,
                incompleteTransactions, incompleteTransactionCount, null);
    }

    /** A result without incomplete transactions (none found, or transaction completeness not checked). */
    public TableResult(TableId table, String topic, Verdict verdict, String reason, long tolerance,
                       boolean notComparableAccepted, long rowsInTable, long liveKeysInStream,
                       Map<Operation, Long> visibleEventsByOp, Map<Operation, Long> eventsAfterCut,
                       Map<FindingKind, Long> findingCounts, Map<AnomalyKind, Long> anomalies, long duplicates,
                       List<ColumnGapCount> columnGaps, List<String> columnsNeverInStream, List<Finding> sample,
                       String streamHistory, Direction direction, List<HistoryGap> historyGaps,
                       boolean historyGapsAccepted) {
        this(table, topic, verdict, reason, tolerance, notComparableAccepted, rowsInTable, liveKeysInStream,
                visibleEventsByOp, eventsAfterCut, findingCounts, anomalies, duplicates, columnGaps,
                columnsNeverInStream, sample, streamHistory, direction, historyGaps, historyGapsAccepted, List.of(),
                0);
    }

    /** A captured table checked against its topic (the forward direction). */
    public TableResult(TableId table, String topic, Verdict verdict, String reason, long tolerance,
                       boolean notComparableAccepted, long rowsInTable, long liveKeysInStream,
                       Map<Operation, Long> visibleEventsByOp, Map<Operation, Long> eventsAfterCut,
                       Map<FindingKind, Long> findingCounts, Map<AnomalyKind, Long> anomalies, long duplicates,
                       List<ColumnGapCount> columnGaps, List<String> columnsNeverInStream, List<Finding> sample,
                       String streamHistory) {
        this(table, topic, verdict, reason, tolerance, notComparableAccepted, rowsInTable, liveKeysInStream,
                visibleEventsByOp, eventsAfterCut, findingCounts, anomalies, duplicates, columnGaps,
                columnsNeverInStream, sample, streamHistory, Direction.TABLE_TO_TOPIC);
    }

    /** A result in the given direction without history gaps (the comparison's own, before continuity is judged). */
    public TableResult(TableId table, String topic, Verdict verdict, String reason, long tolerance,
                       boolean notComparableAccepted, long rowsInTable, long liveKeysInStream,
                       Map<Operation, Long> visibleEventsByOp, Map<Operation, Long> eventsAfterCut,
                       Map<FindingKind, Long> findingCounts, Map<AnomalyKind, Long> anomalies, long duplicates,
                       List<ColumnGapCount> columnGaps, List<String> columnsNeverInStream, List<Finding> sample,
                       String streamHistory, Direction direction) {
        this(table, topic, verdict, reason, tolerance, notComparableAccepted, rowsInTable, liveKeysInStream,
                visibleEventsByOp, eventsAfterCut, findingCounts, anomalies, duplicates, columnGaps,
                columnsNeverInStream, sample, streamHistory, direction, List.of(), false);
    }

    public TableResult {
        java.util.Objects.requireNonNull(direction, "direction");
        historyGaps = List.copyOf(historyGaps);
        incompleteTransactions = List.copyOf(incompleteTransactions);
        visibleEventsByOp = Map.copyOf(visibleEventsByOp);
        eventsAfterCut = Map.copyOf(eventsAfterCut);
        findingCounts = Map.copyOf(findingCounts);
        anomalies = Map.copyOf(anomalies);
        columnGaps = List.copyOf(columnGaps);
        columnsNeverInStream = List.copyOf(columnsNeverInStream);
        sample = List.copyOf(sample);
    }

    /** The same result, with how the topic's history was folded. */
    public TableResult withStreamHistory(String history) {
        return new TableResult(table, topic, verdict, reason, tolerance, notComparableAccepted, rowsInTable,
                liveKeysInStream, visibleEventsByOp, eventsAfterCut, findingCounts, anomalies, duplicates, columnGaps,
                columnsNeverInStream, sample, history, direction, historyGaps, historyGapsAccepted,
                incompleteTransactions, incompleteTransactionCount, compareMethod);
    }

    /** The same result, saying how its rows were compared. */
    public TableResult withCompareMethod(CompareMethod method) {
        return new TableResult(table, topic, verdict, reason, tolerance, notComparableAccepted, rowsInTable,
                liveKeysInStream, visibleEventsByOp, eventsAfterCut, findingCounts, anomalies, duplicates, columnGaps,
                columnsNeverInStream, sample, streamHistory, direction, historyGaps, historyGapsAccepted,
                incompleteTransactions, incompleteTransactionCount, method);
    }

    /**
     * The same result with its history gaps: a compared table with a gap is NO-GO unless the run accepts them (a
     * definite gap outranks an UNVERIFIABLE column, as a definite finding does). The state comparison is unchanged.
     */
    public TableResult withHistoryGaps(List<HistoryGap> gaps, boolean accepted) {
        Verdict judged = compared() && !gaps.isEmpty() && !accepted ? Verdict.NO_GO : verdict;
        return new TableResult(table, topic, judged, reason, tolerance, notComparableAccepted, rowsInTable,
                liveKeysInStream, visibleEventsByOp, eventsAfterCut, findingCounts, anomalies, duplicates, columnGaps,
                columnsNeverInStream, sample, streamHistory, direction, gaps, accepted, incompleteTransactions,
                incompleteTransactionCount, compareMethod);
    }

    /**
     * The same result with the transactions visible at the cut that its topic does not hold in full (README,
     * "Transaction completeness"): a compared table with one is NO-GO, whatever its tolerance (a lost event is a
     * hole in the history even where a later change hides it from the state), as a history gap is.
     *
     * @param transactions a bounded sample, each with its id, commit and counts
     * @param count        all of them
     */
    public TableResult withIncompleteTransactions(List<IncompleteTransaction> transactions, long count) {
        Verdict judged = compared() && count > 0 ? Verdict.NO_GO : verdict;
        return new TableResult(table, topic, judged, reason, tolerance, notComparableAccepted, rowsInTable,
                liveKeysInStream, visibleEventsByOp, eventsAfterCut, findingCounts, anomalies, duplicates, columnGaps,
                columnsNeverInStream, sample, streamHistory, direction, historyGaps, historyGapsAccepted,
                transactions, count, compareMethod);
    }

    /** Findings that count against the tolerance: all of them, not-comparable rows only unless accepted. */
    public long findings() {
        return findingCounts.entrySet().stream()
                .filter(e -> !(notComparableAccepted && e.getKey() == FindingKind.NOT_COMPARABLE))
                .mapToLong(Map.Entry::getValue).sum();
    }

    public long count(FindingKind kind) {
        return findingCounts.getOrDefault(kind, 0L);
    }

    /** Whether the run could count this table's rows and events (it got as far as comparing). */
    public boolean compared() {
        return rowsInTable >= 0;
    }

    /**
     * The verdict for a table that was compared: NO-GO when its findings exceed the tolerance (a definite difference
     * outranks anything unverifiable), UNVERIFIABLE when a column never arrives, GO otherwise.
     */
    public static Verdict verdictOf(long findings, long tolerance, List<String> columnsNeverInStream) {
        if (findings > tolerance) {
            return Verdict.NO_GO;
        }
        return columnsNeverInStream.isEmpty() ? Verdict.GO : Verdict.UNVERIFIABLE;
    }

    /** Why columns that never arrive make a table UNVERIFIABLE, naming them. */
    public static String neverInStreamReason(List<String> columns) {
        return (columns.size() == 1 ? "column " + columns.get(0) + " never arrives"
                : "columns " + String.join(", ", columns) + " never arrive") + " in the stream (no event of a "
                + "compared row carries " + (columns.size() == 1 ? "it" : "them") + "): "
                + ColumnGap.NEVER_IN_STREAM_ADVICE;
    }

    /**
     * The verdict's reasoning in sentences a reader can check against the counts: what was counted against the
     * tolerance, not-comparable rows and whether they were accepted, columns that never arrive. Empty for a table
     * that matches outright or could not be compared.
     */
    public List<String> reasoning() {
        List<String> lines = new ArrayList<>();
        if (!compared()) {
            return lines;
        }
        long findings = findings();
        if (findings > 0) {
            List<String> parts = new ArrayList<>();
            for (FindingKind k : FindingKind.values()) {
                if (count(k) > 0 && !(notComparableAccepted && k == FindingKind.NOT_COMPARABLE)) {
                    parts.add(num(count(k)) + " " + k.label());
                }
            }
            lines.add(num(findings) + (findings == 1 ? " finding" : " findings") + " (" + String.join(", ", parts)
                    + ") against a tolerance of " + num(tolerance) + ": " + (findings > tolerance ? "more than it allows"
                    : "within it"));
        }
        long notComparable = count(FindingKind.NOT_COMPARABLE);
        if (notComparable > 0) {
            String gaps = columnGaps.stream().filter(g -> g.gap() != ColumnGap.UNREADABLE)
                    .map(g -> g.column() + " " + g.gap().label() + " in " + num(g.rows()) + (g.rows() == 1 ? " row"
                            : " rows")).collect(Collectors.joining(", "));
            lines.add(num(notComparable) + (notComparable == 1 ? " row is" : " rows are") + " not comparable (" + gaps
                    + "): " + (notComparableAccepted ? "accepted by --accept-not-comparable, not counted"
                    : "counted against the tolerance (--accept-not-comparable accepts them)"));
        }
        if (!columnsNeverInStream.isEmpty()) {
            lines.add(neverInStreamReason(columnsNeverInStream) + (verdict == Verdict.NO_GO
                    ? "; the findings above make the table NO-GO regardless" : ""));
        }
        if (!historyGaps.isEmpty()) {
            lines.add(num(historyGaps.size()) + (historyGaps.size() == 1 ? " history gap" : " history gaps")
                    + " (the topic does not show every change, see History continuity): "
                    + (historyGapsAccepted ? "accepted by --accept-history-gaps, not counted"
                    : "the table is NO-GO whatever the state shows (--accept-history-gaps accepts known gaps)"));
        }
        if (incompleteTransactionCount > 0) {
            lines.add(num(incompleteTransactionCount) + (incompleteTransactionCount == 1
                    ? " transaction visible at the cut is" : " transactions visible at the cut are") + " not in the "
                    + "topic as their END records count them (see Transaction completeness): the table is NO-GO "
                    + "whatever the state shows");
        }
        return lines;
    }

    private static String num(long n) {
        return String.format(java.util.Locale.US, "%,d", n);
    }

    /** A table the run could not check: the reason says why. */
    public static TableResult unverifiable(TableId table, String topic, long tolerance, String reason) {
        return unverifiable(table, topic, tolerance, reason, Direction.TABLE_TO_TOPIC);
    }

    /** A table the run could not check in the given direction: the reason says why. */
    public static TableResult unverifiable(TableId table, String topic, long tolerance, String reason,
                                           Direction direction) {
        return new TableResult(table, topic, Verdict.UNVERIFIABLE, reason, tolerance, false, -1, -1, Map.of(),
                Map.of(), Map.of(), Map.of(), 0, List.of(), List.of(), List.of(), null, direction, List.of(), false,
                List.of(), 0);
    }
}
