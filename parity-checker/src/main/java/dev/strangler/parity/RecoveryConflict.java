package dev.strangler.parity;

import java.sql.SQLException;
import java.util.Optional;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A standby source cancelling the check's query, or ending its connection, to go on replaying the primary's WAL (a
 * recovery conflict): the cut is a REPEATABLE READ snapshot held for the whole run, and the primary's vacuum may remove
 * row versions it still sees, or replay may need a lock or a page the check holds. Once the standby has waited
 * {@code max_standby_streaming_delay} it cancels the query (ERROR) or, between statements, ends the connection (FATAL),
 * both with SQLSTATE 40001. Nothing is wrong with the data; the run can be repeated, after changing what let the
 * conflict happen.
 */
final class RecoveryConflict {

    /** serialization_failure: what PostgreSQL reports every recovery conflict but a dropped database with. */
    static final String SQLSTATE = "40001";
    /** deadlock_detected: a recovery conflict too when replay and the query wait for each other's buffer pin. */
    private static final String DEADLOCK_SQLSTATE = "40P01";
    private static final String MESSAGE = "conflict with recovery";

    private RecoveryConflict() {
    }

    /**
     * The one-line failure of a run a recovery conflict ended, naming the fix; empty for any other error. A
     * serialization failure of a read-only REPEATABLE READ transaction has no other cause, so SQLSTATE 40001 is
     * enough when the server's messages are not in English.
     */
    static Optional<ParityException> of(SQLException e, String source) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && isConflict(sql)) {
                return Optional.of(new ParityException("parity check against " + source + " was cancelled by the "
                        + "standby to replay the primary's WAL (a recovery conflict: " + Connections.firstLine(sql)
                        + detail(sql) + "); the cut's snapshot is held for the whole run, so on the standby set "
                        + "hot_standby_feedback = on (the primary's vacuum then keeps the rows it still sees) or raise "
                        + "max_standby_streaming_delay above the run's duration (-1 waits for it; replay lags "
                        + "meanwhile), SELECT pg_reload_conf(); then run the check again: nothing was stored", e));
            }
        }
        return Optional.empty();
    }

    private static boolean isConflict(SQLException e) {
        String state = e.getSQLState();
        return SQLSTATE.equals(state)
                || DEADLOCK_SQLSTATE.equals(state) && String.valueOf(e.getMessage()).contains(MESSAGE);
    }

    /** PostgreSQL's detail names the kind of conflict (rows removed, a lock, a buffer pin). */
    private static String detail(SQLException e) {
        if (e instanceof PSQLException p) {
            ServerErrorMessage server = p.getServerErrorMessage();
            if (server != null && server.getDetail() != null) {
                return " — " + server.getDetail();
            }
        }
        return "";
    }
}
