-- The transactional outbox, in Debezium's standard shape, for a service's OWN database or schema. Add this folder
-- (classpath:strangler/sql/outbox) to the service's Flyway locations, or let Strangler's OutboxMigrations apply it:
-- the tables are created in the connection's current schema (Flyway's default schema), unqualified on purpose.
--
-- A service inserts one row per event in the same transaction as its business data; the Strangler pipeline captures
-- the table and routes each inserted row to the topic of its aggregate type (io.debezium.transforms.outbox.EventRouter).
CREATE TABLE outbox (
    id             uuid         PRIMARY KEY,           -- event id; also the Kafka header "id", for consumer dedupe
    aggregatetype  text         NOT NULL,              -- routes the event: topic <prefix>.outbox.<aggregatetype>
    aggregateid    text         NOT NULL,              -- the Kafka key: events of one aggregate stay in order
    type           text         NOT NULL,              -- event type, the Kafka header "eventType"
    payload        jsonb        NOT NULL,              -- the Kafka value
    occurred_at    timestamptz  NOT NULL DEFAULT now(),
    traceparent    text,                               -- W3C trace context of the writing request, if any
    headers        jsonb                               -- extra Kafka headers, a flat JSON object of strings
);

-- Consumer side: the ids of events a consumer has processed, written in the consumer's own transaction, so an event
-- delivered twice (at-least-once) is applied once.
CREATE TABLE inbox (
    consumer       text         NOT NULL,
    event_id       uuid         NOT NULL,
    processed_at   timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
