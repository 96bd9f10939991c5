package dev.strangler.sink;

import dev.strangler.sink.config.Mapping;
import dev.strangler.sink.config.SinkConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one polled batch in one database transaction: the marker row first (before the first write: the pipeline
 * recognises the rest of the transaction as the sink's), then every event in order (per partition in offset order, so
 * per key), then each partition's new position, compare-and-set, then commit. A crash anywhere before the commit
 * leaves nothing of the batch, and its positions unmoved; after it, both.
 *
 * <p>A bad event (it does not match its mapping, or the database refuses it): with {@code sink.errors=stop} the
 * transaction is rolled back, the events before it are applied again in a new one with their positions, and
 * {@link BadEventException} names it; with {@code dead-letter} it goes to the dead-letter topic and the batch is
 * applied without it (a database refusal aborts the transaction, so the batch starts over; the refused event is not
 * written twice). Dead letters are acknowledged before the commit.
 */
final class BatchApplier {

    private static final Logger LOG = LoggerFactory.getLogger(BatchApplier.class);
    static final Duration TRIM_EVERY = Duration.ofMinutes(10);
    static final Duration DEAD_LETTER_TIMEOUT = Duration.ofSeconds(60);

    /** Another instance moved a partition's stored position: this batch is not applied, positions must be read again. */
    static final class PositionMovedException extends RuntimeException {
        PositionMovedException(TopicPartition tp) {
            super("the stored position of " + tp + " was moved by another sink instance");
        }
    }

    /** A bad event found while applying: where and why; the transaction is already rolled back. */
    private record Bad(int index, String mapping, String reason, Throwable cause) {
    }

    /** What one transaction did: the positions it committed, or the bad event that rolled it back. */
    private record Attempt(Map<TopicPartition, Long> committed, Bad bad) {
    }

    private final Connection db;
    private final EventDecoder decoder;
    private final TableWriter writer;
    private final PositionStore positions;
    private final DeadLetters deadLetters;
    private final SinkMetrics metrics;
    private final Duration markerRetention;
    private final Clock clock;
    private Instant nextTrim = Instant.MIN;

    /** @param deadLetters null with sink.errors=stop */
    BatchApplier(Connection db, EventDecoder decoder, PositionStore positions, DeadLetters deadLetters,
                 SinkMetrics metrics, Duration markerRetention, Clock clock) {
        this.db = db;
        this.decoder = decoder;
        this.writer = new TableWriter(db);
        this.positions = positions;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.markerRetention = markerRetention;
        this.clock = clock;
    }

    /**
     * Applies the batch and commits it with its positions.
     *
     * @param stored the stored position of every partition in the batch as this instance knows it
     * @param ends   the consumer's position in each partition after the batch: past the last record, and past the
     *               transaction markers and aborted records that follow it (a transactional topic's end offset is
     *               one past its last commit marker), so the stored position of a fully applied topic is its end
     * @return the new stored position of every partition the batch moved
     * @throws BadEventException      a bad event with sink.errors=stop, after the events before it were committed
     * @throws PositionMovedException another instance moved a position: nothing committed
     * @throws SQLException           the database failed otherwise (connection lost, privilege): nothing committed
     */
    Map<TopicPartition, Long> apply(List<ConsumerRecord<byte[], byte[]>> records,
                                    Map<TopicPartition, OptionalLong> stored, Map<TopicPartition, Long> ends)
            throws SQLException, InterruptedException {
        Map<Integer, String> deadLettered = new HashMap<>(); // index -> mapping id (null: none took it)
        while (true) {
            Attempt attempt = attempt(records, records.size(), stored, ends, deadLettered);
            if (attempt.bad() == null) {
                return attempt.committed();
            }
            Bad bad = attempt.bad();
            ConsumerRecord<byte[], byte[]> record = records.get(bad.index());
            if (deadLetters != null) {
                deadLetter(record, bad.mapping(), bad.reason());
                deadLettered.put(bad.index(), bad.mapping());
                continue; // the refusal aborted the transaction: the batch again, without it
            }
            if (bad.index() > 0) {
                Attempt before = attempt(records, bad.index(), stored, Map.of(), deadLettered);
                if (before.bad() != null) { // the table changed under the sink meanwhile: report that one
                    bad = before.bad();
                    record = records.get(bad.index());
                } else {
                    LOG.info("applied the {} event(s) before the bad one; positions now {}", bad.index(),
                            before.committed());
                }
            }
            throw new BadEventException(record.topic(), record.partition(), record.offset(), bad.reason(),
                    bad.cause());
        }
    }

