package dev.strangler.outbox;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.UUID;

/**
 * The idempotent consumer: Kafka delivers each outbox event at least once (a pipeline restart or a consumer
 * rebalance can deliver it again); a consumer that handles events through {@link #processOnce} applies each one
 * exactly once, because the event id is recorded in the {@code inbox} table in the same transaction as the work.
 *
 * <pre>{@code
 * Inbox inbox = new Inbox();                                       // once; thread-safe
 *
 * for (ConsumerRecord<String, String> record : consumer.poll(timeout)) {
 *     try (Connection c = dataSource.getConnection()) {
 *         c.setAutoCommit(false);
 *         inbox.processOnce(c, "billing", OutboxHeaders.eventId(record.headers()), tx -> {
 *             // the consumer's own writes, on tx (the same connection)
 *         });
 *         c.commit();
 *     }
 * }
 * consumer.commitSync();                                           // after the database commit
 * }</pre>
 *
 * <p>{@code processOnce} inserts {@code (consumer, event id)} with {@code ON CONFLICT DO NOTHING} and runs the work
 * only when the row is new. If the work throws, the inbox row and everything the work wrote are rolled back to a
 * savepoint taken just before, and the exception is rethrown: the transaction stays the caller's, usable, and the
 * event counts as not processed. Like {@link Outbox}, the inbox never commits or rolls back the transaction itself
 * and refuses a connection in autocommit mode. Two consumers handling the same event at once are serialised by the
 * primary key: the second waits for the first transaction and then skips (or processes, if the first rolled back).
 *
 * <p>The inbox grows by one row per event; {@link #deleteProcessedBefore} trims rows older than any redelivery can
 * be (the topic's retention, or the longest time a consumer may lag).
 */
public final class Inbox {

    public static final String DEFAULT_TABLE = "inbox";

    private final String table;
    private final String insertSql;

    /** The inbox in table {@value #DEFAULT_TABLE} of the connection's current schema. */
    public Inbox() {
        this(DEFAULT_TABLE);
    }

    /** @param table {@code table} or {@code schema.table}, plain identifiers */
    public Inbox(String table) {
        this.table = OutboxOptions.table(table);
        this.insertSql = "INSERT INTO " + this.table + " (consumer, event_id) VALUES (?, CAST(? AS uuid)) "
                + "ON CONFLICT DO NOTHING";
    }

    public String table() {
        return table;
    }

    /**
     * Runs {@code work} for this event unless this consumer has already processed it, all in the caller's
     * transaction.
     *
     * @param consumer the consuming application (or use case), e.g. its Kafka group id: each consumer processes
     *                 every event once
     * @param eventId  the event id, from {@link OutboxHeaders#eventId}
     * @return true when the work ran, false when the event had been processed before (the work did not run)
     * @throws E                     what the work threw (after rolling its writes and the inbox row back)
     * @throws IllegalStateException the connection is in autocommit mode, read-only or closed; nothing was written
     * @throws OutboxException       the database refused the inbox statement
     */
    public <E extends Exception> boolean processOnce(Connection connection, String consumer, UUID eventId,
                                                     SqlWork<E> work) throws E {
        Objects.requireNonNull(connection, "connection");
        if (consumer == null || consumer.isBlank() || consumer.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("consumer must be a non-blank name, got "
                    + (consumer == null ? "null" : "'" + consumer + "'"));
        }
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(work, "work");
        Outbox.requireOpenWritableTransaction(connection, "the inbox record");
        Savepoint savepoint;
        int inserted;
        try {
            savepoint = connection.setSavepoint();
            try (PreparedStatement insert = connection.prepareStatement(insertSql)) {
                insert.setString(1, consumer);
                insert.setString(2, eventId.toString());
                inserted = insert.executeUpdate();
            }
            if (inserted == 0) {
                connection.releaseSavepoint(savepoint);
                return false;
            }
        } catch (SQLException e) {
            throw new OutboxException("recording event " + eventId + " for consumer '" + consumer + "' in " + table
                    + " failed: " + e.getMessage() + " [SQLState " + e.getSQLState() + "]"
                    + ("42P01".equals(e.getSQLState()) ? "; apply the outbox migration (OutboxMigrations.apply) "
                    + "in the consumer's database" : "") + "; roll the transaction back", e);
        }
        try {
            work.run(connection);
        } catch (Exception | Error failure) {
            try {
                connection.rollback(savepoint);
            } catch (SQLException rollbackFailure) {
                failure.addSuppressed(rollbackFailure);
            }
            throw failure;
        }
        try {
            connection.releaseSavepoint(savepoint);
        } catch (SQLException e) {
            throw new OutboxException("releasing the inbox savepoint for event " + eventId + " failed: "
                    + e.getMessage() + "; roll the transaction back", e);
        }
        return true;
    }

    /** Whether this consumer has processed the event (in a committed transaction, or earlier in this one). */
    public boolean isProcessed(Connection connection, String consumer, UUID eventId) {
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM " + table
                + " WHERE consumer = ? AND event_id = CAST(? AS uuid)")) {
            select.setString(1, consumer);
            select.setString(2, eventId.toString());
            try (var rs = select.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new OutboxException("reading " + table + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Deletes inbox rows processed before {@code cutoff}, for every consumer; runs in the connection's transaction
     * (or on its own in autocommit mode). Only trim what can no longer be delivered again.
     *
     * @return the number of rows deleted
     */
    public int deleteProcessedBefore(Connection connection, Instant cutoff) {
        Objects.requireNonNull(cutoff, "cutoff");
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table
                + " WHERE processed_at < ?")) {
            delete.setObject(1, OffsetDateTime.ofInstant(cutoff, ZoneOffset.UTC));
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new OutboxException("trimming " + table + " failed: " + e.getMessage(), e);
        }
    }
}
