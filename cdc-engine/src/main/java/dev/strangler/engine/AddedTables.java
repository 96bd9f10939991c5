package dev.strangler.engine;

import dev.strangler.contract.TableId;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.kafka.UnwrittenTopics;
import dev.strangler.engine.source.SourceConnections;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The captured tables a resuming pipeline has never published although they hold rows: tables added to
 * {@code source.tables} since the pipeline's snapshot (or whose topic was deleted). Streaming from the stored position
 * only brings their changes from now on; their existing rows need an incremental snapshot. A table whose topic has
 * ever been written to, or that is empty, needs none.
 */
final class AddedTables {

    private AddedTables() {
    }

    /**
     * @param createdTopics the table topics this start created (they cannot hold anything yet)
     */
    static List<TableId> find(PipelineConfig config, Collection<String> createdTopics) {
        List<TableId> tables = config.capturedTables();
        Set<String> unwritten = new HashSet<>(createdTopics);
        unwritten.addAll(UnwrittenTopics.of(config.kafka(), config.pipelineName(),
                tables.stream().map(config.kafka()::topicFor).toList()));
        List<TableId> candidates = tables.stream().filter(t -> unwritten.contains(config.kafka().topicFor(t)))
                .toList();
        if (candidates.isEmpty()) {
            return List.of();
        }
        List<TableId> withRows = new ArrayList<>();
        try (Connection c = SourceConnections.open(config.source(), "strangler-" + config.pipelineName());
             Statement st = c.createStatement()) {
            for (TableId table : candidates) {
                try (ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM " + table.quoted() + ")")) {
                    if (rs.next() && rs.getBoolean(1)) {
                        withRows.add(table);
                    }
                }
            }
        } catch (SQLException e) {
            throw new SourceNotReadyException("cannot read the captured tables on PostgreSQL at "
                    + config.source().endpoint() + ": " + SourceConnections.firstLine(e), e);
        }
        return withRows;
    }
}
