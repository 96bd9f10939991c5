package dev.strangler.engine.admin;

import java.util.Optional;

/**
 * What the next start of a pipeline would do, read without starting it: its stored position, its slot's, and how the
 * start would resume or why it would be refused.
 *
 * @param where              where positions are stored ("offsets topic 'x'")
 * @param storedLsn          the stored position as PostgreSQL prints it, empty when none was ever committed
 * @param snapshotInProgress the stored position was committed during the initial snapshot
 * @param slotLsn            the slot's confirmed position, empty when the slot does not exist
 * @param nextStart          how the next start resumes (FRESH, RESUME, RECOVER_UNCOMMITTED, ...), or REFUSED
 * @param explanation        what that means, or why the start would be refused
 */
public record StartPreview(String where, Optional<String> storedLsn, boolean snapshotInProgress,
                           Optional<String> slotLsn, String nextStart, String explanation) {

    public static final String REFUSED = "REFUSED";

    public boolean refused() {
        return REFUSED.equals(nextStart);
    }
}
