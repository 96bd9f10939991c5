package dev.strangler.sink;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.sink.config.Mapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Writes one {@link Change} to its table on the sink's connection, inside the caller's transaction, and says what
 * happened. The statements:
 * <ul>
 *   <li>upsert: {@code INSERT ... ON CONFLICT (key) DO UPDATE SET <the event's columns>}, with keep-newer
 *       {@code WHERE t.version IS NULL OR t.version <= EXCLUDED.version}: a row whose version is newer is kept;</li>
 *   <li>update: {@code UPDATE ... WHERE key} (the row must exist), the same version condition;</li>
 *   <li>delete: {@code DELETE ... WHERE key}, with the version condition when the event carries the version.</li>
 * </ul>
 * Only the columns the event has are written; a column it lacks keeps its value (on insert: its default).
 */
final class TableWriter {

    /** What a change did. */
    enum Outcome {
        WRITTEN,
        /** keep-newer kept a row whose version was newer than the event's (a conflict, counted and logged) */
        KEPT_NEWER,
        /** a delete of a row that was not there (already deleted: nothing to do) */
        ABSENT,
        /** an update of a row that is not there: a bad event */
        MISSING
    }

    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    TableWriter(Connection connection) {
        this.connection = connection;
    }

    Outcome write(Change change) throws SQLException {
        return switch (change.action()) {
            case UPSERT -> upsert(change);
            case UPDATE -> update(change);
            case DELETE -> delete(change);
            case IGNORE -> Outcome.WRITTEN;
        };
    }

    private Outcome upsert(Change change) throws SQLException {
        MappingPlan plan = change.plan();
        List<String> keys = new ArrayList<>(change.key().keySet());
        List<String> values = new ArrayList<>(change.values().keySet());
        List<String> all = new ArrayList<>(keys);
        all.addAll(values);
        StringBuilder sql = new StringBuilder("INSERT INTO ").append(plan.mapping().table().quoted()).append(" AS t (")
                .append(all.stream().map(TableWriter::ident).collect(Collectors.joining(", "))).append(")");
        if (all.stream().anyMatch(c -> column(plan, c).identityAlways())) {
            sql.append(" OVERRIDING SYSTEM VALUE");
        }
        sql.append(" VALUES (").append(all.stream().map(c -> ColumnValues.placeholder(column(plan, c)))
                .collect(Collectors.joining(", "))).append(") ON CONFLICT (")
                .append(keys.stream().map(TableWriter::ident).collect(Collectors.joining(", "))).append(")");
        if (values.isEmpty()) {
            sql.append(" DO NOTHING");
        } else {
            sql.append(" DO UPDATE SET ").append(values.stream().map(c -> ident(c) + " = EXCLUDED." + ident(c))
                    .collect(Collectors.joining(", ")));
            version(plan).ifPresent(v -> sql.append(" WHERE t.").append(ident(v)).append(" IS NULL OR t.")
                    .append(ident(v)).append(" <= EXCLUDED.").append(ident(v)));
        }
        PreparedStatement ps = prepare(sql.toString());
        int i = 1;
        for (String c : all) {
            bind(ps, i++, plan, c, change.key().containsKey(c) ? change.key().get(c) : change.values().get(c));
        }
        int rows = ps.executeUpdate();
        return rows == 0 && !values.isEmpty() ? Outcome.KEPT_NEWER : Outcome.WRITTEN;
    }

    private Outcome update(Change change) throws SQLException {
        MappingPlan plan = change.plan();
        List<String> values = new ArrayList<>(change.values().keySet());
        if (values.isEmpty()) {
            return exists(change) ? Outcome.WRITTEN : Outcome.MISSING;
        }
        Optional<String> version = version(plan);
        StringBuilder sql = new StringBuilder("UPDATE ").append(plan.mapping().table().quoted()).append(" AS t SET ")
                .append(values.stream().map(c -> ident(c) + " = " + ColumnValues.placeholder(column(plan, c)))
                        .collect(Collectors.joining(", ")))
                .append(" WHERE ").append(keyCondition(change));
        version.ifPresent(v -> sql.append(" AND (t.").append(ident(v)).append(" IS NULL OR t.").append(ident(v))
                .append(" <= CAST(? AS ").append(column(plan, v).type()).append("))"));
        PreparedStatement ps = prepare(sql.toString());
        int i = 1;
        for (String c : values) {
            bind(ps, i++, plan, c, change.values().get(c));
        }
        i = bindKey(ps, i, change);
        if (version.isPresent()) {
            bind(ps, i, plan, version.get(), change.values().get(version.get()));
        }
        if (ps.executeUpdate() > 0) {
            return Outcome.WRITTEN;
        }
        return version.isPresent() && exists(change) ? Outcome.KEPT_NEWER : Outcome.MISSING;
    }

    private Outcome delete(Change change) throws SQLException {
        MappingPlan plan = change.plan();
        Optional<String> version = version(plan).filter(change.values()::containsKey);
        StringBuilder sql = new StringBuilder("DELETE FROM ").append(plan.mapping().table().quoted())
                .append(" AS t WHERE ").append(keyCondition(change));
        version.ifPresent(v -> sql.append(" AND (t.").append(ident(v)).append(" IS NULL OR t.").append(ident(v))
                .append(" <= CAST(? AS ").append(column(plan, v).type()).append("))"));
        PreparedStatement ps = prepare(sql.toString());
        int i = bindKey(ps, 1, change);
        if (version.isPresent()) {
            bind(ps, i, plan, version.get(), change.values().get(version.get()));
        }
        if (ps.executeUpdate() > 0) {
            return Outcome.WRITTEN;
        }
        return version.isPresent() && exists(change) ? Outcome.KEPT_NEWER : Outcome.ABSENT;
    }

    private boolean exists(Change change) throws SQLException {
        PreparedStatement ps = prepare("SELECT 1 FROM " + change.plan().mapping().table().quoted() + " AS t WHERE "
                + keyCondition(change));
        bindKey(ps, 1, change);
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next();
        }
    }

    private static String keyCondition(Change change) {
        return change.key().keySet().stream()
                .map(c -> "t." + ident(c) + " = " + ColumnValues.placeholder(column(change.plan(), c)))
                .collect(Collectors.joining(" AND "));
    }

    private static int bindKey(PreparedStatement ps, int first, Change change) throws SQLException {
        int i = first;
        for (Map.Entry<String, JsonNode> key : change.key().entrySet()) {
            bind(ps, i++, change.plan(), key.getKey(), key.getValue());
        }
        return i;
    }

    private static Optional<String> version(MappingPlan plan) {
        return plan.mapping().conflict() == Mapping.Conflict.KEEP_NEWER ? plan.mapping().versionColumn()
                : Optional.empty();
    }

    /**
     * Binds the value's text as an untyped parameter: PostgreSQL reads it with the column's own input function, as it
     * would a literal, so what does not fit the column is refused rather than cast or truncated.
     */
    private static void bind(PreparedStatement ps, int index, MappingPlan plan, String column, JsonNode value)
            throws SQLException {
        String text;
        try {
            text = ColumnValues.text(column(plan, column), value);
        } catch (IllegalArgumentException e) {
            throw new ValueException("column " + column + ": " + e.getMessage());
        }
        if (text == null) {
            ps.setNull(index, column(plan, column).kind() == TargetCatalog.Kind.BYTEA ? Types.VARCHAR : Types.OTHER);
        } else {
            ps.setObject(index, text, column(plan, column).kind() == TargetCatalog.Kind.BYTEA ? Types.VARCHAR
                    : Types.OTHER);
        }
    }

    /** A value that cannot be turned into column text; the applier treats it as a bad event. */
    static final class ValueException extends SQLException {
        ValueException(String message) {
            super(message, "22000");
        }
    }

    private static TargetCatalog.Column column(MappingPlan plan, String name) {
        return plan.table().column(name).orElseThrow(() -> new IllegalStateException("column " + name
                + " of " + plan.mapping().table() + " was checked at start"));
    }

    private PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /** A double-quoted identifier. */
    static String ident(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    void close() {
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // the connection is going away anyway
            }
        }
        statements.clear();
    }
}
