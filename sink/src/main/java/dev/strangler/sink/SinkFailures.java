package dev.strangler.sink;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RetriableException;

/**
 * Sorts an attempt's failure, walking the whole cause chain by exception class and SQLState (never by message): a
 * passing fault is waited out, a permanent one stops the sink with its kind's exception (and exit code).
 */
final class SinkFailures {

    enum Kind {
        TRANSIENT, TARGET, KAFKA, BAD_EVENT, UNEXPECTED;

        boolean isTransient() {
            return this == TRANSIENT;
        }
    }

    private SinkFailures() {
    }

    static Kind classify(Throwable failure) {
        Kind found = null;
        Kind wrapper = null;
        Set<Throwable> chain = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable t = failure; t != null && chain.add(t); t = t.getCause()) {
            Kind kind = own(t);
            if (kind != null && (found == null || (found.isTransient() && !kind.isTransient()))) {
                found = kind;
            }
            if (wrapper == null) {
                wrapper = t instanceof TargetNotReadyException ? Kind.TARGET
                        : t instanceof SinkKafkaException ? Kind.KAFKA : null;
            }
        }
        if (found != null) {
            return found;
        }
        if (chain.stream().anyMatch(t -> t instanceof IOException)) {
            return Kind.TRANSIENT;
        }
        return wrapper == null ? Kind.UNEXPECTED : wrapper;
    }

    private static Kind own(Throwable t) {
        if (t instanceof BadEventException) {
            return Kind.BAD_EVENT;
        }
        if (t instanceof OffsetOutOfRangeException) {
            return Kind.KAFKA;
        }
        if (t instanceof SQLException sql) {
            return SqlStates.transientFault(sql) ? Kind.TRANSIENT : Kind.TARGET;
        }
        if (t instanceof AuthenticationException || t instanceof AuthorizationException) {
            return Kind.KAFKA;
        }
        if (t instanceof RetriableException || t instanceof org.apache.kafka.common.errors.TimeoutException
                || t instanceof java.util.concurrent.TimeoutException) {
            return Kind.TRANSIENT;
        }
        return null;
    }

    /** The exception a permanent failure is reported as: the sink's own of that kind when the chain holds one. */
    static RuntimeException reported(Kind kind, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            boolean match = switch (kind) {
                case BAD_EVENT -> t instanceof BadEventException;
                case TARGET -> t instanceof TargetNotReadyException;
                case KAFKA -> t instanceof SinkKafkaException;
                case UNEXPECTED, TRANSIENT -> t instanceof SinkFailedException;
            };
            if (match) {
                return (RuntimeException) t;
            }
        }
        String root = rootMessage(failure);
        return switch (kind) {
            case TARGET -> new TargetNotReadyException("PostgreSQL refused the sink: " + root, failure);
            case KAFKA -> new SinkKafkaException("Kafka refused the sink: " + root + " — check "
                    + "kafka.bootstrap.servers, the kafka.client.* security settings and the ACLs", failure);
            default -> new SinkFailedException("the sink failed: " + root, failure);
        };
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root instanceof SQLException sql ? SqlStates.describe(sql) : root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }
}
