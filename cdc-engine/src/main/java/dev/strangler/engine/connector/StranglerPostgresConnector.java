package dev.strangler.engine.connector;

import io.debezium.connector.postgresql.PostgresConnector;
import org.apache.kafka.connect.connector.Task;

/**
 * Debezium's PostgreSQL connector, unchanged but for its task: {@link StranglerPostgresTask}. The embedded engine
 * builds the task from {@link #taskClass()}, so this is the one place where Strangler can reach the task's metrics.
 */
public class StranglerPostgresConnector extends PostgresConnector {

    @Override
    public Class<? extends Task> taskClass() {
        return StranglerPostgresTask.class;
    }
}
