package dev.strangler.engine.doctor;

import dev.strangler.contract.ServerCapabilities;
import dev.strangler.contract.TableId;
import dev.strangler.engine.config.PipelineConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Per streamed table, whether its rows fit the largest record Kafka takes ({@code kafka.max.record.bytes}): a change
 * over it stops the pipeline. It measures the text form of up to {@value #SAMPLE_ROWS} sampled rows (about what the
 * JSON event carries; twice that for an update under REPLICA IDENTITY FULL, which sends the old row too), so on a
 * large table it reads a small share of the pages, never the whole table.
 */
final class RowSizeProbe implements Probe {

    static final int SAMPLE_ROWS = 10_000;

    @Override
    public String name() {
        return "row sizes";
    }

    @Override
    public List<Check> run(Connection c, ServerCapabilities server, HostedService.Detected platform,
                           PipelineConfig config) throws SQLException {
        List<Check> checks = new ArrayList<>();
        long limit = config.kafka().maxRecordBytes();
        for (TableId table : config.streamedTables()) {
            Sample sample = sample(c, table);
            if (sample == null) {
                continue; // missing or unreadable: the table checks say so
            }
            long perEvent = sample.fullIdentity() ? 2 * sample.maxBytes() : sample.maxBytes();
            String name = "table " + table + ": row size";
            String seen = "largest of " + sample.rows() + " sampled row(s) " + Units.bytes(sample.maxBytes())
                    + (sample.fullIdentity() ? " (twice in an update: REPLICA IDENTITY FULL)" : "");
            if (perEvent > limit / 2) {
                long suggested = Math.max(limit * 2, Long.highestOneBit(perEvent * 2));
                checks.add(Check.warn(name, seen + ", near or over kafka.max.record.bytes (" + Units.bytes(limit)
                        + "): a change larger than that stops the pipeline until the limit is raised",
                        "set kafka.max.record.bytes=" + suggested + " (the brokers' topics must accept it too: "
                                + "max.message.bytes on existing topics)"));
            } else {
                checks.add(Check.pass(name, seen + ", within kafka.max.record.bytes (" + Units.bytes(limit) + ")"));
            }
        }
        return checks;
    }

    private record Sample(long rows, long maxBytes, boolean fullIdentity) {
    }

    private static Sample sample(Connection c, TableId table) throws SQLException {
        double estimatedRows;
        boolean full;
        try (PreparedStatement ps = c.prepareStatement("SELECT c.reltuples, c.relreplident = 'f', "
                + "has_table_privilege(c.oid, 'SELECT') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p') "
                + "AND has_schema_privilege(n.oid, 'USAGE')")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(3)) {
                    return null;
                }
                estimatedRows = rs.getDouble(1);
                full = rs.getBoolean(2);
            }
        }
        String from = table.quoted();
        if (estimatedRows > SAMPLE_ROWS) {
            double percent = Math.min(100, Math.max(0.0001, 100.0 * SAMPLE_ROWS / estimatedRows));
            from += String.format(Locale.ROOT, " TABLESAMPLE SYSTEM (%.4f)", percent);
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*), coalesce(max(octet_length(t::text)), 0) "
                + "FROM (SELECT * FROM " + from + " LIMIT " + SAMPLE_ROWS + ") t")) {
            ps.setQueryTimeout(30);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Sample(rs.getLong(1), rs.getLong(2), full);
            }
        }
    }
}
