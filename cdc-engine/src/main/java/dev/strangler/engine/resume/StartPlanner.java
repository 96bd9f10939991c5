package dev.strangler.engine.resume;

import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.source.SourceConnections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the slot and the stored position, decides the {@link StartPlan} and stores the position a recovery needs, all
 * before the engine starts. A refused start writes nothing.
 */
public final class StartPlanner {

    private static final Logger LOG = LoggerFactory.getLogger(StartPlanner.class);

    private StartPlanner() {
    }

    /**
     * @param storeSettings the engine's offset store settings (see {@link OffsetStoreAccess#open})
     * @throws SourceNotReadyException when the start cannot resume without a gap
     */
    public static StartPlan plan(PipelineConfig config, Properties storeSettings, Clock clock) {
        OptionalLong slotPosition = slotPosition(config);
        try (OffsetStoreAccess offsets = OffsetStoreAccess.open(config, storeSettings)) {
            Optional<StoredOffset> stored = offsets.read();
            StartPlan plan = StartPlan.decide(config.pipelineName(), config.source().slot(), slotPosition, stored,
                    config.snapshotMode(), offsets.description());
            switch (plan.kind()) {
                case RECOVER_UNCOMMITTED -> offsets.write(StartPlan.uncommittedRecoveryOffset(
                        slotPosition.getAsLong(), config.snapshotMode(), clock.instant()));
                case START_OVER -> offsets.write(null);
                default -> { }
            }
            if (plan.kind() == StartPlan.Kind.FRESH || plan.kind() == StartPlan.Kind.RESUME) {
                LOG.info("{}", plan.explanation());
            } else {
                LOG.warn("{}", plan.explanation());
            }
            return plan;
        }
    }

    /**
     * What the next start would do, read only: the stored position, the slot's, and the plan or the refusal.
     *
     * @param where    where positions are stored ("offsets topic 'x'")
     * @param plan     the plan, empty when the start would be refused
     * @param refusal  the refusal's message, empty when the start would go ahead
     */
    public record Preview(Optional<StoredOffset> stored, OptionalLong slotPosition, String where,
                          Optional<StartPlan> plan, Optional<String> refusal) {
    }

    /** @param storeSettings the engine's offset store settings (see {@link OffsetStoreAccess#open}) */
    public static Preview preview(PipelineConfig config, Properties storeSettings) {
        OptionalLong slotPosition = slotPosition(config);
        try (OffsetStoreAccess offsets = OffsetStoreAccess.open(config, storeSettings)) {
            Optional<StoredOffset> stored = offsets.read();
            try {
                return new Preview(stored, slotPosition, offsets.description(), Optional.of(StartPlan.decide(
                        config.pipelineName(), config.source().slot(), slotPosition, stored, config.snapshotMode(),
                        offsets.description())), Optional.empty());
            } catch (SourceNotReadyException refused) {
                return new Preview(stored, slotPosition, offsets.description(), Optional.empty(),
                        Optional.of(refused.getMessage()));
            }
        }
    }

    private static OptionalLong slotPosition(PipelineConfig config) {
        PipelineConfig.Source source = config.source();
        try (Connection c = SourceConnections.open(source, "strangler-start-" + config.pipelineName());
             PreparedStatement ps = c.prepareStatement("SELECT pg_wal_lsn_diff(confirmed_flush_lsn, '0/0')::bigint "
                     + "FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, source.slot());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return OptionalLong.empty();
                }
                long lsn = rs.getLong(1);
                // a logical slot without a confirmed position is still being created by another session
                if (rs.wasNull()) {
                    throw new SourceNotReadyException("replication slot '" + source.slot() + "' has no confirmed "
                            + "position yet (it is being created right now?): start again in a moment");
                }
                return OptionalLong.of(lsn);
            }
        } catch (SQLException e) {
            throw new SourceNotReadyException("reading replication slot '" + source.slot() + "' on "
                    + source.endpoint() + " failed: " + SourceConnections.firstLine(e), e);
        }
    }
}
