package dev.strangler.parity.compare;

import dev.strangler.parity.model.ColumnGap;
import dev.strangler.parity.model.ColumnGapCount;
import dev.strangler.parity.model.Finding;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts, per column, the compared rows whose event showed no comparable value, and decides at the end which rows
 * are not comparable and which columns never arrive at all.
 *
 * <p>A column absent from every compared row's event never arrives (a connector column filter, a type Debezium
 * does not send): that makes the table unverifiable, and it is not also counted row by row. Whether a column is such
 * a column is only known once every row was compared, so rows with absent columns are kept as counts per set of
 * absent columns (few distinct sets in practice) and settled in {@link #finish}, and their sample findings are kept
 * per column. Memory: one counter per column and per distinct set, {@code sampleSize} findings per column.
 */
final class ColumnGapTally {

    /** What the tally settled. */
    record Result(long notComparableRows, List<ColumnGapCount> columnGaps, List<String> columnsNeverInStream,
                  List<Finding> sample) {
    }

    private final List<String> names;
    private final int sampleSize;
    private final long[][] counts;
    private final List<List<Finding>> samples = new ArrayList<>();
    /** Rows with an unavailable column and no absent one: not comparable whatever the end shows. */
    private long unavailableOnlyRows;
    /** Rows with absent columns, by the set of them: [rows also with an unavailable column, rows without]. */
    private final Map<BitSet, long[]> rowsByAbsentColumns = new HashMap<>();
    private long comparedRows;

    ColumnGapTally(List<String> names, int sampleSize) {
        this.names = List.copyOf(names);
        this.sampleSize = sampleSize;
        this.counts = new long[ColumnGap.values().length][names.size()];
        for (int i = 0; i < names.size(); i++) {
            samples.add(new ArrayList<>());
        }
    }

    /** A row was compared (whether or not its values differ). */
    void rowCompared() {
        comparedRows++;
    }

    /**
     * {@code rows} rows were compared by their digests and matched: their events showed every column (a row whose
     * event does not is always compared value by value), so they count as compared rows without gaps.
     */
    void rowsCompared(long rows) {
        comparedRows += rows;
    }

    /** Column {@code column} of the row being compared had this gap. */
    void count(int column, ColumnGap gap) {
        counts[gap.ordinal()][column]++;
    }

    /**
     * The row being compared had no differing value but columns the stream does not show.
     *
     * @param absent      its absent columns, or null when none
     * @param unavailable whether it had an unavailable column
     * @param findings    one finding per such column, for the sample
     */
    void notComparable(BitSet absent, boolean unavailable, List<Finding> findings) {
        if (absent == null) {
            unavailableOnlyRows++;
        } else {
            rowsByAbsentColumns.computeIfAbsent(absent, k -> new long[2])[unavailable ? 0 : 1]++;
        }
        for (Finding f : findings) {
            List<Finding> sample = samples.get(names.indexOf(f.column()));
            if (sample.size() < sampleSize) {
                sample.add(f);
            }
        }
    }

    /**
     * Adds what {@code later} counted, as if its rows had been compared here after this tally's own (the partitions
     * of a table are compared apart and added in order).
     */
    void addAll(ColumnGapTally later) {
        comparedRows += later.comparedRows;
        unavailableOnlyRows += later.unavailableOnlyRows;
        for (int g = 0; g < counts.length; g++) {
            for (int i = 0; i < counts[g].length; i++) {
                counts[g][i] += later.counts[g][i];
            }
        }
        later.rowsByAbsentColumns.forEach((absent, rows) -> {
            long[] mine = rowsByAbsentColumns.computeIfAbsent(absent, k -> new long[2]);
            mine[0] += rows[0];
            mine[1] += rows[1];
        });
        for (int i = 0; i < samples.size(); i++) {
            List<Finding> sample = samples.get(i);
            for (Finding f : later.samples.get(i)) {
                if (sample.size() < sampleSize) {
                    sample.add(f);
                }
            }
        }
    }

    Result finish() {
        BitSet never = new BitSet();
        List<String> neverNames = new ArrayList<>();
        for (int i = 0; comparedRows > 0 && i < names.size(); i++) {
            if (counts[ColumnGap.ABSENT.ordinal()][i] == comparedRows) {
                never.set(i);
                neverNames.add(names.get(i));
            }
        }
        long notComparable = unavailableOnlyRows;
        for (var e : rowsByAbsentColumns.entrySet()) {
            BitSet others = (BitSet) e.getKey().clone();
            others.andNot(never);
            notComparable += e.getValue()[0] + (others.isEmpty() ? 0 : e.getValue()[1]);
        }
        List<ColumnGapCount> gaps = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            for (ColumnGap gap : ColumnGap.values()) {
                long n = counts[gap.ordinal()][i];
                if (n > 0 && !never.get(i)) {
                    gaps.add(new ColumnGapCount(names.get(i), gap, n));
                }
            }
        }
        return new Result(notComparable, gaps, neverNames, sample(never));
    }

    /** Up to {@code sampleSize} findings, taken in turn from each column that does arrive. */
    private List<Finding> sample(BitSet never) {
        List<Finding> out = new ArrayList<>();
        for (int round = 0; out.size() < sampleSize; round++) {
            boolean any = false;
            for (int i = 0; i < names.size() && out.size() < sampleSize; i++) {
                List<Finding> column = samples.get(i);
                if (!never.get(i) && round < column.size()) {
                    out.add(column.get(round));
                    any = true;
                }
            }
            if (!any) {
                break;
            }
        }
        return out;
    }
}
