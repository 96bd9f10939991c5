package dev.strangler.parity.reverse;

import dev.strangler.contract.TableId;
import dev.strangler.parity.canonical.Canonicalizer;
import dev.strangler.parity.canonical.ColumnType;
import dev.strangler.parity.model.Finding;
import dev.strangler.parity.model.FindingKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Types;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Matches one sink table's expected rows ({@link ReverseFold}) against the table, in the cut's transaction, by key:
 * only the keys the sink's topics touched are read, and of each row only the columns the sink wrote, so rows and
 * columns the legacy application owns are never compared.
 *
 * <p>The expected values are made by PostgreSQL itself from the text the sink binds, with the expression the sink's
 * statement amounts to ({@code CAST(? AS numeric(10,2))}), and both sides are canonicalised from JDBC the same way:
 * a value is expected exactly as the column's input function reads it when the sink writes it. Keys are sent in
 * batches as a VALUES list joined to the table on its key columns, which the sink's unique index serves.
 */
final class ReverseComparison {

    /** PostgreSQL takes at most 65,535 parameters per statement; stay well below. */
    private static final int MAX_PARAMETERS = 30_000;

    /** What the comparison of one table found. */
    record Outcome(Map<FindingKind, Long> counts, List<Finding> sample, long presentRows, long keptNewer,
                   String unreadable) {
    }

    private final Connection c;
    private final TableId table;
    private final Map<String, ColumnType> types = new LinkedHashMap<>();
    private final Map<String, String> expressions;
    private final Canonicalizer canonicalizer;
    private final int sampleSize;
    private final Map<FindingKind, Long> counts = new EnumMap<>(FindingKind.class);
    private final Map<FindingKind, List<Finding>> samples = new EnumMap<>(FindingKind.class);
    private long presentRows;
    private long keptNewer;

    ReverseComparison(Connection c, TableId table, List<ColumnType> columns, Map<String, String> expressions,
                      Canonicalizer canonicalizer, int sampleSize) {
        this.c = c;
        this.table = table;
        columns.forEach(t -> types.put(t.name(), t));
        this.expressions = expressions;
        this.canonicalizer = canonicalizer;
        this.sampleSize = sampleSize;
    }

    Outcome compare(ReverseFold fold) throws SQLException {
        // rows that take the same statement: same liveness, same written columns, same version comparison
        Map<String, List<ReverseFold.Row>> groups = new LinkedHashMap<>();
        for (ReverseFold.Row row : fold.rows()) {
            if (row.orderDependent()) {
                continue;
            }
            groups.computeIfAbsent(row.live() + "|" + row.keepNewerVersion() + "|" + new TreeSet<>(
                    row.columns().keySet()), g -> new ArrayList<>()).add(row);
        }
        for (List<ReverseFold.Row> group : groups.values()) {
            ReverseFold.Row first = group.get(0);
            List<String> columns = new ArrayList<>(new TreeSet<>(first.columns().keySet()));
            int perRow = fold.keyColumns().size() + columns.size();
            int batch = Math.max(1, Math.min(1_000, MAX_PARAMETERS / Math.max(1, perRow)));
            for (int from = 0; from < group.size(); from += batch) {
                String problem = compareBatch(fold.keyColumns(), columns, first.live(), first.keepNewerVersion(),
                        group.subList(from, Math.min(group.size(), from + batch)));
                if (problem != null) {
                    return new Outcome(counts, List.of(), presentRows, keptNewer, problem);
                }
            }
        }
        List<Finding> sample = new ArrayList<>();
        samples.values().forEach(sample::addAll);
        return new Outcome(counts, sample, presentRows, keptNewer, null);
    }

