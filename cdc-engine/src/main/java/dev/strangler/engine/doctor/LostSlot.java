package dev.strangler.engine.doctor;

import java.sql.SQLException;
import java.util.Locale;

/**
 * A slot PostgreSQL invalidated (wal_status = lost, after max_slot_wal_keep_size or a removed WAL segment): the
 * changes between the slot's position and now are gone from the WAL, so streaming can never resume without a gap.
 * The only sound recovery is a new slot and a fresh snapshot; this class words that, and recognises the error
 * PostgreSQL returns when something tries to read such a slot, so the pipeline can say it instead of a raw error
 * or, worse, a retry loop.
 */
public final class LostSlot {

    private LostSlot() {
    }

    /** The one message for a lost slot, at start (preflight, doctor) and while running. */
    public static String message(String slot) {
        return "replication slot '" + slot + "' was invalidated by PostgreSQL (wal_status = lost): WAL it still "
                + "needed was removed, so changes made while the pipeline lagged or was stopped are LOST and were "
                + "never published. Strangler does not restart silently past the gap. Recover with a new slot and a "
                + "fresh snapshot: " + fix(slot);
    }

    public static String fix(String slot) {
        return "SELECT pg_drop_replication_slot('" + slot + "'); then start with snapshot.mode=when_needed (the "
                + "snapshot re-reads every captured table; consumers see each current row again as op 'r'), and "
                + "raise max_slot_wal_keep_size or alert on slot lag (strangler slot status) so it does not recur";
    }

    /**
     * True when {@code error} (or a cause) is PostgreSQL refusing to stream from an invalidated slot: SQLState 55000
     * with "can no longer get changes from replication slot" (PostgreSQL 13+) or "has been invalidated" (16+).
     */
    public static boolean isLostSlotError(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            boolean invalidated = message.contains("can no longer get changes from replication slot")
                    || (message.contains("replication slot") && message.contains("has been invalidated"))
                    || message.contains("this slot has been invalidated");
            if (invalidated && (!(t instanceof SQLException sql) || sql.getSQLState() == null
                    || "55000".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }
}
