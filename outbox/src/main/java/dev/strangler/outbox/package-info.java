/**
 * The transactional outbox for a service's own code: {@link dev.strangler.outbox.Outbox} writes an
 * {@link dev.strangler.outbox.OutboxEvent} on the caller's JDBC connection inside the caller's transaction (so the
 * event exists if and only if the business change commits), the Strangler pipeline routes each committed row to the
 * Kafka topic of its aggregate type, and {@link dev.strangler.outbox.Inbox} lets a consumer apply each delivered
 * event once. {@link dev.strangler.outbox.OutboxMigrations} creates the tables. Plain JDBC, no framework; the library
 * never depends on the engine.
 */
package dev.strangler.outbox;