    /**
     * One transaction over {@code records[0, limit)}, skipping the dead-lettered ones: the new positions after its
     * commit, or the first bad event after its rollback.
     */
    private Attempt attempt(List<ConsumerRecord<byte[], byte[]>> records, int limit,
                            Map<TopicPartition, OptionalLong> stored, Map<TopicPartition, Long> ends,
                            Map<Integer, String> deadLettered)
            throws SQLException, InterruptedException {
        Map<String, long[]> counts = new HashMap<>();
        List<String> conflicts = new ArrayList<>();
        Map<TopicPartition, Long> next = new LinkedHashMap<>();
        boolean marked = false;
        boolean committed = false;
        try {
            for (int i = 0; i < limit; i++) {
                ConsumerRecord<byte[], byte[]> record = records.get(i);
                next.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                if (deadLettered.containsKey(i)) {
                    count(counts, deadLettered.get(i), DEAD_LETTERED);
                    continue;
                }
                Change change;
                try {
                    change = decoder.decode(record);
                } catch (EventDecoder.BadEvent e) {
                    if (deadLetters == null) {
                        return new Attempt(null, new Bad(i, e.mapping(), e.getMessage(), null));
                    }
                    deadLetter(record, e.mapping(), e.getMessage());
                    deadLettered.put(i, e.mapping());
                    count(counts, e.mapping(), DEAD_LETTERED);
                    continue;
                }
                String mapping = change.plan().mapping().id();
                if (change.action() == Mapping.Action.IGNORE) {
                    count(counts, mapping, IGNORED);
                    continue;
                }
                if (!marked) {
                    begin();
                    marked = true;
                }
                TableWriter.Outcome outcome;
                try {
                    outcome = writer.write(change);
                } catch (SQLException e) {
                    if (!SqlStates.badData(e)) {
                        throw e;
                    }
                    return new Attempt(null, new Bad(i, mapping, change.plan().mapping().describe() + ": the "
                            + "database refused the " + change.action().name().toLowerCase(java.util.Locale.ROOT)
                            + " of key " + change.describeKey() + ": " + SqlStates.describe(e), e));
                }
                switch (outcome) {
                    case WRITTEN -> count(counts, mapping, change.action() == Mapping.Action.DELETE ? DELETED
                            : WRITTEN);
                    case ABSENT -> count(counts, mapping, DELETED);
                    case KEPT_NEWER -> {
                        count(counts, mapping, CONFLICTS);
                        conflicts.add(conflict(change, record));
                    }
                    case MISSING -> {
                        return new Attempt(null, new Bad(i, mapping, change.plan().mapping().describe()
                                + ": no row with key " + change.describeKey() + " to update (mapping." + mapping
                                + ".action=update needs the row; upsert would insert it)", null));
                    }
                    default -> throw new IllegalStateException(outcome.name());
                }
            }
            next.replaceAll((tp, n) -> Math.max(n, ends.getOrDefault(tp, n)));
            for (Map.Entry<TopicPartition, Long> position : next.entrySet()) {
                OptionalLong expected = stored.getOrDefault(position.getKey(), OptionalLong.empty());
                if (!positions.advance(db, position.getKey(), expected, position.getValue())) {
                    throw new PositionMovedException(position.getKey());
                }
            }
            if (deadLetters != null) {
                deadLetters.awaitAll(DEAD_LETTER_TIMEOUT);
            }
            db.commit();
            committed = true;
        } finally {
            if (!committed) {
                rollbackQuietly();
            }
        }
        counts.forEach((mapping, c) -> {
            if (mapping == null) {
                for (long i = 0; i < c[DEAD_LETTERED]; i++) {
                    metrics.unmappedDeadLettered();
                }
            } else {
                metrics.add(mapping, new SinkMetrics.Counts(c[WRITTEN], c[DELETED], c[CONFLICTS], c[IGNORED],
                        c[DEAD_LETTERED]));
            }
        });
        metrics.batchCommitted();
        conflicts.forEach(LOG::warn);
        return new Attempt(next, null);
    }

