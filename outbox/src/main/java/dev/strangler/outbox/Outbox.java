package dev.strangler.outbox;

import dev.strangler.contract.OutboxContract;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Writes events to the transactional outbox on the caller's {@link Connection}, inside the caller's transaction: the
 * event is published if and only if the caller's transaction commits, together with the business data it wrote.
 *
 * <pre>{@code
 * Outbox outbox = new Outbox(OutboxOptions.defaults());           // once; thread-safe
 *
 * try (Connection c = dataSource.getConnection()) {
 *     c.setAutoCommit(false);
 *     // ... the service's own INSERT/UPDATE ...
 *     outbox.write(c, OutboxEvent.of("order", orderId, "OrderPlaced", "{\"total\":\"42.00\"}"));
 *     c.commit();
 * }
 * }</pre>
 *
 * <p>The outbox never commits, rolls back or opens a transaction, and never touches the connection's settings. It
 * refuses a connection in autocommit mode (the row would be committed on its own, whatever happens to the business
 * data) and a read-only one. Every check runs before the first statement, so a refused event leaves the caller's
 * transaction usable. A failed statement (for example, the table does not exist) throws {@link OutboxException}; as
 * with any failed statement, PostgreSQL has then aborted the transaction.
 *
 * <p>Works with any {@link javax.sql.DataSource} (HikariCP, a framework's transaction-bound connection) and
 * PostgreSQL's JDBC driver. Thread-safe: one instance serves the whole service.
 */
public final class Outbox {

    private final OutboxOptions options;
    private final String insertSql;
    private final String deleteSql;

    public Outbox(OutboxOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.insertSql = "INSERT INTO " + options.table() + " (" + String.join(", ", OutboxContract.COLUMN_ID,
                OutboxContract.COLUMN_AGGREGATE_TYPE, OutboxContract.COLUMN_AGGREGATE_ID, OutboxContract.COLUMN_TYPE,
                OutboxContract.COLUMN_PAYLOAD, OutboxContract.COLUMN_OCCURRED_AT, OutboxContract.COLUMN_TRACEPARENT,
                OutboxContract.COLUMN_HEADERS) + ") VALUES (CAST(? AS uuid), ?, ?, ?, CAST(? AS jsonb), ?, ?, "
                + "CAST(? AS jsonb))";
        this.deleteSql = "DELETE FROM " + options.table() + " WHERE " + OutboxContract.COLUMN_ID
                + " = CAST(? AS uuid)";
    }

    /** An outbox with {@link OutboxOptions#defaults()}. */
    public Outbox() {
        this(OutboxOptions.defaults());
    }

    public OutboxOptions options() {
        return options;
    }

    /**
     * Writes one event in the connection's current transaction (and, with {@code deleteAfterInsert}, deletes its row
     * again in the same transaction).
     *
     * @return the event id (the {@code id} header the consumer sees)
     * @throws IllegalArgumentException the event is too large for the configured limit
     * @throws IllegalStateException    the connection is in autocommit mode, read-only or closed; nothing was written
     * @throws OutboxException          the database refused the statement; roll the transaction back
     */
    public UUID write(Connection connection, OutboxEvent event) {
        Objects.requireNonNull(event, "event");
        return writeAll(connection, List.of(event)).get(0);
    }

    /**
     * Writes several events in the connection's current transaction, in the given order (one batch). All events are
     * checked before anything is written.
     *
     * @return the event ids, in the same order
     * @see #write(Connection, OutboxEvent)
     */
    public List<UUID> writeAll(Connection connection, Collection<OutboxEvent> events) {
        Objects.requireNonNull(connection, "connection");
        Objects.requireNonNull(events, "events");
        List<Row> rows = new ArrayList<>(events.size());
        for (OutboxEvent event : events) {
            rows.add(row(Objects.requireNonNull(event, "events must not contain null")));
        }
        if (rows.isEmpty()) {
            return List.of();
        }
        requireOpenWritableTransaction(connection, "an outbox event");
        try (PreparedStatement insert = connection.prepareStatement(insertSql)) {
            for (Row row : rows) {
                OutboxEvent e = row.event;
                insert.setString(1, e.id().toString());
                insert.setString(2, e.aggregateType());
                insert.setString(3, e.aggregateId());
                insert.setString(4, e.type());
                insert.setString(5, e.payload());
                insert.setObject(6, OffsetDateTime.ofInstant(e.occurredAt(), ZoneOffset.UTC));
                insert.setString(7, row.traceparent);
                insert.setString(8, e.headers().isEmpty() ? null : Json.write(e.headers()));
                if (rows.size() == 1) {
                    insert.executeUpdate();
                } else {
                    insert.addBatch();
                }
            }
            if (rows.size() > 1) {
                insert.executeBatch();
            }
        } catch (SQLException e) {
            throw failure("writing", rows, e);
        }
        if (options.deleteAfterInsert()) {
            try (PreparedStatement delete = connection.prepareStatement(deleteSql)) {
                for (Row row : rows) {
                    delete.setString(1, row.event.id().toString());
                    if (rows.size() == 1) {
                        delete.executeUpdate();
                    } else {
                        delete.addBatch();
                    }
                }
                if (rows.size() > 1) {
                    delete.executeBatch();
                }
            } catch (SQLException e) {
                throw failure("deleting (after insert)", rows, e);
            }
        }
        List<UUID> ids = new ArrayList<>(rows.size());
        rows.forEach(row -> ids.add(row.event.id()));
        return ids;
    }

    private Row row(OutboxEvent event) {
        int bytes = event.payload().getBytes(StandardCharsets.UTF_8).length;
        if (bytes > options.maxPayloadBytes()) {
            throw new IllegalArgumentException("payload of event " + event.id() + " (" + event.type() + " for "
                    + event.aggregateType() + " " + event.aggregateId() + ") is " + bytes + " bytes, more than "
                    + "maxPayloadBytes " + options.maxPayloadBytes() + ": Kafka would refuse the record and the "
                    + "pipeline would stop. Publish a reference to the data instead, or raise the topic's "
                    + "max.message.bytes and OutboxOptions.maxPayloadBytes together");
        }
        String traceparent = event.traceparent();
        if (traceparent == null) {
            String current = options.traceContext().currentTraceparent();
            traceparent = TraceContext.isValidTraceparent(current) ? current : null;
        }
        return new Row(event, traceparent);
    }

    /**
     * Refuses a connection that would not keep the write inside the caller's transaction, before any statement runs.
     */
    static void requireOpenWritableTransaction(Connection connection, String what) {
        try {
            if (connection.isClosed()) {
                throw new IllegalStateException("the connection is closed; write " + what + " on the open "
                        + "connection of your transaction");
            }
            if (connection.getAutoCommit()) {
                throw new IllegalStateException("the connection is in autocommit mode, so " + what + " would be "
                        + "committed on its own, whatever happens to the rest of your work: write it inside your "
                        + "transaction (connection.setAutoCommit(false), or your framework's transaction), and commit "
                        + "yourself; nothing was written");
            }
            if (connection.isReadOnly()) {
                throw new IllegalStateException("the connection is read-only; " + what + " needs a read-write "
                        + "transaction; nothing was written");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not check the connection's transaction state ("
                    + e.getMessage() + "); nothing was written", e);
        }
    }

    private OutboxException failure(String doing, List<Row> rows, SQLException e) {
        OutboxEvent first = rows.get(0).event;
        String which = rows.size() == 1
                ? "event " + first.id() + " (" + first.type() + " for " + first.aggregateType() + " "
                        + first.aggregateId() + ")"
                : rows.size() + " events (the first " + first.id() + ")";
        SQLException cause = e.getNextException() != null && e.getNextException() != e ? e.getNextException() : e;
        String state = cause.getSQLState() != null ? cause.getSQLState() : e.getSQLState();
        String hint = "42P01".equals(state)
                ? "; the table does not exist in this connection's schema: apply the outbox migration "
                        + "(OutboxMigrations.apply, or add classpath:strangler/sql/outbox to your Flyway) or set "
                        + "OutboxOptions.withTable(\"schema.outbox\")"
                : "";
        return new OutboxException(doing + " " + which + " in " + options.table() + " failed: "
                + cause.getMessage() + " [SQLState " + state + "]" + hint
                + "; the transaction is aborted, roll it back", e);
    }

    private record Row(OutboxEvent event, String traceparent) {
    }
}
