package dev.strangler.outbox;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How an {@link Outbox} writes. Immutable; start from {@link #defaults()} and change what you need:
 * <pre>{@code
 * new Outbox(OutboxOptions.defaults().withTable("orders.outbox").withDeleteAfterInsert(false))
 * }</pre>
 *
 * @param table             the outbox table, {@code table} or {@code schema.table} (plain identifiers); default
 *                          {@value #DEFAULT_TABLE}, i.e. the connection's current schema (its {@code search_path})
 * @param deleteAfterInsert delete each row in the same transaction right after inserting it (default true): the
 *                          table stays empty while the WAL, which the pipeline reads, still carries every insert.
 *                          Turn it off to keep rows for inspection, then delete them yourself.
 * @param traceContext      where the current {@code traceparent} comes from for events without one; default
 *                          {@link TraceContext#mdc()}
 * @param maxPayloadBytes   largest payload accepted, in UTF-8 bytes (default {@value #DEFAULT_MAX_PAYLOAD_BYTES}): an
 *                          event larger than the topic's {@code max.message.bytes} could never be published and
 *                          would stop the pipeline, so it is refused here, in the writer's transaction
 */
public record OutboxOptions(String table, boolean deleteAfterInsert, TraceContext traceContext, int maxPayloadBytes) {

    public static final String DEFAULT_TABLE = "outbox";
    /** Below Kafka's default max.message.bytes (1 MiB), leaving room for the key and headers. */
    public static final int DEFAULT_MAX_PAYLOAD_BYTES = 1_000_000;

    private static final Pattern TABLE = Pattern.compile("([A-Za-z_][A-Za-z0-9_$]*\\.)?[A-Za-z_][A-Za-z0-9_$]*");

    public OutboxOptions {
        table = table(table);
        Objects.requireNonNull(traceContext, "traceContext (use TraceContext.none() for none)");
        if (maxPayloadBytes <= 0) {
            throw new IllegalArgumentException("maxPayloadBytes must be positive, got " + maxPayloadBytes);
        }
    }

    /** Table {@value #DEFAULT_TABLE}, delete after insert, trace context from the SLF4J MDC, 1,000,000 bytes. */
    public static OutboxOptions defaults() {
        return new OutboxOptions(DEFAULT_TABLE, true, TraceContext.mdc(), DEFAULT_MAX_PAYLOAD_BYTES);
    }

    public OutboxOptions withTable(String table) {
        return new OutboxOptions(table, deleteAfterInsert, traceContext, maxPayloadBytes);
    }

    public OutboxOptions withDeleteAfterInsert(boolean deleteAfterInsert) {
        return new OutboxOptions(table, deleteAfterInsert, traceContext, maxPayloadBytes);
    }

    public OutboxOptions withTraceContext(TraceContext traceContext) {
        return new OutboxOptions(table, deleteAfterInsert, traceContext, maxPayloadBytes);
    }

    public OutboxOptions withMaxPayloadBytes(int maxPayloadBytes) {
        return new OutboxOptions(table, deleteAfterInsert, traceContext, maxPayloadBytes);
    }

    /** Checks a {@code table} or {@code schema.table} name made of plain (unquoted) identifiers. */
    static String table(String table) {
        if (table == null || !TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("table must be a plain table or schema.table name (letters, digits, "
                    + "'_'; not starting with a digit), got " + (table == null ? "null" : "'" + table + "'"));
        }
        return table;
    }
}
