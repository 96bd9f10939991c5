package dev.strangler.parity;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

class RecoveryConflictTest {

    private static final String SOURCE = "jdbc:postgresql://replica:5432/legacy";

    /** What pgjdbc makes of PostgreSQL's ErrorResponse fields (S severity, C SQLSTATE, M message, D detail). */
    private static PSQLException fromServer(String severity, String state, String message, String detail) {
        return new PSQLException(new ServerErrorMessage("S" + severity + "\0V" + severity + "\0C" + state + "\0M"
                + message + "\0" + (detail == null ? "" : "D" + detail + "\0")));
    }

    @Test
    void aCancelledScanNamesTheConflictItsKindAndBothFixesOnOneLine() {
        PSQLException e = fromServer("ERROR", "40001", "canceling statement due to conflict with recovery",
                "User query might have needed to see row versions that must be removed.");

        ParityException failure = RecoveryConflict.of(e, SOURCE).orElseThrow();

        assertThat(failure.getMessage()).doesNotContain("\n").contains(SOURCE,
                "a recovery conflict: ERROR: canceling statement due to conflict with recovery",
                "row versions that must be removed", "hot_standby_feedback = on", "max_standby_streaming_delay",
                "run the check again", "nothing was stored");
        assertThat(failure.getCause()).isSameAs(e);
    }

    @Test
    void aConnectionEndedBetweenStatementsAndAConflictFurtherDownTheCausesAreRecognisedToo() {
        PSQLException fatal = fromServer("FATAL", "40001", "terminating connection due to conflict with recovery",
                "User was holding a relation lock for too long.");
        assertThat(RecoveryConflict.of(fatal, SOURCE)).get().extracting(Throwable::getMessage).asString()
                .contains("terminating connection", "relation lock");
        SQLException wrapping = new SQLException("batch failed", "XX000", fatal);
        assertThat(RecoveryConflict.of(wrapping, SOURCE)).isPresent();
        PSQLException deadlock = fromServer("ERROR", "40P01", "canceling statement due to conflict with recovery",
                "User transaction caused buffer deadlock with recovery.");
        assertThat(RecoveryConflict.of(deadlock, SOURCE)).isPresent();
    }

    @Test
    void otherErrorsAreLeftToTheGenericMessage() {
        assertThat(RecoveryConflict.of(fromServer("ERROR", "40P01", "deadlock detected", null), SOURCE)).isEmpty();
        assertThat(RecoveryConflict.of(fromServer("ERROR", "42P01", "relation \"bank.accounts\" does not exist",
                null), SOURCE)).isEmpty();
        assertThat(RecoveryConflict.of(new SQLException("I/O error", "08006"), SOURCE)).isEmpty();
    }
}
