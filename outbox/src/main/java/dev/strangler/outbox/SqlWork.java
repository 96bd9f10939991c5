package dev.strangler.outbox;

import java.sql.Connection;

/**
 * A consumer's handling of one event, run by {@link Inbox#processOnce} on the consumer's connection inside the
 * consumer's transaction. Whatever it throws is rethrown unchanged by {@code processOnce}.
 *
 * @param <E> the checked exception the work may throw ({@link java.sql.SQLException} for plain JDBC, or
 *            {@link RuntimeException} for none)
 */
@FunctionalInterface
public interface SqlWork<E extends Exception> {

    void run(Connection connection) throws E;
}
