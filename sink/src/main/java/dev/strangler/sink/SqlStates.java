package dev.strangler.sink;

import java.sql.SQLException;

/** Sorts the database's refusals by SQLState (never by message text): the event's fault, a passing one, or not. */
final class SqlStates {

    private SqlStates() {
    }

    /**
     * The event's fault: a value the column cannot take (class 22: invalid text, out of range, too long), a
     * constraint (class 23: not null, unique, foreign key, check, exclusion), a type mismatch (42804).
     */
    static boolean badData(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23") || state.equals("42804"));
    }

    /**
     * A fault that passes: the connection lost or refused (class 08), the server shutting down or starting
     * (57P01-57P03), too many connections, a serialization failure or deadlock (the batch is simply applied again),
     * a lock not available, a cancelled statement.
     */
    static boolean transientFault(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return false;
        }
        return state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")
                || state.equals("53300") || state.equals("40001") || state.equals("40P01") || state.equals("55P03")
                || state.equals("57014");
    }

    /** The first line of the database's message and its SQLState, for a one-line reason. */
    static String describe(SQLException e) {
        String message = String.valueOf(e.getMessage());
        int nl = message.indexOf('\n');
        String first = nl < 0 ? message : message.substring(0, nl);
        if (first.startsWith("ERROR: ")) {
            first = first.substring("ERROR: ".length());
        }
        return first + (e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")");
    }
}
