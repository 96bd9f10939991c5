package dev.strangler.engine.admin;

import dev.strangler.contract.ServerCapabilities;
import dev.strangler.engine.Pipeline;
import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.doctor.SlotInspector;
import dev.strangler.engine.doctor.SlotState;
import dev.strangler.engine.source.PipelineLock;
import dev.strangler.engine.source.SourceConnections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Administration of a pipeline's replication slot for the command line: its state (and what the next start would do
 * with it), and dropping it safely. Results are objects the caller renders; the reasons are enums, never parsed from
 * PostgreSQL's messages.
 */
public final class SlotAdmin {

    /** object_in_use: the slot is active for another process. */
    private static final String OBJECT_IN_USE = "55006";

    private final PipelineConfig config;

    public SlotAdmin(PipelineConfig config) {
        this.config = config;
    }

    /** The slot, as {@code pg_replication_slots} and the activity views show it; empty when there is none. */
    public Optional<SlotState> state() {
        try (Connection c = open("status")) {
            return SlotInspector.find(c, ServerCapabilities.probe(c), config.source().slot(), config.pipelineName());
        } catch (SQLException e) {
            throw unreadable(e);
        }
    }

    /** The instance that holds the pipeline's lock, when one runs (a standby does not hold it). */
    public Optional<ActiveInstance> activeInstance() {
        try (PipelineLock lock = new PipelineLock(config.source(), config.pipelineName(),
                config.supervision().takeoverAfter(), Clock.systemUTC())) {
            return lock.holder().map(h -> new ActiveInstance(h.instance(), h.connectedAt(), h.silentFor()));
        }
    }

    /** What the next start would do; reads the slot and the stored position. */
    public StartPreview preview() {
        return Pipeline.previewStart(config);
    }

    /**
     * Drops the slot unless it is not the pipeline's, a process reads it, or {@code confirm} says no (it sees the
     * slot first, so a person can be shown what is about to go).
     */
    public SlotDropResult drop(Predicate<SlotState> confirm) {
        String slot = config.source().slot();
        try (Connection c = open("drop")) {
            Optional<SlotState> found = SlotInspector.find(c, ServerCapabilities.probe(c), slot, config.pipelineName());
            if (found.isEmpty()) {
                return new SlotDropResult(SlotDropResult.Outcome.ABSENT, slot, found);
            }
            SlotState s = found.get();
            if (!s.usableBy(config.source().endpoint().database())) {
                return new SlotDropResult(SlotDropResult.Outcome.FOREIGN, slot, found);
            }
            if (s.active()) {
                return new SlotDropResult(SlotDropResult.Outcome.ACTIVE, slot, found);
            }
            if (!confirm.test(s)) {
                return new SlotDropResult(SlotDropResult.Outcome.NOT_CONFIRMED, slot, found);
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                ps.setString(1, slot);
                ps.execute();
            } catch (SQLException e) {
                if (OBJECT_IN_USE.equals(e.getSQLState())) {
                    return new SlotDropResult(SlotDropResult.Outcome.ACTIVE, slot, found); // a start won the race
                }
                throw new SourceNotReadyException("dropping slot '" + slot + "' failed: "
                        + SourceConnections.firstLine(e), e);
            }
            return new SlotDropResult(SlotDropResult.Outcome.DROPPED, slot, found);
        } catch (SQLException e) {
            throw unreadable(e);
        }
    }

    private Connection open(String what) {
        return SourceConnections.open(config.source(), "strangler-slot-" + what + "-" + config.pipelineName());
    }

    private SourceNotReadyException unreadable(SQLException e) {
        return new SourceNotReadyException("reading pg_replication_slots on " + config.source().endpoint()
                + " failed: " + SourceConnections.firstLine(e), e);
    }
}
