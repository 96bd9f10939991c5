package dev.strangler.engine.connector;

import io.debezium.config.Configuration;
import io.debezium.connector.postgresql.PostgresConnectorTask;
import io.debezium.connector.postgresql.PostgresOffsetContext;
import io.debezium.connector.postgresql.PostgresPartition;
import io.debezium.pipeline.ChangeEventSourceCoordinator;

/**
 * Debezium's PostgreSQL task with a cheap "last event" metric. Debezium 3.6.1 renders every captured row into the
 * JMX attribute {@code LastEvent} on the source thread, through a new Jackson {@code ObjectMapper} per event: about a
 * fifth of that thread's time, and that thread is the pipeline's serial stage (JFR, bench/README "Side by side").
 * {@code PostgresConnectorTask} creates the metadata provider that does it inline, with no setting to avoid it, so the
 * metrics are given {@link TableOnlySummary} right after they are built (see {@link LastEventSummaries}).
 */
public class StranglerPostgresTask extends PostgresConnectorTask {

    @Override
    public ChangeEventSourceCoordinator<PostgresPartition, PostgresOffsetContext> start(Configuration config) {
        ChangeEventSourceCoordinator<PostgresPartition, PostgresOffsetContext> coordinator = super.start(config);
        LastEventSummaries.summariseByTable(coordinator);
        return coordinator;
    }
}
