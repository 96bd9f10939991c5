package dev.strangler.parity.model;

import java.util.List;

/**
 * The run a repair's check speaks for: which report was repaired and what the repair published.
 *
 * @param runId           the repaired run's id
 * @param report          the repaired report.json, as given to {@code strangler repair}
 * @param keysRepublished keys whose current rows were asked for again (by key)
 * @param keysRetracted   keys retracted with a delete and a tombstone (the topic held them, the table did not)
 * @param wholeTables     tables published again whole (too many keys to name)
 */
public record RepairOf(String runId, String report, long keysRepublished, long keysRetracted,
                       List<String> wholeTables) {

    public RepairOf {
        wholeTables = List.copyOf(wholeTables);
    }

    /** One sentence for the reports. */
    public String describe() {
        return "check after repairing run " + runId + " (" + report + "): " + keysRepublished + " key(s) published "
                + "again, " + keysRetracted + " retracted" + (wholeTables.isEmpty() ? ""
                : ", published again whole: " + String.join(", ", wholeTables));
    }
}