    /** One statement over a batch of rows; a value PostgreSQL cannot read for its column is returned as a problem. */
    private String compareBatch(List<String> keys, List<String> columns, boolean live, String version,
                                List<ReverseFold.Row> rows) throws SQLException {
        String versionColumn = version != null && columns.contains(version) ? version : null;
        StringBuilder sql = new StringBuilder("SELECT v.n, t.ctid IS NOT NULL");
        sql.append(versionColumn == null ? ", false" : ", t." + ident(versionColumn) + " > v.c"
                + columns.indexOf(versionColumn));
        for (int i = 0; i < columns.size(); i++) {
            ColumnType type = type(columns.get(i));
            sql.append(", ").append(Canonicalizer.selectExpression("v.c" + i, type))
                    .append(", ").append(Canonicalizer.selectExpression("t." + ident(columns.get(i)), type));
        }
        sql.append(" FROM (VALUES ");
        for (int r = 0; r < rows.size(); r++) {
            sql.append(r == 0 ? "(" : ", (").append(r);
            for (String k : keys) {
                sql.append(", ").append(expression(k));
            }
            for (String column : columns) {
                sql.append(", ").append(expression(column));
            }
            sql.append(')');
        }
        sql.append(") AS v(n");
        for (int i = 0; i < keys.size(); i++) {
            sql.append(", k").append(i);
        }
        for (int i = 0; i < columns.size(); i++) {
            sql.append(", c").append(i);
        }
        sql.append(") LEFT JOIN ").append(table.quoted()).append(" AS t ON ");
        for (int i = 0; i < keys.size(); i++) {
            sql.append(i == 0 ? "" : " AND ").append("t.").append(ident(keys.get(i))).append(" = v.k").append(i);
        }
        Savepoint savepoint = c.setSavepoint();
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int p = 1;
            for (ReverseFold.Row row : rows) {
                for (String k : keys) {
                    bind(ps, p++, row.key().get(k));
                }
                for (String column : columns) {
                    bind(ps, p++, row.columns().get(column));
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    judge(rows.get(rs.getInt(1)), rs, columns, live);
                }
            }
        } catch (SQLException e) {
            if (e.getSQLState() == null || !(e.getSQLState().startsWith("22") || e.getSQLState().startsWith("23"))) {
                throw e;
            }
            // a value the column's input function refuses: the sink refuses that event too (a bad event)
            c.rollback(savepoint);
            return "a value the sink's topics carry for " + table + " cannot be read as its column's type ("
                    + firstLine(e) + "); the sink refuses such an event (exit 65, or dead-letters it), so the "
                    + "expected rows are unknown: fix the event or the mapping";
        }
        c.releaseSavepoint(savepoint);
        return null;
    }

    private void judge(ReverseFold.Row row, ResultSet rs, List<String> columns, boolean live) throws SQLException {
        boolean present = rs.getBoolean(2);
        boolean newer = rs.getBoolean(3);
        String key = describe(row.key());
        if (present) {
            presentRows++;
        }
        if (present && newer) {
            keptNewer++; // the sink keeps a row whose version is newer than its event's: a conflict, not a finding
            return;
        }
        if (!live) {
            if (present) {
                record(new Finding(FindingKind.MISSING_IN_STREAM, key, null, "(row present)", "(deleted)", "the sink "
                        + "deleted this row (" + row.origin() + ") but the table still has it at the cut: written "
                        + "again behind the sink's back, or the delete did not reach the table"));
            }
            return;
        }
        if (!present) {
            record(new Finding(FindingKind.EXTRA_IN_STREAM, key, null, null, "(row applied)", "missing in the "
                    + "table: the sink applied this row (last " + row.origin() + ") but the table has no row with "
                    + "this key at the cut: deleted behind the sink's back"));
            return;
        }
        boolean differs = false;
        for (int i = 0; i < columns.size(); i++) {
            ColumnType type = type(columns.get(i));
            String expected = canonicalizer.fromJdbc(rs, 4 + 2 * i, type);
            String actual = canonicalizer.fromJdbc(rs, 5 + 2 * i, type);
            if (!expected.equals(actual)) {
                if (!differs) {
                    counts.merge(FindingKind.CONTENT_DIFFERS, 1L, Long::sum);
                    differs = true;
                }
                sample(new Finding(FindingKind.CONTENT_DIFFERS, key, columns.get(i), actual, expected, "the sink "
                        + "wrote " + expected + " (last " + row.origin() + "); the table holds " + actual
                        + ": changed behind the sink's back"));
            }
        }
    }

    private void record(Finding finding) {
        counts.merge(finding.kind(), 1L, Long::sum);
        sample(finding);
    }

    private void sample(Finding finding) {
        List<Finding> sample = samples.computeIfAbsent(finding.kind(), k -> new ArrayList<>());
        if (sample.size() < sampleSize) {
            sample.add(finding);
        }
    }

    private String expression(String column) {
        String e = expressions.get(column);
        if (e == null) {
            throw new IllegalStateException("no expression for column " + column + " of " + table);
        }
        return e;
    }

    private ColumnType type(String column) {
        ColumnType t = types.get(column);
        if (t == null) {
            throw new IllegalStateException("column " + column + " of " + table + " was checked when the sink's "
                    + "mappings were read");
        }
        return t;
    }

    private static void bind(PreparedStatement ps, int index, String text) throws SQLException {
        // untyped, as the sink binds it: PostgreSQL reads the text with the expression's type
        if (text == null) {
            ps.setNull(index, Types.OTHER);
        } else {
            ps.setObject(index, text, Types.OTHER);
        }
    }

    /** The key as a person reads it, the way the sink logs it: {@code {order_ref=o-7}}. */
    static String describe(Map<String, String> key) {
        StringBuilder b = new StringBuilder("{");
        key.forEach((column, value) -> b.append(b.length() > 1 ? ", " : "").append(column).append('=')
                .append(value));
        return b.append('}').toString();
    }

    private static String ident(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
