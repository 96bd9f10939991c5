package dev.strangler.engine.resume;

import java.util.OptionalLong;

/**
 * What the source server says about positions before a start: the slot's confirmed position and the end of the WAL
 * the server holds.
 *
 * @param slotConfirmed the slot's confirmed_flush_lsn, empty when the slot does not exist
 * @param walEnd        {@code pg_current_wal_lsn()} on a primary; empty on a standby, whose replay position can
 *                      still be catching up with WAL it already holds right after a restart, so it proves nothing
 */
public record SourcePositions(OptionalLong slotConfirmed, OptionalLong walEnd) {
}
