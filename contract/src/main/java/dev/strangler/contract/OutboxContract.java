package dev.strangler.contract;

import java.util.List;
import java.util.Set;

/**
 * The transactional outbox as both sides see it: the table's columns (Debezium's standard outbox shape), which the
 * library writes and the engine's router reads, and the headers a routed event carries, which consumers read.
 */
public final class OutboxContract {

    public static final String COLUMN_ID = "id";
    public static final String COLUMN_AGGREGATE_TYPE = "aggregatetype";
    public static final String COLUMN_AGGREGATE_ID = "aggregateid";
    public static final String COLUMN_TYPE = "type";
    public static final String COLUMN_PAYLOAD = "payload";
    public static final String COLUMN_OCCURRED_AT = "occurred_at";
    public static final String COLUMN_TRACEPARENT = "traceparent";
    public static final String COLUMN_HEADERS = "headers";
    /** The columns the router cannot do without; the others become optional headers. */
    public static final List<String> ROUTED_COLUMNS =
            List.of(COLUMN_ID, COLUMN_AGGREGATE_TYPE, COLUMN_AGGREGATE_ID, COLUMN_PAYLOAD);

    /** The event id (a UUID as text): what a consumer deduplicates by. */
    public static final String HEADER_ID = "id";
    public static final String HEADER_EVENT_TYPE = "eventType";
    public static final String HEADER_OCCURRED_AT = "occurredAt";
    public static final String HEADER_TRACEPARENT = IntakeHeaderNames.TRACEPARENT;
    /** Header names an event's own headers may not use: the router sets them. */
    public static final Set<String> RESERVED_HEADERS =
            Set.of(HEADER_ID, HEADER_EVENT_TYPE, HEADER_OCCURRED_AT, HEADER_TRACEPARENT);

    private OutboxContract() {
    }

    /**
     * True when an event's own header name is taken by the router or by Strangler's intake headers (compared without
     * case: a consumer looking for {@code eventType} must not find the event's own {@code EventType} instead).
     */
    public static boolean isReservedHeader(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return RESERVED_HEADERS.stream().anyMatch(r -> r.equalsIgnoreCase(lower))
                || lower.startsWith(IntakeHeaderNames.RESERVED_PREFIX);
    }
}
