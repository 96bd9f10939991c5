package dev.strangler.parity.spill;

import dev.strangler.contract.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;

/**
 * How many bytes a run's spill files will take at their peak, asked before the run writes any. Tables are checked
 * one after another and each table's files are deleted before the next one's are written, so the peak is the
 * largest table's spill, not the sum.
 */
@FunctionalInterface
public interface SpillEstimate {

    /**
     * Spill bytes per byte of {@code pg_table_size}: key, op, LSN, xid and the after-image JSON per visible event
     * (stream side) plus key and canonical texts per row (table side). It depends on the columns: values that are compact in
     * PostgreSQL and long as text (uuid, timestamps, dates, numbers) and short rows, whose column names the JSON
     * repeats, spill more. Measured: 2.4 on the benchmark's 10-million-row table (bigint, text, numeric, timestamptz,
     * jsonb; bench/README.md) and 3.06 to 3.17 on the demo's {@code shop.customers} with 6,000 to 30,000 rows
     * ({@code SpillEstimateIT}: uuid, text, boolean, date, text[], two timestamptz). 3.5 leaves room above both. It cannot see two things: a topic with
     * many updates per row spills one after-image per visible event, and TOASTed values are counted compressed.
     * These are bytes before the spill files' LZ4 blocks: on the benchmark's table the files take 4.7 (table side) to
     * 5.6 (stream side) times less; {@link #fromTableSizesAndSample()} scales by a sample's compression.
     */
    double TABLE_SIZE_RATIO = 3.5;

    /**
     * How much worse than its sample the spill may compress: the table side's texts compress about as the sampled
     * row texts do, the stream side's after-images better (they repeat the column names); the margin covers a
     * sample that missed the table's less compressible part.
     */
    double SAMPLE_MARGIN = 2.0;

    /** The need, with the numbers it came from (for the refusal's message). */
    record Need(long bytes, String basis) {
    }

    Need of(Connection c, List<TableId> tables) throws SQLException;

    /** No estimate, so no check ({@code --skip-space-check}): for a file system that reports its space wrongly. */
    SpillEstimate NONE = (c, tables) -> new Need(0, "not estimated");

    /**
     * The uncompressed bound of {@link #fromTableSizes()} times {@link #SAMPLE_MARGIN} times the LZ4 ratio of a
     * sample of the largest table's rows ({@link CompressionSample}), never more than the bound: a table of random
     * bytes still asks for all of it. A table too small to sample keeps the bound.
     */
    static SpillEstimate fromTableSizesAndSample() {
        return (c, tables) -> {
            Largest largest = Largest.of(c, tables);
            Need bound = largest.uncompressedNeed();
            if (largest.table() == null) {
                return bound;
            }
            Optional<CompressionSample.Ratio> ratio;
            try {
                ratio = CompressionSample.of(c, largest.table());
            } catch (SQLException e) { // a standby's recovery conflict, a statement timeout: the bound still holds
                return new Need(bound.bytes(), bound.basis() + "; the compression sample failed: " + e.getMessage());
            }
            if (ratio.isEmpty()) {
                return new Need(bound.bytes(), bound.basis() + "; too few rows to sample their compression");
            }
            double factor = Math.min(1.0, SAMPLE_MARGIN * ratio.get().storedPerRaw());
            return new Need((long) Math.ceil(bound.bytes() * factor), bound.basis() + " × " + SAMPLE_MARGIN + " × "
                    + ratio.get().describe() + (factor == 1.0 ? " (at most 1)" : ""));
        };
    }

    /** {@link #TABLE_SIZE_RATIO} times the largest {@code pg_table_size} (heap and TOAST, not indexes) of the tables. */
    static SpillEstimate fromTableSizes() {
        return (c, tables) -> Largest.of(c, tables).uncompressedNeed();
    }

    /** The largest of the tables by {@code pg_table_size}; {@code table} null when none has data. */
    record Largest(TableId table, long size) {

        static Largest of(Connection c, List<TableId> tables) throws SQLException {
            long largest = 0;
            TableId largestTable = null;
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_table_size(to_regclass(?))")) {
                for (TableId table : tables) {
                    ps.setString(1, table.quoted());
                    try (ResultSet rs = ps.executeQuery()) {
                        long size = rs.next() ? rs.getLong(1) : 0; // a missing table: 0, reported by the check
                        if (size > largest) {
                            largest = size;
                            largestTable = table;
                        }
                    }
                }
            }
            return new Largest(largestTable, largest);
        }

        Need uncompressedNeed() {
            return new Need((long) Math.ceil(size * TABLE_SIZE_RATIO), table == null ? "no table data"
                    : TABLE_SIZE_RATIO + " × " + size + " bytes, pg_table_size of " + table);
        }
    }
}
