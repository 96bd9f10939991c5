package dev.strangler.contract;

/** The intake headers the engine stamps on every record; consumers, the parity checker and the sink read them. */
public final class IntakeHeaderNames {

    /** W3C trace context: one trace id per source transaction. */
    public static final String TRACEPARENT = "traceparent";
    /** Epoch milliseconds, as decimal text, when the engine handed the record to the publisher. */
    public static final String INGESTED_AT = "strangler.ingested_at";
    /** The change's position in the WAL, as decimal text (the same number as the envelope's source.lsn). */
    public static final String SOURCE_LSN = "strangler.source_lsn";
    /** The source transaction id (32-bit xid as PostgreSQL reports it), as decimal text. */
    public static final String SOURCE_TXID = "strangler.source_txid";
    /** The pipeline's name. */
    public static final String PIPELINE = "strangler.pipeline";
    /**
     * On a delete that {@code strangler repair} wrote (not a change of the source): the id of the parity run whose
     * report it repairs. The delete retracts a key the topic held but the table did not; it orders by its topic
     * position, like a snapshot read, not by a source position.
     */
    public static final String REPAIR = "strangler.repair";
    /** The prefix reserved for Strangler's own headers. */
    public static final String RESERVED_PREFIX = "strangler.";

    private IntakeHeaderNames() {
    }
}
