package dev.strangler.parity;

import java.time.Duration;

/**
 * Progress of a long check, for a person watching; the CLI prints it to stderr. Every step does nothing unless
 * overridden, so a listener names only the steps it follows.
 */
public interface Progress {

    /** While waiting for the pipeline: bytes of WAL it still has to confirm. */
    default void waiting(String slot, long bytesBehind, Duration waited, Duration timeout) {
    }

    /** While reading a topic: records consumed of the total between earliest and end offsets. */
    default void consuming(String topic, long consumed, long total) {
    }

    /** While scanning a table: rows read, against pg_class.reltuples (an estimate, may be -1). */
    default void scanning(String table, long rows, long estimatedRows) {
    }

    Progress NONE = new Progress() {
    };
}
