package dev.strangler.engine.resume;

import dev.strangler.engine.SinkUnavailableException;
import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.kafka.KafkaClientSettings;
import dev.strangler.engine.kafka.KafkaPreflight;
import dev.strangler.engine.kafka.OpenTransactions;
import dev.strangler.engine.source.SourceConnections;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the slot and the stored position, decides the {@link StartPlan} and stores the position a recovery needs, all
 * before the engine starts. A refused start writes nothing.
 */
public final class StartPlanner {

    private static final Logger LOG = LoggerFactory.getLogger(StartPlanner.class);
    /** A running pipeline's transactions last milliseconds; a preview does not wait for a stuck one. */
    private static final Duration PREVIEW_SETTLE_TIMEOUT = Duration.ofSeconds(10);

    private StartPlanner() {
    }

    /**
     * @param storeSettings the engine's offset store settings (see {@link OffsetStoreAccess#open})
     * @throws SourceNotReadyException when the start cannot resume without a gap
     */
    public static StartPlan plan(PipelineConfig config, Properties storeSettings, Clock clock) {
        SourcePositions source = sourcePositions(config);
        OptionalLong slotPosition = source.slotConfirmed();
        awaitSettledPositions(config, KafkaClientSettings.transactionSettleTimeout(config.kafka()));
        try (OffsetStoreAccess offsets = OffsetStoreAccess.open(config, storeSettings)) {
            Optional<StoredOffset> stored = offsets.read();
            StartPlan plan = StartPlan.decide(config.pipelineName(), config.source().slot(), source, stored,
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
            return plan.kind() == StartPlan.Kind.RESUME ? plan.withStored(stored) : plan;
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

    /**
     * Read only: an offsets topic that does not exist is reported as no stored position, not created (opening
     * Kafka Connect's store would create it).
     *
     * @param storeSettings the engine's offset store settings (see {@link OffsetStoreAccess#open})
     */
    public static Preview preview(PipelineConfig config, Properties storeSettings) {
        SourcePositions source = sourcePositions(config);
        PipelineConfig.Offsets offsets = config.offsets();
        if (offsets.storage() == PipelineConfig.OffsetStorage.KAFKA
                && !topicExists(config.kafka(), config.pipelineName(), offsets.topic())) {
            return preview(config, source, Optional.empty(),
                    "offsets topic '" + offsets.topic() + "' (does not exist)");
        }
        awaitSettledPositions(config, PREVIEW_SETTLE_TIMEOUT);
        try (OffsetStoreAccess store = OffsetStoreAccess.open(config, storeSettings)) {
            return preview(config, source, store.read(), store.description());
        }
    }

    private static Preview preview(PipelineConfig config, SourcePositions source, Optional<StoredOffset> stored,
                                   String where) {
        OptionalLong slotPosition = source.slotConfirmed();
        try {
            return new Preview(stored, slotPosition, where, Optional.of(StartPlan.decide(config.pipelineName(),
                    config.source().slot(), source, stored, config.snapshotMode(), where)), Optional.empty());
        } catch (SourceNotReadyException refused) {
            return new Preview(stored, slotPosition, where, Optional.empty(), Optional.of(refused.getMessage()));
        }
    }

    /** Reading the offsets topic blocks while a transaction is open on it: bounded here, and named if it stays. */
    private static void awaitSettledPositions(PipelineConfig config, Duration timeout) {
        if (config.offsets().storage() == PipelineConfig.OffsetStorage.KAFKA) {
            OpenTransactions.awaitSettled(config.kafka(), config.pipelineName(), config.offsets().topic(), timeout);
        }
    }

    private static boolean topicExists(PipelineConfig.Kafka kafka, String pipeline, String topic) {
        KafkaPreflight.check(kafka, pipeline, Duration.ofSeconds(15));
        try (Admin admin = Admin.create(KafkaClientSettings.common(kafka, "strangler-position-" + pipeline))) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkUnavailableException("interrupted while listing Kafka's topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new SinkUnavailableException("listing Kafka's topics at " + kafka.bootstrapServers() + " failed: "
                    + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()), e);
        }
    }

    private static SourcePositions sourcePositions(PipelineConfig config) {
        PipelineConfig.Source source = config.source();
        try (Connection c = SourceConnections.open(source, "strangler-start-" + config.pipelineName())) {
            return new SourcePositions(slotPosition(c, source), walEnd(c));
        } catch (SQLException e) {
            throw new SourceNotReadyException("reading replication slot '" + source.slot() + "' on "
                    + source.endpoint() + " failed: " + SourceConnections.firstLine(e), e);
        }
    }

    private static OptionalLong walEnd(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT CASE WHEN pg_is_in_recovery() THEN NULL "
                + "ELSE pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint END");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            long end = rs.getLong(1);
            return rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(end);
        }
    }

    private static OptionalLong slotPosition(Connection c, PipelineConfig.Source source) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_wal_lsn_diff(confirmed_flush_lsn, '0/0')::bigint "
                + "FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, source.slot());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return OptionalLong.empty();
                }
                long lsn = rs.getLong(1);
                // no confirmed position: a physical slot of that name, or a logical one still being created
                if (rs.wasNull()) {
                    throw new SourceNotReadyException("replication slot '" + source.slot() + "' has no confirmed "
                            + "position: it is a physical slot, or a logical one being created right now; run "
                            + "strangler doctor to see whose it is, or set source.slot to another name");
                }
                return OptionalLong.of(lsn);
            }
        }
    }
}
