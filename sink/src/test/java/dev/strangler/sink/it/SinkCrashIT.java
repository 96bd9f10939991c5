package dev.strangler.sink.it;

import static dev.strangler.sink.it.SinkFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strangler.sandbox.ChildJvm;
import dev.strangler.sandbox.Sandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink process is killed with SIGKILL while a batch is being applied (its transaction open in PostgreSQL), again
 * and again, and started again each time: every event must have been applied exactly once, in order. The table's
 * trigger writes each row version it receives to an audit table, so a version applied twice, skipped, or applied out
 * of order shows up there, not only in the final counts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SinkCrashIT {

    private static final int KEYS = 120;
    private static final int VERSIONS = 100;
    private static final int KILLS = 3;
    private static final String TOPIC = "crash.svc.accounts";
    private static final String GROUP = "strangler-sink-crash";

    private Sandbox sandbox;
    private String db;

    @BeforeAll
    void start() {
        sandbox = Sandbox.start();
        db = database(sandbox, AUDITED_TABLE);
    }

    @AfterAll
    void close() {
        sandbox.close();
    }

    /**
     * legacy.accounts and its audit: every insert or update leaves (id, version) in legacy.applied, in the order the
     * rows were written (seq). A short sleep per row keeps each batch's transaction open long enough to be killed in.
     */
    static final String[] AUDITED_TABLE = auditedTable(0.001);

    static String[] auditedTable(double sleepSeconds) {
        return new String[] {
            "CREATE SCHEMA legacy",
            "CREATE TABLE legacy.accounts (id bigint PRIMARY KEY, version bigint NOT NULL, balance numeric(12,2))",
            "CREATE TABLE legacy.applied (seq bigserial PRIMARY KEY, id bigint NOT NULL, version bigint NOT NULL)",
            """
            CREATE FUNCTION legacy.audit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO legacy.applied (id, version) VALUES (NEW.id, NEW.version);
              PERFORM pg_sleep(%s);
              RETURN NEW;
            END $$""".formatted(sleepSeconds),
            "CREATE TRIGGER audit AFTER INSERT OR UPDATE ON legacy.accounts FOR EACH ROW "
                    + "EXECUTE FUNCTION legacy.audit()"
        };
    }

    static String balance(long id, long version) {
        return (id * 1000 + version) + "." + String.format("%02d", version % 100);
    }

    @Test
    void shouldApplyEveryEventExactlyOnceWhenKilledMidBatch(@TempDir Path dir) throws Exception {
        createTopic(sandbox, TOPIC, 4);
        try (Producer<String, String> producer = producer(sandbox)) {
            for (int v = 1; v <= VERSIONS; v++) {
                for (long id = 0; id < KEYS; id++) {
                    producer.send(change(TOPIC, v == 1 ? "c" : "u", id, "\"version\":" + v + ",\"balance\":\""
                            + balance(id, v) + "\""));
                }
            }
        }
        Map<String, String> s = settings(sandbox, db, "crash");
        s.put("sink.mappings", "accounts");
        s.put("sink.batch.size", "300");
        // a killed consumer never leaves the group: its partitions move on after the session timeout (default 45 s)
        s.put("kafka.client.session.timeout.ms", "6000");
        s.put("kafka.client.heartbeat.interval.ms", "1000");
        s.put("mapping.accounts.topic", TOPIC);
        s.put("mapping.accounts.table", "legacy.accounts");
        Path config = write(s, dir.resolve("sink.properties"));

        Random random = new Random(7);
        List<Long> appliedAtKill = new ArrayList<>();
        long before = 0;
        for (int kill = 0; kill < KILLS; kill++) {
            ChildJvm sink = launch(config, dir.resolve("sink-" + kill + ".log"));
            try {
                // a few batches committed in this run, then mid-batch: the sink's next transaction is open
                long target = before + (1 + random.nextInt(4)) * 300L;
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(5))
                        .until(() -> applied() >= target && inTransaction());
                sink.kill();
            } finally {
                sink.kill();
            }
            before = applied();
            appliedAtKill.add(before);
        }
        assertThat(appliedAtKill).as("each run got further before it was killed").isSorted()
                .doesNotHaveDuplicates().allMatch(n -> n < (long) KEYS * VERSIONS);

        ChildJvm last = launch(config, dir.resolve("sink-last.log"));
        try {
            Map<Integer, Long> end = endOffsets(sandbox, TOPIC);
            await().atMost(Duration.ofMinutes(3)).until(() -> storedPositions(sandbox, db, GROUP, TOPIC).equals(end));
            last.stop(Duration.ofSeconds(30));
            // a graceful stop leaves the group at once (a killed one stays a member until its session times out)
            assertThat(groupAssignments(sandbox, GROUP)).isEmpty();
        } finally {
            last.kill();
        }

        assertAppliedExactlyOnceInOrder(sandbox, db, KEYS, VERSIONS);
        assertThat(query(sandbox, db, "SELECT count(*), min(version), max(version), "
                + "count(*) FILTER (WHERE balance::text <> (id * 1000 + version)::text || '.' "
                + "|| lpad((version % 100)::text, 2, '0')) FROM legacy.accounts").get(0))
                .containsExactly(Integer.toString(KEYS), Integer.toString(VERSIONS), Integer.toString(VERSIONS), "0");
    }

    /** The sink's session has an open transaction that is running a statement or waiting for the next one. */
    private boolean inTransaction() {
        return queryLong(sandbox, db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = "
                + "'strangler-sink-crash' AND xact_start IS NOT NULL AND state IN ('active', 'idle in transaction')"
                + " AND backend_xid IS NOT NULL") > 0;
    }

    private long applied() {
        return queryLong(sandbox, db, "SELECT count(*) FROM legacy.applied");
    }

    /** Per key, the versions the table received, in the order it received them: exactly 1..versions, once each. */
    static void assertAppliedExactlyOnceInOrder(Sandbox sandbox, String db, int keys, int versions) {
        List<String> expected = LongStream.rangeClosed(1, versions).mapToObj(Long::toString).toList();
        List<List<String>> rows = query(sandbox, db, "SELECT id, string_agg(version::text, ',' ORDER BY seq) "
                + "FROM legacy.applied GROUP BY id ORDER BY id");
        assertThat(rows).hasSize(keys);
        String joined = String.join(",", expected);
        List<String> wrong = rows.stream().filter(r -> !r.get(1).equals(joined))
                .map(r -> "id " + r.get(0) + ": " + abbreviate(r.get(1))).collect(Collectors.toList());
        assertThat(wrong).as("keys whose versions were applied twice, skipped or out of order").isEmpty();
        assertThat(queryLong(sandbox, db, "SELECT count(*) FROM legacy.applied")).isEqualTo((long) keys * versions);
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
