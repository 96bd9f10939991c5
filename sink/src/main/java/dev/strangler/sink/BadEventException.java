package dev.strangler.sink;

/**
 * An event that does not match its mapping, or that the legacy database refused (a constraint, a value of the wrong
 * type), with {@code sink.errors=stop}: the sink stops with one line naming topic, partition, offset and reason. The
 * events before it are applied and their positions stored, so the sink resumes exactly at this event once it is fixed
 * (or once sink.errors=dead-letter sends it aside). The command line exits 65 (sysexits' EX_DATAERR) with it.
 */
public final class BadEventException extends RuntimeException {
    private final String topic;
    private final int partition;
    private final long offset;

    public BadEventException(String topic, int partition, long offset, String reason, Throwable cause) {
        super("bad event at topic " + topic + " partition " + partition + " offset " + offset + ": " + reason
                + "; the events before it are applied and the sink resumes at this one: fix the mapping or the "
                + "table, or set sink.errors=dead-letter to send such events to the dead-letter topic", cause);
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    public long offset() {
        return offset;
    }
}
