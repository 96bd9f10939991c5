package dev.strangler.parity;

import java.time.Duration;

/**
 * Progress of a long check, for a person watching; the CLI prints it to stderr. Every step does nothing unless
 * overridden, so a listener names only the steps it follows.
 *
 * <p>A check reads a table's topic and scans the table at the same time, so {@code consuming} and {@code scanning}
 * can come from two threads; {@link ParityChecker} hands its listener only through {@link #serialized}, one call at
 * a time, so a listener need not be thread-safe itself.
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

    /** The same listener, called by one thread at a time (each call sees the previous ones' effects). */
    static Progress serialized(Progress listener) {
        if (listener == NONE || listener instanceof Serialized) {
            return listener;
        }
        return new Serialized(listener);
    }

    /** See {@link #serialized}. */
    final class Serialized implements Progress {
        private final Progress listener;

        private Serialized(Progress listener) {
            this.listener = listener;
        }

        @Override
        public synchronized void waiting(String slot, long bytesBehind, Duration waited, Duration timeout) {
            listener.waiting(slot, bytesBehind, waited, timeout);
        }

        @Override
        public synchronized void consuming(String topic, long consumed, long total) {
            listener.consuming(topic, consumed, total);
        }

        @Override
        public synchronized void scanning(String table, long rows, long estimatedRows) {
            listener.scanning(table, rows, estimatedRows);
        }
    }
}
