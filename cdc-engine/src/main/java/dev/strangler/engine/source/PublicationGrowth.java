package dev.strangler.engine.source;

import dev.strangler.contract.SqlIdentifier;
import dev.strangler.contract.TableId;
import dev.strangler.engine.config.PipelineConfig;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Grows a publication that belongs to the pipeline's own role (the one it created on its first start) by the tables
 * added to {@code source.tables} since: {@code ALTER PUBLICATION ... ADD TABLE}, never a removal, so a table someone
 * else added stays. A publication of another owner is the DBA's and is left alone: the preflight then FAILs with the
 * statement to run.
 */
public final class PublicationGrowth {

    private PublicationGrowth() {
    }

    /** Returns the tables it added (none when the publication is not the role's, FOR ALL TABLES, or complete). */
    public static List<TableId> addMissing(Connection c, PipelineConfig config) throws SQLException {
        String pub = config.source().publication();
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_get_userbyid(pubowner) = current_user, puballtables "
                + "FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, pub);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1) || rs.getBoolean(2)) {
                    return List.of();
                }
            }
        }
        Set<String> published = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT schemaname || '.' || tablename FROM "
                + "pg_publication_tables WHERE pubname = ?")) {
            ps.setString(1, pub);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    published.add(rs.getString(1));
                }
            }
        }
        List<TableId> missing = config.streamedTables().stream().filter(t -> !published.contains(t.toString()))
                .toList();
        if (!missing.isEmpty()) {
            try (Statement st = c.createStatement()) {
                st.execute("ALTER PUBLICATION " + SqlIdentifier.quote(pub) + " ADD TABLE "
                        + missing.stream().map(TableId::quoted).collect(Collectors.joining(", ")));
            }
        }
        return missing;
    }
}
