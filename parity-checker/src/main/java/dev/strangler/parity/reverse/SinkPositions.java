package dev.strangler.parity.reverse;

import dev.strangler.sql.StranglerSchema;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The sink's stored positions, read on the cut's connection: the sink writes them in the same transaction as the
 * rows they reach, so as of the cut's snapshot they say exactly which records the tables already hold.
 */
final class SinkPositions {

    static final String TABLE = StranglerSchema.SCHEMA + "." + StranglerSchema.SINK_OFFSETS_TABLE;

    private SinkPositions() {
    }

    /**
     * topic to (partition to next offset) of the group; empty when the sink's table does not exist (migrations not
     * applied, so no sink ever ran against this database).
     */
    static Optional<Map<String, Map<Integer, Long>>> read(Connection c, String group) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            exists.setString(1, TABLE);
            try (ResultSet rs = exists.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    return Optional.empty();
                }
            }
        }
        Map<String, Map<Integer, Long>> positions = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT topic, \"partition\", next_offset FROM " + TABLE
                + " WHERE sink_group = ?")) {
            ps.setString(1, group);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    positions.computeIfAbsent(rs.getString(1), t -> new HashMap<>()).put(rs.getInt(2), rs.getLong(3));
                }
            }
        }
        return Optional.of(positions);
    }
}
