package dev.strangler.sink.it;

import static dev.strangler.sink.it.SinkFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strangler.sandbox.ChildJvm;
import dev.strangler.sandbox.Sandbox;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several sink processes in one consumer group while the new service keeps publishing: a second process joins and
 * takes half the partitions (a rebalance), the first is killed in the middle of a batch and the second takes over its
 * partitions, a third joins. Every event must be applied exactly once, in order per key (the audit table), whichever
 * process applied it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SinkGroupIT {

    private static final int KEYS = 80;
    private static final String TOPIC = "group.svc.accounts";
    private static final String GROUP = "sinks";

    private Sandbox sandbox;
    private String db;

    @BeforeAll
    void start() {
        sandbox = Sandbox.start();
        db = database(sandbox, SinkCrashIT.auditedTable(0.0002));
        createTopic(sandbox, TOPIC, 4);
    }

    @AfterAll
    void close() {
        sandbox.close();
    }

    private Path config(Path dir, String name) throws Exception {
        Map<String, String> s = settings(sandbox, db, name);
        s.put("sink.group", GROUP);
        s.put("sink.mappings", "accounts");
        s.put("sink.batch.size", "200");
        s.put("kafka.client.session.timeout.ms", "6000");
        s.put("kafka.client.heartbeat.interval.ms", "1000");
        s.put("mapping.accounts.topic", TOPIC);
        s.put("mapping.accounts.table", "legacy.accounts");
        return write(s, dir.resolve(name + ".properties"));
    }

    @Test
    void shouldApplyEveryEventOnceWhileProcessesJoinDieAndTakeOver(@TempDir Path dir) throws Exception {
        AtomicBoolean publishing = new AtomicBoolean(true);
        AtomicInteger versions = new AtomicInteger();
        Thread newService = new Thread(() -> publish(publishing, versions), "new-service");
        newService.setDaemon(true);
        newService.start();

        ChildJvm a = launch(config(dir, "sink-a"), dir.resolve("a.log"));
        ChildJvm b = null;
        ChildJvm c = null;
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> oneMemberHasAll(4));
            long beforeB = applied();
            b = launch(config(dir, "sink-b"), dir.resolve("b.log"));
            // the rebalance: two members, two partitions each, and both keep applying
            await().atMost(Duration.ofSeconds(60)).until(() -> twoMembersShare(4));
            await().atMost(Duration.ofSeconds(60)).until(() -> applied() > beforeB + 2_000);

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                    .until(() -> inTransaction("strangler-sink-sink-a"));
            a.kill();
            // b takes a's partitions once a's session times out
            await().atMost(Duration.ofSeconds(60)).until(() -> oneMemberHasAll(4));
            c = launch(config(dir, "sink-c"), dir.resolve("c.log"));
            await().atMost(Duration.ofSeconds(60)).until(() -> twoMembersShare(4));
            long beforeEnd = applied();
            await().atMost(Duration.ofSeconds(60)).until(() -> applied() > beforeEnd + 2_000);

            publishing.set(false);
            newService.join(30_000);
            Map<Integer, Long> end = endOffsets(sandbox, TOPIC);
            await().atMost(Duration.ofMinutes(2)).until(() -> storedPositions(sandbox, db, GROUP, TOPIC).equals(end));
            b.stop(Duration.ofSeconds(30));
            c.stop(Duration.ofSeconds(30));
        } finally {
            a.kill();
            if (b != null) {
                b.kill();
            }
            if (c != null) {
                c.kill();
            }
        }
        assertThat(versions.get()).as("rounds the new service published").isGreaterThan(30);
        SinkCrashIT.assertAppliedExactlyOnceInOrder(sandbox, db, KEYS, versions.get());
        assertThat(query(sandbox, db, "SELECT DISTINCT sink FROM strangler.sink_marker ORDER BY 1"))
                .as("all three processes wrote").containsExactly(java.util.List.of("sink-a"),
                        java.util.List.of("sink-b"), java.util.List.of("sink-c"));
    }

    private boolean oneMemberHasAll(int partitions) {
        Map<String, Integer> members = groupAssignments(sandbox, GROUP);
        return members.size() == 1 && members.values().iterator().next() == partitions;
    }

    private boolean twoMembersShare(int partitions) {
        Map<String, Integer> members = groupAssignments(sandbox, GROUP);
        return members.size() == 2 && members.values().stream().allMatch(n -> n > 0)
                && members.values().stream().mapToInt(Integer::intValue).sum() == partitions;
    }

    /** Rounds of one new version of every key, about ten a second, until told to stop. */
    private void publish(AtomicBoolean publishing, AtomicInteger versions) {
        try (Producer<String, String> producer = producer(sandbox)) {
            for (int v = 1; publishing.get(); v++) {
                for (long id = 0; id < KEYS; id++) {
                    producer.send(change(TOPIC, v == 1 ? "c" : "u", id, "\"version\":" + v + ",\"balance\":\""
                            + SinkCrashIT.balance(id, v) + "\""));
                }
                producer.flush();
                versions.set(v);
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean inTransaction(String applicationName) {
        return queryLong(sandbox, db, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '"
                + applicationName + "' AND xact_start IS NOT NULL AND backend_xid IS NOT NULL") > 0;
    }

    private long applied() {
        return queryLong(sandbox, db, "SELECT count(*) FROM legacy.applied");
    }
}
