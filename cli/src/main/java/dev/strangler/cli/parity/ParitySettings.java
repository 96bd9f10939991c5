package dev.strangler.cli.parity;

import dev.strangler.engine.config.ConfigException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.contract.TableId;
import dev.strangler.parity.ParityConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Maps a pipeline's configuration onto what the parity checker needs. The checker does not read pipeline configs
 * itself, so it can check topics written by other Debezium deployments; this is the one place that knows both.
 */
public final class ParitySettings {

    private ParitySettings() {
    }

    /**
     * @param only tables to check (schema.table, each one of source.tables); empty for all captured tables
     */
    public static ParityConfig from(PipelineConfig pipeline, List<String> only, long tolerance,
                                    Map<String, Long> tolerances, Duration timeout, int sampleSize, Path workDir) {
        List<String> captured = pipeline.capturedTables().stream().map(TableId::toString).toList();
        List<String> tables = new ArrayList<>();
        for (String table : only.isEmpty() ? captured : only) {
            if (!captured.contains(table.trim())) {
                throw new ConfigException("--tables: " + table.trim() + " is not in source.tables " + captured
                        + "; the parity check compares captured tables with their topics");
            }
            tables.add(table.trim());
        }
        for (String table : tolerances.keySet()) {
            if (!captured.contains(table)) {
                throw new ConfigException("--tolerance-for: " + table + " is not in source.tables " + captured);
            }
        }
        Map<String, String> client = pipeline.kafka().clientOverrides();
        return new ParityConfig(pipeline.source().endpoint().jdbcUrl(), pipeline.source().user(),
                pipeline.source().password().reveal(), pipeline.source().slot(), pipeline.kafka().bootstrapServers(),
                client, pipeline.kafka().topicPrefix(), tables, tolerance, tolerances, timeout, sampleSize, workDir,
                pipeline.debeziumOverrides().getOrDefault("unavailable.value.placeholder",
                        ParityConfig.DEBEZIUM_UNAVAILABLE_VALUE));
    }
}
