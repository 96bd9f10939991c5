package dev.strangler.parity;

import dev.strangler.contract.TableId;
import dev.strangler.parity.compare.PgCopyText;
import dev.strangler.parity.compare.RowCodec;
import dev.strangler.parity.compare.TableComparison;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Reads every row of a table, in the cut's transaction, into the comparison's table side, by
 * {@code COPY (SELECT ...) TO STDOUT}. PostgreSQL streams a COPY's rows without waiting for the reader, so it prints
 * the next rows while this thread spills the last ones; a cursor's fetches (PgJDBC's fetch size) alternate instead,
 * each side idle while the other works. The texts are those of the same SELECT in the same session (its TimeZone,
 * DateStyle and float digits), read from the COPY format by {@link PgCopyText}. COPY TO STDOUT needs only SELECT on
 * the table, and runs on a standby.
 */
final class TableScan {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TableScan.class);

    private final Progress progress;

    TableScan(Progress progress) {
        this.progress = progress;
    }

    /**
     * @param stop whether to stop early (the topic read running meanwhile failed, which fails the run): the COPY is
     *             then cancelled, leaving the connection usable
     */
    void scan(Connection c, TableId table, RowCodec codec, TableComparison comparison, long estimate,
              BooleanSupplier stop) throws SQLException {
        String sql = "COPY (SELECT " + codec.selectList() + " FROM " + table.quoted() + ") TO STDOUT";
        int width = codec.columnNames().size();
        progress.scanning(table.toString(), 0, estimate); // the scan's start, for whoever times it
        long started = System.nanoTime();
        long cpuStarted = java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        CopyOut copy = c.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
        try {
            long last = System.nanoTime();
            byte[] row;
            while ((row = copy.readFromCopy()) != null) {
                comparison.acceptRowTexts(PgCopyText.columns(row, width));
                if (System.nanoTime() - last > 1_000_000_000L) {
                    if (stop.getAsBoolean()) {
                        return; // its failure is the run's: no use finishing the scan
                    }
                    progress.scanning(table.toString(), comparison.rowsScanned(), estimate);
                    last = System.nanoTime();
                }
            }
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
        progress.scanning(table.toString(), comparison.rowsScanned(), estimate);
        // whether the scan waited for PostgreSQL or for a core, for whoever profiles a check
        LOG.debug("scan of {}: {} rows in {} ms, {} ms of CPU on its thread", table, comparison.rowsScanned(),
                (System.nanoTime() - started) / 1_000_000,
                (java.lang.management.ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuStarted)
                        / 1_000_000);
    }
}
