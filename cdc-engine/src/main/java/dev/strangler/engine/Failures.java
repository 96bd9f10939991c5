package dev.strangler.engine;

import dev.strangler.engine.doctor.LostSlot;
import java.io.IOException;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TransactionAbortedException;

/** Sorts an attempt's failure into a {@link FailureKind}, walking the whole cause chain. */
final class Failures {

    private Failures() {
    }

    static FailureKind classify(Throwable failure) {
        if (LostSlot.isLostSlotError(failure)) {
            return FailureKind.SOURCE_REFUSED;
        }
        FailureKind found = null;
        FailureKind wrapper = null;
        Set<Throwable> chain = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && chain.add(t); t = t.getCause()) {
            FailureKind kind = own(t);
            if (kind == null) {
                kind = t instanceof SQLException sql ? postgres(sql) : kafka(t);
            }
            if (kind != null && (found == null || rank(kind) > rank(found))) {
                found = kind;
            }
            if (wrapper == null) {
                wrapper = wrapperKind(t);
            }
        }
        if (found != null) {
            return found;
        }
        if (chain.stream().anyMatch(t -> t instanceof IOException)) {
            return FailureKind.SOURCE_UNAVAILABLE;
        }
        return wrapper == null ? FailureKind.UNEXPECTED : wrapper;
    }

    /**
     * Strangler's own wrappers say which side failed; what they wrap says how (a refused connection is transient, a
     * missing privilege is not), so they only decide when nothing they wrap does.
     */
    private static FailureKind wrapperKind(Throwable t) {
        if (t instanceof SourceNotReadyException) {
            return FailureKind.SOURCE_REFUSED;
        }
        if (t instanceof SinkUnavailableException) {
            return FailureKind.KAFKA_UNAVAILABLE;
        }
        return null;
    }

    /**
     * The exception a permanent failure is reported as: Strangler's own when the chain holds one, else one of the
     * kind's type with the root cause's message, so the command line maps it to the kind's exit code.
     */
    static RuntimeException reported(FailureKind kind, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SourceNotReadyException || t instanceof SinkUnavailableException
                    || t instanceof RecordTooLargeException || t instanceof PipelineFencedException
                    || t instanceof PipelineFailedException) {
                if (matches(kind, t)) {
                    return (RuntimeException) t;
                }
            }
        }
        String root = EngineRun.rootMessage(cause);
        return switch (kind) {
            case SOURCE_REFUSED, SOURCE_UNAVAILABLE, SLOT_BUSY, SNAPSHOT_RACE -> new SourceNotReadyException("PostgreSQL refused the "
                    + "pipeline: " + root + " — run strangler doctor for the fix", cause);
            case KAFKA_REFUSED, KAFKA_UNAVAILABLE -> new SinkUnavailableException("Kafka refused the pipeline: " + root
                    + " — check kafka.bootstrap.servers, the kafka.client.* security settings and the ACLs", cause);
            case RECORD_TOO_LARGE -> new RecordTooLargeException("a change is larger than Kafka accepts: " + root
                    + "; raise kafka.max.record.bytes", cause);
            case FENCED -> new PipelineFencedException("another instance of the pipeline took over: " + root, cause);
            case UNEXPECTED -> new PipelineFailedException("the pipeline failed: " + root, cause);
        };
    }

    private static boolean matches(FailureKind kind, Throwable t) {
        return switch (kind) {
            case SOURCE_REFUSED, SOURCE_UNAVAILABLE, SLOT_BUSY, SNAPSHOT_RACE -> t instanceof SourceNotReadyException;
            case KAFKA_REFUSED, KAFKA_UNAVAILABLE -> t instanceof SinkUnavailableException;
            case RECORD_TOO_LARGE -> t instanceof RecordTooLargeException;
            case FENCED -> t instanceof PipelineFencedException;
            case UNEXPECTED -> t instanceof PipelineFailedException;
        };
    }

    /** A permanent reason found anywhere in the chain outranks a transient symptom of it. */
    private static int rank(FailureKind kind) {
        return kind.isTransient() ? 0 : 1;
    }

    private static FailureKind own(Throwable t) {
        if (t instanceof PipelineFencedException) {
            return FailureKind.FENCED;
        }
        if (t instanceof RecordTooLargeException) {
            return FailureKind.RECORD_TOO_LARGE;
        }
        if ((t instanceof NullPointerException || t instanceof java.util.ConcurrentModificationException)
                && thrownInIncrementalSnapshot(t)) {
            return FailureKind.SNAPSHOT_RACE;
        }
        return null;
    }

    /** Whether the exception was thrown inside Debezium's incremental-snapshot code (its top frames). */
    private static boolean thrownInIncrementalSnapshot(Throwable t) {
        StackTraceElement[] frames = t.getStackTrace();
        for (int i = 0; i < Math.min(frames.length, 4); i++) {
            String type = frames[i].getClassName();
            if (type.startsWith("io.debezium.pipeline.source.snapshot.incremental.")
                    || type.startsWith("io.debezium.connector.postgresql.PostgresReadOnlyIncrementalSnapshot")) {
                return true;
            }
        }
        return false;
    }

    private static final Map<String, FailureKind> SQL_STATES = Map.of(
            "57P01", FailureKind.SOURCE_UNAVAILABLE, // admin_shutdown: server stopping or pg_terminate_backend
            "57P02", FailureKind.SOURCE_UNAVAILABLE, // crash_shutdown
            "57P03", FailureKind.SOURCE_UNAVAILABLE, // cannot_connect_now: starting up or in recovery
            "53300", FailureKind.SOURCE_UNAVAILABLE, // too_many_connections
            "55006", FailureKind.SLOT_BUSY,          // object_in_use: the slot is active for another PID
            "42501", FailureKind.SOURCE_REFUSED,     // insufficient_privilege
            "42704", FailureKind.SOURCE_REFUSED,     // undefined_object: publication or slot does not exist
            "42P01", FailureKind.SOURCE_REFUSED,     // undefined_table
            "3D000", FailureKind.SOURCE_REFUSED);    // invalid_catalog_name: database does not exist

    private static FailureKind postgres(SQLException e) {
        String state = e.getSQLState();
        if (state == null) {
            return null;
        }
        if (state.startsWith("08")) {
            return FailureKind.SOURCE_UNAVAILABLE; // connection exceptions: refused, lost, I/O error
        }
        if (state.startsWith("28")) {
            return FailureKind.SOURCE_REFUSED; // invalid authorization: wrong password, pg_hba
        }
        return SQL_STATES.get(state);
    }

    private static FailureKind kafka(Throwable t) {
        if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException) {
            return FailureKind.FENCED;
        }
        if (t instanceof org.apache.kafka.common.errors.RecordTooLargeException
                || t instanceof org.apache.kafka.common.errors.RecordBatchTooLargeException) {
            return FailureKind.RECORD_TOO_LARGE;
        }
        if (t instanceof AuthenticationException || t instanceof AuthorizationException) {
            return FailureKind.KAFKA_REFUSED;
        }
        if (t instanceof RetriableException || t instanceof TransactionAbortedException
                || t instanceof org.apache.kafka.common.errors.TimeoutException) {
            return FailureKind.KAFKA_UNAVAILABLE;
        }
        return null;
    }
}
