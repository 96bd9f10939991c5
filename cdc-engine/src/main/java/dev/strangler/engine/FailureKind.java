package dev.strangler.engine;

/**
 * What stopped an attempt to run the pipeline, decided from exception types, PostgreSQL's SQLState and Kafka's error
 * classes (never from message text). Transient kinds are retried with back-off while the process stays up; the
 * others stop it.
 */
public enum FailureKind {
    /** PostgreSQL unreachable, restarting, shutting down, or the connection was lost or terminated. */
    SOURCE_UNAVAILABLE(true, "PostgreSQL"),
    /**
     * Debezium 3.6.1's read-only incremental snapshot raced the stream (a NullPointerException or
     * ConcurrentModificationException thrown inside its incremental-snapshot code when a chunk read on the signal
     * channel's thread meets a streamed change): its state is in the stored position, so a restart resumes it.
     */
    SNAPSHOT_RACE(true, "Debezium's incremental snapshot"),
    /** The replication slot is still held by a session that is going away (a previous instance's walsender). */
    SLOT_BUSY(true, "the replication slot"),
    /** Kafka unreachable, a broker restarting, not enough in-sync replicas, a request timed out. */
    KAFKA_UNAVAILABLE(true, "Kafka"),
    /** PostgreSQL refuses for good: authentication, privilege, a missing table, publication or slot, a lost slot. */
    SOURCE_REFUSED(false, "PostgreSQL"),
    /** Kafka refuses for good: authentication, authorisation, an invalid client setting. */
    KAFKA_REFUSED(false, "Kafka"),
    /** A change larger than Kafka accepts as configured. */
    RECORD_TOO_LARGE(false, "Kafka"),
    /** Another instance of the pipeline took over. */
    FENCED(false, "the pipeline lock"),
    /** Anything else: a bug or an unexpected state; not retried, so it cannot loop silently. */
    UNEXPECTED(false, "the pipeline");

    private final boolean transientFailure;
    private final String waitsFor;

    FailureKind(boolean transientFailure, String waitsFor) {
        this.transientFailure = transientFailure;
        this.waitsFor = waitsFor;
    }

    /** True when the pipeline restarts after a back-off instead of stopping. */
    public boolean isTransient() {
        return transientFailure;
    }

    /** What a retry waits for, for log lines and status ("waiting for Kafka"). */
    public String waitsFor() {
        return waitsFor;
    }
}
