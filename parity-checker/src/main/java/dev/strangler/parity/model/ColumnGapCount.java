package dev.strangler.parity.model;

import java.util.Objects;

/**
 * A column of a table whose value the stream did not show for some rows, why, and in how many rows.
 *
 * @param rows rows compared whose event had this gap in this column
 */
public record ColumnGapCount(String column, ColumnGap gap, long rows) {

    public ColumnGapCount {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(gap, "gap");
    }
}
