package dev.strangler.parity;

import dev.strangler.contract.ServerCapabilities;
import dev.strangler.parity.model.Cut;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens the cut: a REPEATABLE READ, read-only transaction whose snapshot is the table side of the comparison, and
 * the WAL position right after it. The snapshot is fixed by the transaction's first statement, which is the one
 * reading it, so everything later read in the same transaction is the state as of exactly this snapshot.
 *
 * <p>The position is the WAL <em>insert</em> position, not pg_current_wal_lsn() (the write position): a
 * transaction's commit record is inserted before the transaction becomes visible, but with synchronous_commit=off
 * (or while the WAL writer lags) it may not be written yet, so the write position can lie before the commit of a
 * visible transaction, and waiting for the slot to pass it would not prove that transaction was published. On a
 * standby (a read replica as the source) it is the replayed position: a transaction is visible there once its commit
 * record is replayed, so every transaction the snapshot shows ends at or before it; the slot on the standby decodes
 * only replayed WAL.
 */
final class CutTaker {

    private CutTaker() {
    }

    static Cut take(Connection c, ServerCapabilities server) throws SQLException {
        // timestamptz printed in UTC, as Debezium writes it: equal values then compare raw, without canonicalising
        // (RawForm.UTC_TIMESTAMP); any other zone reads the same, only slower. Set before the transaction begins.
        try (Statement st = c.createStatement()) {
            st.execute("SET TimeZone = 'UTC'");
        }
        c.setAutoCommit(false);
        c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        c.setReadOnly(true);
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT " + server.currentSnapshotFunction() + "::text, "
                     + server.cutWalPositionFunction() + " - '0/0'::pg_lsn, now()")) {
            rs.next();
            String[] parts = rs.getString(1).split(":", -1);
            List<Long> inProgress = new ArrayList<>();
            if (parts.length > 2 && !parts[2].isEmpty()) {
                for (String xid : parts[2].split(",")) {
                    inProgress.add(Long.parseLong(xid));
                }
            }
            return new dev.strangler.parity.model.Cut(Long.parseLong(parts[0]), Long.parseLong(parts[1]), inProgress,
                    rs.getBigDecimal(2).longValueExact(), rs.getTimestamp(3).toInstant());
        }
    }
}
