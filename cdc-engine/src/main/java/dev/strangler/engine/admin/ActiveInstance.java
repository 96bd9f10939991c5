package dev.strangler.engine.admin;

import java.time.Duration;
import java.time.Instant;

/**
 * The instance of a pipeline that holds its lock (and so publishes), as PostgreSQL shows its lock session.
 *
 * @param instance    {@code pid@host} and since when it holds the lock, as it named its session
 * @param connectedAt when its lock session connected
 * @param silentFor   how long its session has shown no sign of life
 */
public record ActiveInstance(String instance, Instant connectedAt, Duration silentFor) {
}
