package dev.strangler.parity.spill;

import dev.strangler.contract.TableId;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Optional;

/**
 * How well a table's rows compress as the spill files compress them: LZ4 blocks of 64 KB over the text of a sample
 * of its pages ({@code TABLESAMPLE SYSTEM}, about {@link #PAGES} pages, at most {@link #MAX_SAMPLE_BYTES} of text).
 * The spill holds the same values as text (the table side) and as JSON after-images that repeat the column names (the
 * stream side, which compresses better still), mixed across keys as sampled pages mix them.
 */
final class CompressionSample {

    /** Pages read at most: enough blocks for a stable ratio, a fraction of a second on any table. */
    static final int PAGES = 256;
    static final int BLOCK = 64 * 1024;
    /** Text read at most, so that a table of large TOASTed values is not read in full. */
    static final int MAX_SAMPLE_BYTES = 8 * 1024 * 1024;
    /** Below this much text the sample says nothing reliable (the first block's dictionary is empty). */
    static final int MIN_SAMPLE_BYTES = 4 * BLOCK;

    /** Stored bytes per raw byte of the sampled text, and how much text it came from. */
    record Ratio(double storedPerRaw, long rawBytes) {
        String describe() {
            return String.format(Locale.ROOT, "LZ4 %.2f of %d sampled bytes", storedPerRaw, rawBytes);
        }
    }

    private CompressionSample() {
    }

    /**
     * The ratio of {@code table}'s sampled rows, or empty when the sample is too small to say (a small or empty table,
     * whose spill is small anyway). Runs in its own read-only transaction and leaves the connection as it found it.
     */
    static Optional<Ratio> of(Connection c, TableId table) throws SQLException {
        if (!c.getAutoCommit()) {
            throw new IllegalStateException("the sample needs a connection outside a transaction, to run its own");
        }
        c.setAutoCommit(false); // PgJDBC streams with a fetch size only inside a transaction
        try {
            try (Statement st = c.createStatement()) {
                st.execute("SET TRANSACTION READ ONLY");
            }
            double percent = samplePercent(c, table);
            // written as the spill files are, into nothing: only the counts are wanted
            Lz4Blocks.Writing blocks = new Lz4Blocks.Writing(OutputStream.nullOutputStream(), BLOCK,
                    Lz4Blocks.scratchFor(BLOCK));
            // ROW(t.*), not t: a bare t names a column called t when the table has one
            try (blocks; PreparedStatement ps = c.prepareStatement("SELECT ROW(t.*)::text FROM " + table.quoted()
                    + " AS t TABLESAMPLE SYSTEM (?)")) {
                ps.setDouble(1, percent);
                ps.setFetchSize(200);
                try (ResultSet rs = ps.executeQuery()) {
                    while (blocks.rawBytes() < MAX_SAMPLE_BYTES && rs.next()) { // counts whole blocks
                        blocks.write(rs.getString(1).getBytes(StandardCharsets.UTF_8)); // a ROW(...) is never NULL
                    }
                }
                blocks.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e); // a null stream does not fail
            }
            long raw = blocks.rawBytes();
            return raw < MIN_SAMPLE_BYTES ? Optional.empty()
                    : Optional.of(new Ratio((double) blocks.storedBytes() / raw, raw));
        } finally {
            c.rollback();
            c.setAutoCommit(true);
        }
    }

    private static double samplePercent(Connection c, TableId table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT relpages FROM pg_class WHERE oid = to_regclass(?)")) {
            ps.setString(1, table.quoted());
            try (ResultSet rs = ps.executeQuery()) {
                long pages = rs.next() ? rs.getLong(1) : 0; // 0: never analysed or vacuumed, or empty
                return pages <= PAGES ? 100.0 : 100.0 * PAGES / pages;
            }
        }
    }
}