    private static final int WRITTEN = 0;
    private static final int DELETED = 1;
    private static final int CONFLICTS = 2;
    private static final int IGNORED = 3;
    private static final int DEAD_LETTERED = 4;

    /**
     * Moves stored positions over what the consumer passed without returning records (transaction markers, aborted
     * transactions), so an idle, fully applied partition's stored position is its end offset. No table is written.
     *
     * @return the positions moved
     * @throws PositionMovedException another instance moved one: nothing committed
     */
    Map<TopicPartition, Long> skipTo(Map<TopicPartition, OptionalLong> stored, Map<TopicPartition, Long> positions)
            throws SQLException {
        Map<TopicPartition, Long> moved = new LinkedHashMap<>();
        boolean committed = false;
        try {
            for (Map.Entry<TopicPartition, Long> p : positions.entrySet()) {
                OptionalLong expected = stored.getOrDefault(p.getKey(), OptionalLong.empty());
                if (expected.isPresent() && p.getValue() > expected.getAsLong()) {
                    if (!this.positions.advance(db, p.getKey(), expected, p.getValue())) {
                        throw new PositionMovedException(p.getKey());
                    }
                    moved.put(p.getKey(), p.getValue());
                }
            }
            db.commit();
            committed = true;
        } finally {
            if (!committed) {
                rollbackQuietly();
            }
        }
        return moved;
    }

    /** The transaction's first writes: the marker, and now and then the removal of old markers. */
    private void begin() throws SQLException {
        positions.mark(db);
        try (Statement st = db.createStatement()) {
            // deferred constraints checked at each statement, so a refusal names the event that caused it
            st.execute("SET CONSTRAINTS ALL IMMEDIATE");
        }
        Instant now = clock.instant();
        if (!now.isBefore(nextTrim)) {
            int trimmed = positions.trimMarkers(db, markerRetention);
            LOG.debug("removed {} marker row(s) older than {}", trimmed, markerRetention);
            nextTrim = now.plus(TRIM_EVERY);
        }
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, String mapping, String reason) {
        LOG.warn("dead-lettered topic {} partition {} offset {} to {}: {}", record.topic(), record.partition(),
                record.offset(), deadLetters.topic(), reason);
        deadLetters.send(record, mapping, reason);
    }

    private static String conflict(Change change, ConsumerRecord<byte[], byte[]> record) {
        Mapping m = change.plan().mapping();
        String version = m.versionColumn().orElse("?");
        var value = change.values().get(version);
        return "conflict in " + m.table() + ", key " + change.describeKey() + ": the row's " + version + " is newer "
                + "than the event's (" + (value == null ? "none" : value.isTextual() ? value.textValue() : value)
                + "); the row is kept (mapping." + m.id() + ".conflict=keep-newer; topic " + record.topic()
                + " partition " + record.partition() + " offset " + record.offset() + ")";
    }

    /** counts[mapping][WRITTEN, DELETED, CONFLICTS, IGNORED or DEAD_LETTERED]. */
    private static void count(Map<String, long[]> counts, String mapping, int which) {
        counts.computeIfAbsent(mapping, m -> new long[5])[which]++;
    }

    private void rollbackQuietly() {
        try {
            db.rollback();
        } catch (SQLException e) {
            LOG.debug("rollback failed: {}", e.getMessage());
        }
    }

    void close() {
        writer.close();
    }
}
