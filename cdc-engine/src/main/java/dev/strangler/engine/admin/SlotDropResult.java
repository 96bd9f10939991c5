package dev.strangler.engine.admin;

import dev.strangler.engine.doctor.SlotState;
import java.util.Optional;

/** What {@link SlotAdmin#drop} did, and why when it did not drop. */
public record SlotDropResult(Outcome outcome, String slot, Optional<SlotState> state) {

    public enum Outcome {
        /** Dropped: it no longer retains WAL. */
        DROPPED,
        /** There was no such slot: nothing to do. */
        ABSENT,
        /** A slot of that name belongs to another consumer (another database, plugin or a physical slot). */
        FOREIGN,
        /** A process reads the slot (SQLSTATE 55006 when it started between the look and the drop). */
        ACTIVE,
        /** The caller did not confirm. */
        NOT_CONFIRMED
    }

    /** True when the slot is gone afterwards (dropped, or never there). */
    public boolean gone() {
        return outcome == Outcome.DROPPED || outcome == Outcome.ABSENT;
    }
}
