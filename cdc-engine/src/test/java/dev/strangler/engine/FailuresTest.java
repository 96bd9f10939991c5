package dev.strangler.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.EOFException;
import java.sql.SQLException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

class FailuresTest {

    private static SQLException sql(String state) {
        return new SQLException("server said no", state);
    }

    @Test
    void shouldRetryALostOrRefusedConnectionToPostgres() {
        assertThat(Failures.classify(new ConnectException("streaming failed", sql("08006"))))
                .isEqualTo(FailureKind.SOURCE_UNAVAILABLE);
        assertThat(Failures.classify(new SourceNotReadyException("cannot reach PostgreSQL", sql("08001"))))
                .as("a wrapper says which side, the SQLState how").isEqualTo(FailureKind.SOURCE_UNAVAILABLE);
        assertThat(Failures.classify(sql("57P01"))).as("terminated by an administrator or a shutdown")
                .isEqualTo(FailureKind.SOURCE_UNAVAILABLE);
        assertThat(Failures.classify(sql("57P03"))).as("starting up").isEqualTo(FailureKind.SOURCE_UNAVAILABLE);
        assertThat(Failures.classify(new RuntimeException("io", new EOFException())))
                .isEqualTo(FailureKind.SOURCE_UNAVAILABLE);
        assertThat(Failures.classify(sql("55006"))).as("slot still held by a walsender going away")
                .isEqualTo(FailureKind.SLOT_BUSY);
    }

    @Test
    void shouldStopForAPermanentRefusalOfPostgres() {
        assertThat(Failures.classify(new SourceNotReadyException("bad password", sql("28P01"))))
                .isEqualTo(FailureKind.SOURCE_REFUSED);
        assertThat(Failures.classify(new ConnectException("x", sql("42501")))).isEqualTo(FailureKind.SOURCE_REFUSED);
        assertThat(Failures.classify(new ConnectException("publication gone", sql("42704"))))
                .isEqualTo(FailureKind.SOURCE_REFUSED);
        assertThat(Failures.classify(new SourceNotReadyException("slot lost"))).as("a preflight refusal")
                .isEqualTo(FailureKind.SOURCE_REFUSED);
        assertThat(Failures.classify(new RuntimeException(new SQLException(
                "ERROR: can no longer get changes from replication slot \"s\"", "55000"))))
                .isEqualTo(FailureKind.SOURCE_REFUSED);
    }

    @Test
    void shouldTellKafkaOutagesFromRefusals() {
        assertThat(Failures.classify(new SinkUnavailableException("send failed", new TimeoutException("t"))))
                .isEqualTo(FailureKind.KAFKA_UNAVAILABLE);
        assertThat(Failures.classify(new NetworkException("n"))).isEqualTo(FailureKind.KAFKA_UNAVAILABLE);
        assertThat(Failures.classify(new SinkUnavailableException("cannot create topics",
                new TopicAuthorizationException("no")))).isEqualTo(FailureKind.KAFKA_REFUSED);
        assertThat(Failures.classify(new ConnectException("x", new ProducerFencedException("f"))))
                .isEqualTo(FailureKind.FENCED);
        assertThat(Failures.classify(new org.apache.kafka.common.errors.RecordTooLargeException("big")))
                .isEqualTo(FailureKind.RECORD_TOO_LARGE);
    }

    @Test
    void shouldLetAPermanentCauseOutrankATransientSymptom() {
        Throwable fencedWhileDisconnected = new SinkUnavailableException("commit failed",
                new NetworkException("gone", new ProducerFencedException("fenced")));
        assertThat(Failures.classify(fencedWhileDisconnected)).isEqualTo(FailureKind.FENCED);
    }

    @Test
    void shouldNotRetryWhatItDoesNotKnow() {
        assertThat(Failures.classify(new IllegalStateException("a bug"))).isEqualTo(FailureKind.UNEXPECTED);
    }

    @Test
    void shouldReportAPermanentFailureAsTheExceptionItsExitCodeNeeds() {
        assertThat(Failures.reported(FailureKind.SOURCE_REFUSED, new ConnectException("x", sql("42501"))))
                .isInstanceOf(SourceNotReadyException.class).hasMessageContaining("server said no");
        SourceNotReadyException own = new SourceNotReadyException("slot lost");
        assertThat(Failures.reported(FailureKind.SOURCE_REFUSED, new ConnectException("x", own))).isSameAs(own);
        assertThat(Failures.reported(FailureKind.FENCED, new ProducerFencedException("f")))
                .isInstanceOf(PipelineFencedException.class);
        assertThat(Failures.reported(FailureKind.UNEXPECTED, new IllegalStateException("bug")))
                .isInstanceOf(PipelineFailedException.class);
    }

    @Test
    void shouldRetryDebeziumsIncrementalSnapshotRaceAndNothingElseOfItsKind() {
        NullPointerException race = new NullPointerException("currentDataCollectionId() is null");
        race.setStackTrace(new StackTraceElement[] {new StackTraceElement(
                "io.debezium.pipeline.source.snapshot.incremental.AbstractIncrementalSnapshotChangeEventSource",
                "processMessage", "AbstractIncrementalSnapshotChangeEventSource.java", 200)});
        java.util.ConcurrentModificationException window = new java.util.ConcurrentModificationException();
        window.setStackTrace(new StackTraceElement[] {new StackTraceElement("java.util.LinkedHashMap$HashIterator",
                "nextNode", "LinkedHashMap.java", 1), new StackTraceElement(
                "io.debezium.pipeline.source.snapshot.incremental.AbstractIncrementalSnapshotChangeEventSource",
                "sendWindowEvents", "AbstractIncrementalSnapshotChangeEventSource.java", 1)});
        assertThat(Failures.classify(new ConnectException("Producer failure", race)))
                .isEqualTo(FailureKind.SNAPSHOT_RACE);
        assertThat(Failures.classify(window)).isEqualTo(FailureKind.SNAPSHOT_RACE);
        assertThat(FailureKind.SNAPSHOT_RACE.isTransient()).isTrue();
        assertThat(Failures.classify(new NullPointerException("elsewhere"))).as("a bug of ours is not retried")
                .isEqualTo(FailureKind.UNEXPECTED);
    }
}
