package dev.strangler.engine.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class ResumeGuardTest {

    private static final Schema VALUE = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).build();

    @Test
    void dropsTheStoredTransactionsChangesUpToThePublishedOnesAndNothingAfter() {
        ResumeGuard guard = ResumeGuard.from(Map.of("messageType", "UPDATE", "txId", 7L, "lsn", 200L,
                ResumeGuard.EVENTS_AT_LSN, 2L));
        assertThat(guard.isResent(change("u", 7, 100))).as("earlier change of the transaction").isTrue();
        assertThat(guard.isResent(change("u", 7, 200))).as("first published at the stored LSN").isTrue();
        assertThat(guard.isResent(change("u", 7, 200))).as("second published at the stored LSN").isTrue();
        assertThat(guard.isResent(change("u", 7, 200))).as("third: never published").isFalse();
        assertThat(guard.isResent(change("u", 7, 100))).as("the guard has ended").isFalse();
    }

    @Test
    void endsAtTheFirstChangeOfAnotherTransactionOrPastTheStoredLsn() {
        ResumeGuard other = ResumeGuard.from(Map.of("messageType", "INSERT", "txId", 7L, "lsn", 200L));
        assertThat(other.isResent(change("c", 8, 50))).isFalse();
        assertThat(other.isResent(change("c", 7, 100))).as("ended by the other transaction").isFalse();
        ResumeGuard past = ResumeGuard.from(Map.of("messageType", "INSERT", "txId", 7L, "lsn", 200L));
        assertThat(past.isResent(change("u", 7, 300))).isFalse();
        assertThat(past.isResent(change("u", 7, 200))).isFalse();
    }

    @Test
    void dropsNothingAfterACommitPositionAndIgnoresReadsAndHeartbeats() {
        ResumeGuard commit = ResumeGuard.from(Map.of("messageType", "COMMIT", "txId", 7L, "lsn", 200L));
        assertThat(commit.isResent(change("u", 7, 100))).isFalse();
        ResumeGuard guard = ResumeGuard.from(Map.of("messageType", "DELETE", "txId", 7L, "lsn", 200L));
        assertThat(guard.isResent(change("r", 7, 100))).as("a snapshot read is not a change").isFalse();
        assertThat(guard.isResent(new SourceRecord(Map.of(), Map.of("txId", 9L, "lsn", 1L), "hb", null, null)))
                .isFalse();
        assertThat(guard.isResent(change("d", 7, 200))).as("still armed, the default one published change").isTrue();
        assertThat(guard.isResent(change("u", 7, 200))).isFalse();
    }

    private static SourceRecord change(String op, long txId, long lsn) {
        return new SourceRecord(Map.of("server", "p"), Map.of("txId", txId, "lsn", lsn, "messageType", "UPDATE"),
                "p.shop.t", null, null, VALUE, new Struct(VALUE).put("op", op));
    }
}
