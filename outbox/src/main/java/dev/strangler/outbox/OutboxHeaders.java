package dev.strangler.outbox;

import dev.strangler.contract.OutboxContract;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The Kafka headers of a routed outbox event, and reading the event id back on the consumer side.
 *
 * <p>Every routed event carries {@value #EVENT_ID} (the event id, a UUID as UTF-8 text), {@value #EVENT_TYPE} (the
 * outbox row's {@code type}), {@value #TRACEPARENT} (the row's trace context, else the pipeline's intake one), each
 * entry of the row's {@code headers}, and the pipeline's intake headers {@code strangler.*}.
 */
public final class OutboxHeaders {

    /** The event id, the outbox row's {@code id}: what {@link Inbox} deduplicates on. */
    public static final String EVENT_ID = OutboxContract.HEADER_ID;
    /** The event type, the outbox row's {@code type}. */
    public static final String EVENT_TYPE = OutboxContract.HEADER_EVENT_TYPE;
    /** The W3C trace context. */
    public static final String TRACEPARENT = OutboxContract.HEADER_TRACEPARENT;
    /** When the event happened, the outbox row's {@code occurred_at}, as the router writes it. */
    public static final String OCCURRED_AT = OutboxContract.HEADER_OCCURRED_AT;

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private OutboxHeaders() {
    }

    /**
     * The event id from the value of the {@value #EVENT_ID} header: a UUID as UTF-8 text, also accepted as a JSON
     * string (in double quotes), as a pipeline with a JSON header converter writes it.
     *
     * @throws IllegalArgumentException when the value is missing or not a UUID (not an outbox event)
     */
    public static UUID parseEventId(byte[] idHeaderValue) {
        if (idHeaderValue == null) {
            throw new IllegalArgumentException("no '" + EVENT_ID + "' header value: not a routed outbox event");
        }
        String text = new String(idHeaderValue, StandardCharsets.UTF_8).strip();
        if (text.length() >= 2 && text.charAt(0) == '"' && text.charAt(text.length() - 1) == '"') {
            text = text.substring(1, text.length() - 1);
        }
        if (!UUID_TEXT.matcher(text).matches()) {
            throw new IllegalArgumentException("the '" + EVENT_ID + "' header is not an event id (a UUID): '"
                    + abbreviate(text) + "'");
        }
        return UUID.fromString(text);
    }

    /**
     * The event id of a consumed record ({@code record.headers()}); needs kafka-clients, which a consumer has anyway
     * (a consumer on another client passes the header's bytes to {@link #parseEventId(byte[])}).
     *
     * @throws IllegalArgumentException when there is no {@value #EVENT_ID} header or it is not a UUID
     */
    public static UUID eventId(Headers headers) {
        Header header = headers == null ? null : headers.lastHeader(EVENT_ID);
        if (header == null) {
            throw new IllegalArgumentException("the record has no '" + EVENT_ID + "' header: not a routed outbox "
                    + "event");
        }
        return parseEventId(header.value());
    }

    private static String abbreviate(String text) {
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
