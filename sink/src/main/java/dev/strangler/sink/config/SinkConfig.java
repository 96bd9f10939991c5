package dev.strangler.sink.config;

import dev.strangler.contract.TableId;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The whole sink configuration, typed and validated once by {@link SinkConfigLoader}. Everything after start-up reads
 * these fields; only the edges that hand settings to a Kafka client or the JDBC driver build string maps.
 *
 * @param batchSize        most records applied in one database transaction
 * @param markerRetention  how long the sink keeps its rows in strangler.sink_marker
 * @param ignoredPublications publications the echo check at start leaves alone
 */
public record SinkConfig(String name, Target target, Kafka kafka, Errors errors, int batchSize,
                         Duration markerRetention, Set<String> ignoredPublications, Duration restartBackoffMax,
                         List<Mapping> mappings) {

    public SinkConfig {
        ignoredPublications = Set.copyOf(ignoredPublications);
        mappings = List.copyOf(mappings);
    }

    /** The legacy database the sink writes. */
    public record Target(String jdbcUrl, String user, Secret password) {
        /** The URL without its query parameters, for messages. */
        public String where() {
            int q = jdbcUrl.indexOf('?');
            return q < 0 ? jdbcUrl : jdbcUrl.substring(0, q);
        }
    }

    /** Where events come from, and where refused ones go. */
    public record Kafka(String bootstrapServers, String group, String deadLetterTopic,
                        Map<String, String> clientOverrides) {
        public Kafka {
            clientOverrides = Map.copyOf(clientOverrides);
        }
    }

    /** What a bad event does; see {@link SinkKeys#SINK_ERRORS}. */
    public enum Errors { STOP, DEAD_LETTER }

    /** Every topic some mapping reads, in declaration order. */
    public List<String> topics() {
        Set<String> topics = new LinkedHashSet<>();
        mappings.forEach(m -> topics.add(m.topic()));
        return List.copyOf(topics);
    }

    /** Every table some mapping writes, in declaration order. */
    public List<TableId> tables() {
        Set<TableId> tables = new LinkedHashSet<>();
        mappings.forEach(m -> tables.add(m.table()));
        return List.copyOf(tables);
    }
}
