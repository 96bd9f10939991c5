package dev.strangler.cli.dba;

import dev.strangler.engine.admin.StartPreview;
import dev.strangler.engine.doctor.SlotState;
import dev.strangler.engine.doctor.Units;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Renders a {@link SlotState} for {@code strangler slot status}. */
final class SlotOutput {

    private SlotOutput() {
    }

    static String text(String slot, Optional<SlotState> state, String database) {
        if (state.isEmpty()) {
            return "slot '" + slot + "' does not exist: strangler run creates it at start (or it was dropped)\n";
        }
        SlotState s = state.get();
        StringBuilder b = new StringBuilder();
        b.append("slot ").append(s.name()).append(" (").append(s.slotType())
                .append(s.plugin() == null ? "" : ", " + s.plugin())
                .append(s.database() == null ? "" : ", database " + s.database()).append(")\n");
        if (!s.usableBy(database)) {
            b.append("  NOTE:            not a pgoutput slot of database '").append(database)
                    .append("': it belongs to another consumer\n");
        }
        row(b, "active", s.active() ? "yes (pid " + s.activePid()
                + (s.replicationUser() == null ? "" : ", role '" + s.replicationUser() + "'")
                + (s.applicationName() == null ? "" : ", application_name '" + s.applicationName() + "'")
                + (s.clientAddress() == null ? "" : ", from " + s.clientAddress()) + ")" : "no");
        row(b, "wal_status", s.walStatus() == null ? "(PostgreSQL before 13)" : s.walStatus()
                + (s.lost() ? " — events were LOST; see the error below" : ""));
        String lag = s.lagBytes() == null ? "unknown" : Units.bytes(s.lagBytes()) + " not yet confirmed";
        lag += s.timeLag().map(t -> ", " + (t.upperBound() ? "at most " : "") + Units.duration(t.lag()) + " behind (from "
                + t.source() + ")").orElse("");
        row(b, "lag", lag);
        row(b, "retained WAL", (s.retainedBytes() == null ? "unknown" : Units.bytes(s.retainedBytes()))
                + (s.safeWalSizeBytes() == null ? " (no max_slot_wal_keep_size cap)"
                : ", " + Units.bytes(s.safeWalSizeBytes()) + " more before PostgreSQL invalidates the slot"));
        row(b, "confirmed flush", s.confirmedFlushLsn() + " (restart_lsn " + s.restartLsn() + ")");
        if (s.failover() != null) {
            row(b, "failover", s.failover() ? "yes" : "no");
        }
        return b.toString();
    }

    /** The stored position and what the next start does with it ({@code --position}). */
    static String text(StartPreview p) {
        StringBuilder b = new StringBuilder("pipeline position\n");
        row(b, "stored", p.storedLsn().map(lsn -> "LSN " + lsn
                + (p.snapshotInProgress() ? ", committed during the snapshot" : "") + " in " + p.where())
                .orElse("none in " + p.where()));
        row(b, "next start", p.refused() ? "REFUSED: " + p.explanation() : p.explanation());
        return b.toString();
    }

    static String json(String slot, Optional<SlotState> state, Optional<StartPreview> preview) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slot", slot);
        m.put("exists", state.isPresent());
        state.ifPresent(s -> {
            m.put("slotType", s.slotType());
            m.put("plugin", s.plugin());
            m.put("database", s.database());
            m.put("active", s.active());
            m.put("activePid", s.activePid());
            m.put("applicationName", s.applicationName());
            m.put("replicationUser", s.replicationUser());
            m.put("clientAddress", s.clientAddress());
            m.put("walStatus", s.walStatus());
            m.put("lost", s.lost());
            m.put("lagBytes", s.lagBytes());
            s.timeLag().ifPresentOrElse(t -> {
                m.put("lagMillis", t.lag().toMillis());
                m.put("lagSource", t.source());
                m.put("lagIsUpperBound", t.upperBound());
            }, () -> m.put("lagMillis", null));
            m.put("retainedBytes", s.retainedBytes());
            m.put("safeWalSizeBytes", s.safeWalSizeBytes());
            m.put("confirmedFlushLsn", s.confirmedFlushLsn());
            m.put("restartLsn", s.restartLsn());
            m.put("failover", s.failover());
        });
        preview.ifPresent(p -> {
            Map<String, Object> position = new LinkedHashMap<>();
            position.put("where", p.where());
            position.put("storedLsn", p.storedLsn().orElse(null));
            position.put("slotLsn", p.slotLsn().orElse(null));
            position.put("snapshotInProgress", p.snapshotInProgress());
            position.put("nextStart", p.nextStart());
            position.put("explanation", p.explanation());
            m.put("position", position);
        });
        return DoctorOutput.write(m);
    }

    private static void row(StringBuilder b, String label, String value) {
        b.append(String.format("  %-16s %s%n", label + ":", value));
    }
}
