package dev.strangler.parity.report.view;

import java.time.Instant;

/**
 * One run in the history: an earlier one, or this one ({@code current}).
 *
 * @param startedAt null when unknown
 */
public record RunRow(String runId, Instant startedAt, VerdictView verdict, int tableCount, long rowCount,
                     long findingCount, boolean current) {

    /** The run id cut for a table column. */
    public Clipped clippedRunId() {
        return Clipped.of(runId, 40);
    }

    public Shown shownRunId() {
        return Shown.of(runId);
    }

    public String started() {
        return Text.time(startedAt);
    }

    /** Short start time for chart axes. */
    public String shortStarted() {
        return Text.shortTime(startedAt);
    }

    public String tables() {
        return Text.num(tableCount);
    }

    public String rows() {
        return Text.num(rowCount);
    }

    public String findings() {
        return Text.num(findingCount);
    }
}
