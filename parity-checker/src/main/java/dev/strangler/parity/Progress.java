package dev.strangler.parity;

import java.time.Duration;

/** Progress of a long check, for a person watching; the CLI prints it to stderr. */
public interface Progress {

    /** While waiting for the pipeline: bytes of WAL it still has to confirm. */
    void waiting(String slot, long bytesBehind, Duration waited, Duration timeout);

    /** While reading a topic: records consumed of the total between earliest and end offsets. */
    void consuming(String topic, long consumed, long total);

    /** While scanning a table: rows read, against pg_class.reltuples (an estimate, may be -1). */
    void scanning(String table, long rows, long estimatedRows);

    Progress NONE = new Progress() {
        @Override
        public void waiting(String slot, long bytesBehind, Duration waited, Duration timeout) {
        }

        @Override
        public void consuming(String topic, long consumed, long total) {
        }

        @Override
        public void scanning(String table, long rows, long estimatedRows) {
        }
    };
}
