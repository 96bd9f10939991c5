package dev.strangler.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.contract.OutboxContract;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * One event for the outbox: what happened ({@link #type}) to which aggregate ({@link #aggregateType},
 * {@link #aggregateId}), with a JSON {@link #payload}. Valid by construction: the constructor refuses bad input with
 * an {@link IllegalArgumentException} naming the field, so nothing is ever written for it.
 *
 * <p>How each field reaches Kafka (through the pipeline's outbox routing): {@code aggregateType} picks the topic
 * ({@code <topic.prefix>.outbox.<aggregateType>} by default), {@code aggregateId} is the record key (events of one
 * aggregate stay in order), {@code payload} is the record value, and the headers are {@code id} (the event id, for
 * consumer dedupe: see {@link Inbox}), {@code eventType} ({@code type}), {@code traceparent} and each entry of
 * {@code headers}.
 *
 * @param id            event id; generated (random UUID) when null
 * @param aggregateType the kind of aggregate, e.g. {@code order}; part of a Kafka topic name, so letters, digits,
 *                      {@code .}, {@code _} and {@code -} only, at most {@value #MAX_AGGREGATE_TYPE_LENGTH} characters
 * @param aggregateId   which aggregate, e.g. the order's id as text; the Kafka key
 * @param type          the event type, e.g. {@code OrderPlaced}
 * @param payload       the event as JSON text: one JSON object (the Kafka value)
 * @param headers       extra Kafka headers, name to text value; empty when null. Names {@code id}, {@code eventType},
 *                      {@code occurredAt},
 *                      {@code traceparent} (use the traceparent field) and {@code strangler.*} are reserved.
 * @param occurredAt    when the event happened; now when null
 * @param traceparent   W3C trace context of this event; when null, {@link Outbox} takes the current one from its
 *                      {@link TraceContext}
 */
public record OutboxEvent(UUID id, String aggregateType, String aggregateId, String type, String payload,
                          Map<String, String> headers, Instant occurredAt, String traceparent) {

    /** Longest aggregate type: with the topic prefix and {@code .outbox.} it must fit Kafka's 249-character limit. */
    public static final int MAX_AGGREGATE_TYPE_LENGTH = 180;

    private static final Pattern TOPIC_SAFE = Pattern.compile("[A-Za-z0-9._-]+");

    public OutboxEvent {
        id = id != null ? id : UUID.randomUUID();
        aggregateType = text("aggregateType", aggregateType);
        if (!TOPIC_SAFE.matcher(aggregateType).matches() || aggregateType.length() > MAX_AGGREGATE_TYPE_LENGTH) {
            throw new IllegalArgumentException("aggregateType '" + aggregateType + "' cannot be part of a Kafka "
                    + "topic name (it routes the event to <topic.prefix>.outbox.<aggregateType>): use letters, "
                    + "digits, '.', '_' and '-' only, at most " + MAX_AGGREGATE_TYPE_LENGTH + " characters");
        }
        aggregateId = text("aggregateId", aggregateId);
        type = text("type", type);
        if (payload == null) {
            throw new IllegalArgumentException("payload must not be null: give the event as JSON text");
        }
        String problem = Json.problem(payload);
        if (problem != null) {
            throw new IllegalArgumentException("payload is not valid JSON for the outbox: " + problem
                    + " (payload starts with: " + preview(payload) + ")");
        }
        headers = headers(headers);
        occurredAt = occurredAt != null ? occurredAt : Instant.now();
        if (traceparent != null && !TraceContext.isValidTraceparent(traceparent)) {
            throw new IllegalArgumentException("traceparent '" + traceparent + "' is not a W3C trace context "
                    + "(00-<32 hex trace id>-<16 hex parent id>-<2 hex flags>, lower case); leave it null to take the "
                    + "current one from the Outbox's TraceContext");
        }
    }

    /** An event with a generated id, the current time and no extra headers. */
    public static OutboxEvent of(String aggregateType, String aggregateId, String type, String payloadJson) {
        return new OutboxEvent(null, aggregateType, aggregateId, type, payloadJson, null, null, null);
    }

    /** An event with a generated id, the current time and no extra headers. */
    public static OutboxEvent of(String aggregateType, String aggregateId, String type, JsonNode payload) {
        return builder().aggregateType(aggregateType).aggregateId(aggregateId).type(type).payload(payload).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    private static String text(String field, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be " + (value == null ? "null" : "blank"));
        }
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(field + " must not contain the character U+0000 (PostgreSQL text "
                    + "cannot store it)");
        }
        return value;
    }

    private static Map<String, String> headers(Map<String, String> headers) {
        if (headers == null || headers.isEmpty()) {
            return Map.of();
        }
        Map<String, String> copy = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            text("header name", name);
            if (OutboxContract.isReservedHeader(name)) {
                throw new IllegalArgumentException("header '" + name + "' is reserved: the pipeline sets id, "
                        + "eventType, occurredAt, traceparent (give it as the event's traceparent) and strangler.*");
            }
            if (value == null) {
                throw new IllegalArgumentException("header '" + name + "' has a null value");
            }
            if (value.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("header '" + name + "' must not contain the character U+0000");
            }
            copy.put(name, value);
        });
        return Collections.unmodifiableMap(copy);
    }

    private static String preview(String payload) {
        String oneLine = payload.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 60 ? "'" + oneLine + "'" : "'" + oneLine.substring(0, 57) + "...'";
    }

    /** Builds an {@link OutboxEvent}; {@link #build()} validates. */
    public static final class Builder {

        private UUID id;
        private String aggregateType;
        private String aggregateId;
        private String type;
        private String payload;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private Instant occurredAt;
        private String traceparent;

        private Builder() {
        }

        /** The event id; generated when not set. */
        public Builder id(UUID id) {
            this.id = id;
            return this;
        }

        public Builder aggregateType(String aggregateType) {
            this.aggregateType = aggregateType;
            return this;
        }

        public Builder aggregateId(String aggregateId) {
            this.aggregateId = aggregateId;
            return this;
        }

        public Builder type(String type) {
            this.type = type;
            return this;
        }

        /** The payload as JSON text. */
        public Builder payload(String json) {
            this.payload = json;
            return this;
        }

        /** The payload as a Jackson tree. */
        public Builder payload(JsonNode json) {
            this.payload = json == null ? null : Json.write(json);
            return this;
        }

        /** Adds one extra Kafka header. */
        public Builder header(String name, String value) {
            this.headers.put(name, value);
            return this;
        }

        /** Adds extra Kafka headers. */
        public Builder headers(Map<String, String> headers) {
            this.headers.putAll(headers);
            return this;
        }

        /** When the event happened; now when not set. */
        public Builder occurredAt(Instant occurredAt) {
            this.occurredAt = occurredAt;
            return this;
        }

        /** The W3C trace context; the Outbox's {@link TraceContext} supplies it when not set. */
        public Builder traceparent(String traceparent) {
            this.traceparent = traceparent;
            return this;
        }

        public OutboxEvent build() {
            return new OutboxEvent(id, aggregateType, aggregateId, type, payload, headers, occurredAt, traceparent);
        }
    }
}
