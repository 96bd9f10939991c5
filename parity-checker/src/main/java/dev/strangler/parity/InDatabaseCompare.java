package dev.strangler.parity;

import dev.strangler.contract.TableId;
import dev.strangler.parity.canonical.ColumnType;
import dev.strangler.parity.canonical.RowDigests;
import dev.strangler.parity.compare.BucketDigests;
import dev.strangler.parity.compare.KeyBuckets;
import dev.strangler.parity.compare.RowCodec;
import dev.strangler.parity.compare.TableComparison;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SortedSet;
import java.util.Set;

/**
 * The table side of the in-database comparison (README, "Parity", in-database mode): which tables qualify,
 * PostgreSQL's digest sums per key bucket, and the rows of the buckets whose sums differ from the stream's. Every
 * query runs on the cut's connection, so in the cut's snapshot, as the scan does.
 */
final class InDatabaseCompare {

    /** Which method a table is compared by, and why. */
    record Choice(boolean inDatabase, String reason) {
    }

    private InDatabaseCompare() {
    }

    /**
     * @param estimatedRows pg_class.reltuples (-1 when never analyzed or vacuumed)
     */
    static Choice choose(TableCompare compare, RowCodec codec, int serverMajor, long estimatedRows) {
        if (compare.mode() == TableCompare.Mode.SCAN) {
            return new Choice(false, "--table-compare scan");
        }
        Optional<String> unsupported = unsupportedReason(codec, serverMajor);
        if (unsupported.isPresent()) {
            return new Choice(false, "cannot be compared in the database: " + unsupported.get());
        }
        if (compare.mode() == TableCompare.Mode.IN_DATABASE) {
            return new Choice(true, "--table-compare in-database");
        }
        String size = estimatedRows < 0 ? "no row estimate (never analyzed)"
                : String.format(Locale.US, "about %,d rows by PostgreSQL's estimate", estimatedRows);
        return estimatedRows >= compare.minRows()
                ? new Choice(true, String.format(Locale.US, "%s, at least --in-database-min-rows %,d", size,
                compare.minRows()))
                : new Choice(false, String.format(Locale.US, "%s, fewer than --in-database-min-rows %,d", size,
                compare.minRows()));
    }

    /** Why the table's rows cannot be digested per key range in the database; empty when they can. */
    static Optional<String> unsupportedReason(RowCodec codec, int serverMajor) {
        List<ColumnType> key = codec.keyColumnTypes();
        if (codec.columnTypes().isEmpty() || key.isEmpty()) {
            return Optional.of("its columns' types are unknown");
        }
        if (key.size() != 1 || key.get(0).isArray() || !Set.of("int2", "int4", "int8")
                .contains(key.get(0).typeName())) {
            return Optional.of("the primary key is not one smallint, integer or bigint column ("
                    + key.stream().map(ColumnType::toString).toList() + ")");
        }
        return RowDigests.unsupportedReason(codec.columnTypes(), serverMajor);
    }

    /** The smallest and largest key at the cut (from the primary key's index), or null for an empty table. */
    static long[] keyRange(Connection c, TableId table, RowCodec codec) throws SQLException {
        String key = quote(codec.keyColumnTypes().get(0).name());
        try (PreparedStatement ps = c.prepareStatement("SELECT min(" + key + ")::int8, max(" + key + ")::int8 FROM "
                + table.quoted()); ResultSet rs = ps.executeQuery()) {
            rs.next();
            long min = rs.getLong(1);
            return rs.wasNull() ? null : new long[] {min, rs.getLong(2)};
        }
    }

    /** PostgreSQL's row count and digest sum per bucket, every row of the table digested where it lies. */
    static BucketDigests tableDigests(Connection c, TableId table, RowCodec codec, KeyBuckets buckets)
            throws SQLException {
        String rows = RowDigests.digestsSql(codec.columnTypes(),
                buckets.bucketSql(quote(codec.keyColumnTypes().get(0).name())), table.quoted());
        String sql = "SELECT carried, count(*), sum(digest) FROM (" + rows + ") AS digests GROUP BY 1";
        BucketDigests digests = new BucketDigests();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setFetchSize(10_000);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    BigDecimal sum = rs.getBigDecimal(3);
                    // the exact sum modulo 2^64, as the stream side's wrapping sum has it
                    digests.add(rs.getLong(1), rs.getLong(2), sum.toBigInteger().longValue());
                }
            }
        }
        return digests;
    }

    /**
     * Reads the rows of the {@code differing} buckets into {@code comparison}, adjacent buckets as one key range
     * (each an index range scan of the primary key); returns the rows read. One statement serves every range, its
     * bounds as parameters: thousands of scattered differing buckets are thousands of executions of one prepared
     * statement, not thousands of statements to prepare.
     */
    static long fetch(Connection c, TableId table, RowCodec codec, KeyBuckets buckets, SortedSet<Long> differing,
                      TableComparison comparison) throws SQLException {
        if (differing.isEmpty()) {
            return 0;
        }
        String key = quote(codec.keyColumnTypes().get(0).name());
        // inclusive bounds: a range open at either end of the long keys is the same statement with MIN or MAX_VALUE
        String sql = "SELECT " + codec.selectList() + " FROM " + table.quoted() + " WHERE " + key + " >= ? AND "
                + key + " <= ?";
        long rows = 0;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            serverPrepared(ps);
            ps.setFetchSize(5_000);
            Long first = null;
            Long last = null;
            for (long b : differing) {
                if (last != null && b == last + 1) {
                    last = b;
                    continue;
                }
                if (first != null) {
                    rows += fetchRange(ps, buckets, first, last, comparison);
                }
                first = b;
                last = b;
            }
            rows += fetchRange(ps, buckets, first, last, comparison);
        }
        return rows;
    }

    /** The rows of buckets {@code first} to {@code last} (adjacent, in key order). */
    private static long fetchRange(PreparedStatement ps, KeyBuckets buckets, long first, long last,
                                   TableComparison comparison) throws SQLException {
        Long from = buckets.lowerBound(first);
        Long to = buckets.upperBound(last);
        if (to != null && to == Long.MIN_VALUE) {
            return 0; // buckets wholly below the smallest long: no key is in them
        }
        ps.setLong(1, from == null ? Long.MIN_VALUE : from);
        ps.setLong(2, to == null ? Long.MAX_VALUE : to - 1);
        long rows = 0;
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                comparison.acceptRow(rs);
                rows++;
            }
        }
        return rows;
    }

    /**
     * Has PostgreSQL parse and plan the statement once for all its executions: the driver would otherwise send it
     * unnamed, parsed again, for its first few (prepareThreshold, 5 by default).
     */
    private static void serverPrepared(PreparedStatement ps) throws SQLException {
        if (ps.isWrapperFor(org.postgresql.PGStatement.class)) {
            ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(1);
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
