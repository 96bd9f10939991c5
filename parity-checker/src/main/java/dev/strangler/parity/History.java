package dev.strangler.parity;

import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.model.Verdict;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Parity runs and their per-table results in strangler.parity_run / strangler.parity_table_result (migration V2),
 * for the trend chart and {@code strangler parity --history}.
 */
public final class History {

    private History() {
    }

    /** How long reading the history may wait for the server before it gives up. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The latest runs for the config's topic prefix, oldest first, read on a connection of its own with connect and
     * read timeouts (for {@code strangler parity --history}).
     *
     * @throws ParityException the database cannot be reached, or holds no parity history
     */
    public static List<ParityReport.HistoryPoint> read(ParityConfig config, int limit) {
        try (Connection c = Connections.open(config, "strangler-parity-history", READ_TIMEOUT)) {
            if (!available(c)) {
                throw new ParityException("no parity history in this database: strangler.parity_run does not exist "
                        + "(it is created by Strangler's migrations, applied by `strangler run`)");
            }
            return recent(c, config.topicPrefix(), limit);
        } catch (SQLException e) {
            throw new ParityException("cannot read the parity history from " + Connections.redacted(config.jdbcUrl())
                    + ": " + Connections.firstLine(e), e);
        }
    }

    /** Whether the history tables exist as this version writes them (migrations up to V4: results by direction). */
    public static boolean available(Connection c) throws SQLException {
        try (var st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT to_regclass('strangler.parity_run') IS NOT NULL "
                        + "AND to_regclass('strangler.parity_table_result') IS NOT NULL "
                        + "AND EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = "
                        + "to_regclass('strangler.parity_table_result') AND attname = 'direction' "
                        + "AND NOT attisdropped)")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** The latest runs for this topic prefix, oldest first. */
    public static List<ParityReport.HistoryPoint> recent(Connection c, String topicPrefix, int limit)
            throws SQLException {
        List<ParityReport.HistoryPoint> points = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT run_id, started_at, verdict, rows_in_tables, findings, "
                + "tables FROM (SELECT * FROM strangler.parity_run WHERE topic_prefix = ? ORDER BY started_at DESC "
                + "LIMIT ?) r ORDER BY started_at")) {
            ps.setString(1, topicPrefix);
            ps.setInt(2, limit);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    points.add(new ParityReport.HistoryPoint(rs.getString(1), rs.getTimestamp(2).toInstant(),
                            parse(rs.getString(3)), rs.getLong(4), rs.getLong(5), rs.getInt(6)));
                }
            }
        }
        return points;
    }

    public static void store(Connection c, ParityReport report) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (PreparedStatement run = c.prepareStatement("INSERT INTO strangler.parity_run (run_id, started_at, "
                + "finished_at, topic_prefix, slot_name, verdict, reason, cut_snapshot, cut_lsn, cut_at, tables, "
                + "rows_in_tables, findings) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::pg_lsn, ?, ?, ?, ?)");
             PreparedStatement table = c.prepareStatement("INSERT INTO strangler.parity_table_result (run_id, "
                     + "table_name, topic, verdict, reason, rows_in_table, live_keys_in_stream, missing_in_stream, "
                     + "extra_in_stream, content_differs, not_comparable, anomalies, duplicates, direction) VALUES (?, "
                     + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            UUID id = UUID.fromString(report.runId());
            run.setObject(1, id);
            run.setTimestamp(2, Timestamp.from(report.startedAt()));
            run.setTimestamp(3, Timestamp.from(report.finishedAt()));
            run.setString(4, report.topicPrefix());
            run.setString(5, report.slot());
            run.setString(6, report.verdict().label());
            run.setString(7, report.reason());
            run.setString(8, report.cut().snapshotText());
            run.setString(9, report.cut().walLsnText());
            run.setTimestamp(10, Timestamp.from(report.cut().takenAt()));
            run.setInt(11, report.tables().size());
            run.setLong(12, report.tables().stream().mapToLong(t -> Math.max(0, t.rowsInTable())).sum());
            run.setLong(13, report.tables().stream().mapToLong(TableResult::findings).sum());
            run.executeUpdate();
            for (TableResult t : report.tables()) {
                table.setObject(1, id);
                table.setString(2, t.table().toString());
                table.setString(3, t.topic());
                table.setString(4, t.verdict().label());
                table.setString(5, t.reason());
                table.setLong(6, t.rowsInTable());
                table.setLong(7, t.liveKeysInStream());
                table.setLong(8, t.count(FindingKind.MISSING_IN_STREAM));
                table.setLong(9, t.count(FindingKind.EXTRA_IN_STREAM));
                table.setLong(10, t.count(FindingKind.CONTENT_DIFFERS));
                table.setLong(11, t.count(FindingKind.NOT_COMPARABLE));
                table.setLong(12, t.count(FindingKind.STREAM_ANOMALY));
                table.setLong(13, t.duplicates());
                table.setString(14, t.direction().code());
                table.addBatch();
            }
            table.executeBatch();
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    static Verdict parse(String label) {
        return "NO-GO".equals(label) ? Verdict.NO_GO : Verdict.valueOf(label);
    }
}
