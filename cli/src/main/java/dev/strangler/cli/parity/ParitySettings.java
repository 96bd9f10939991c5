package dev.strangler.cli.parity;

import dev.strangler.contract.EventEncoding;
import dev.strangler.contract.TableId;
import dev.strangler.engine.config.ConfigException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.parity.ParityConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
        return from(pipeline, only, tolerance, tolerances, timeout, sampleSize, workDir, List.of(), false);
    }

    /**
     * @param sinkTables the tables a sink writes, checked topic → table as well (--tolerance-for may name them)
     * @param sinkOnly   check the sink's tables only, none of the captured ones
     */
    public static ParityConfig from(PipelineConfig pipeline, List<String> only, long tolerance,
                                    Map<String, Long> tolerances, Duration timeout, int sampleSize, Path workDir,
                                    List<TableId> sinkTables, boolean sinkOnly) {
        // the engine's table ids, as the checker's own (one type when the shared contract module arrives)
        List<TableId> captured = pipeline.capturedTables().stream()
                .map(t -> new TableId(t.schema(), t.table())).toList();
        if (sinkOnly && !only.isEmpty()) {
            throw new ConfigException("--tables picks captured tables and --sink-only leaves them all out; use one");
        }
        List<TableId> tables = new ArrayList<>();
        for (String table : sinkOnly ? List.<String>of() : only.isEmpty()
                ? captured.stream().map(TableId::toString).toList() : only) {
            TableId id = captured(captured, "--tables", table);
            if (id == null) {
                throw new ConfigException("--tables: " + table.trim() + " is not in source.tables " + captured
                        + "; the parity check compares captured tables with their topics");
            }
            tables.add(id);
        }
        Map<TableId, Long> tolerancesById = new LinkedHashMap<>();
        List<TableId> checkable = new ArrayList<>(captured);
        sinkTables.stream().filter(t -> !checkable.contains(t)).forEach(checkable::add);
        tolerances.forEach((table, n) -> {
            TableId id = captured(checkable, "--tolerance-for", table);
            if (id == null) {
                throw new ConfigException("--tolerance-for: " + table.trim() + " is not in source.tables " + captured
                        + (sinkTables.isEmpty() ? "" : " nor a table of the sink " + sinkTables));
            }
            tolerancesById.put(id, n);
        });
        Map<String, String> client = pipeline.kafka().clientOverrides();
        return new ParityConfig(pipeline.source().endpoint().jdbcUrl(), pipeline.source().user(),
                pipeline.source().password().reveal(), pipeline.source().slot(), pipeline.kafka().bootstrapServers(),
                client, pipeline.kafka().topicPrefix(), tables, tolerance, tolerancesById, timeout, sampleSize,
                workDir, pipeline.debeziumOverrides().getOrDefault("unavailable.value.placeholder",
                        ParityConfig.DEBEZIUM_UNAVAILABLE_VALUE), EventEncoding.strangler(), false)
                .withPrimary(pipeline.source().primary().map(p -> p.jdbcUrl()).orElse(null));
    }

    /** The captured table {@code text} names, or null when it names none; bad text is a configuration error. */
    private static TableId captured(List<TableId> captured, String option, String text) {
        TableId id;
        try {
            id = TableId.parse(text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(option + ": " + e.getMessage());
        }
        return captured.contains(id) ? id : null;
    }
}
