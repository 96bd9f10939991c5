package dev.strangler.sink;

import dev.strangler.sql.StranglerSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.OptionalLong;
import org.apache.kafka.common.TopicPartition;

/**
 * The sink's bookkeeping in the legacy database, always on the caller's connection and inside its transaction:
 * the group's positions ({@value #OFFSETS}) and the marker row that opens every sink transaction ({@value #MARKER}).
 *
 * <p>Every position write is a compare-and-set against the position this instance read or wrote last: an instance
 * that lost its partition to another one (a rebalance while it was paused, a zombie) finds the position moved, its
 * write matches no row, and its transaction is rolled back instead of applying the same events twice.
 */
final class PositionStore {

    static final String OFFSETS = StranglerSchema.SCHEMA + "." + StranglerSchema.SINK_OFFSETS_TABLE;
    static final String MARKER = StranglerSchema.SCHEMA + "." + StranglerSchema.SINK_MARKER_TABLE;

    private final String group;
    private final String sink;

    PositionStore(String group, String sink) {
        this.group = group;
        this.sink = sink;
    }

    /** The stored next offset of a partition, empty when the group never applied anything of it. */
    OptionalLong read(Connection c, TopicPartition tp) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT next_offset FROM " + OFFSETS
                + " WHERE sink_group = ? AND topic = ? AND \"partition\" = ?")) {
            ps.setString(1, group);
            ps.setString(2, tp.topic());
            ps.setInt(3, tp.partition());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? OptionalLong.of(rs.getLong(1)) : OptionalLong.empty();
            }
        }
    }

    /**
     * Moves a partition's position from {@code expected} (empty: no row yet) to {@code next}.
     *
     * @return false when the stored position is no longer {@code expected}: another instance moved it
     */
    boolean advance(Connection c, TopicPartition tp, OptionalLong expected, long next) throws SQLException {
        String sql = expected.isPresent()
                ? "UPDATE " + OFFSETS + " SET next_offset = ?, updated_at = now() WHERE sink_group = ? AND topic = ? "
                        + "AND \"partition\" = ? AND next_offset = ?"
                : "INSERT INTO " + OFFSETS + " (next_offset, sink_group, topic, \"partition\") VALUES (?, ?, ?, ?) "
                        + "ON CONFLICT DO NOTHING";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, next);
            ps.setString(2, group);
            ps.setString(3, tp.topic());
            ps.setInt(4, tp.partition());
            if (expected.isPresent()) {
                ps.setLong(5, expected.getAsLong());
            }
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * The marker: this transaction's id and the sink's name, as the transaction's first change, so the pipeline that
     * captures the tables recognises everything after it in the same transaction as the sink's (no echo).
     */
    void mark(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + MARKER + " (txid, sink) "
                + "VALUES (txid_current(), ?)")) {
            ps.setString(1, sink);
            ps.executeUpdate();
        }
    }

    /** Deletes this sink's markers older than {@code retention}; returns how many. */
    int trimMarkers(Connection c, Duration retention) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + MARKER + " WHERE sink = ? "
                + "AND marked_at < now() - make_interval(secs => ?)")) {
            ps.setString(1, sink);
            ps.setDouble(2, retention.toSeconds());
            return ps.executeUpdate();
        }
    }
}
