package dev.strangler.engine.it;

import static dev.strangler.engine.it.EngineFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strangler.engine.Pipeline;
import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.sandbox.Sandbox;
import dev.strangler.sandbox.SandboxPostgres;
import dev.strangler.sandbox.SandboxSql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stored position whose replication slot is gone (dropped by hand, or a restore onto another server): the WAL since
 * that position is not held by anything, so streaming from a new slot would skip it silently. The start refuses, and
 * starts over with a new snapshot only when snapshot.mode=when_needed asks for it. A stored position past the
 * server's WAL end (a failover to a standby that lacked published WAL, a restore from a backup) is refused as well.
 * Positions in a file here; the crash tests cover the Kafka topic.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineResumeIT {

    private static final String TOPIC = "lostslot.shop.customers";

    private Sandbox sandbox;
    private String db;

    @BeforeAll
    void start() {
        sandbox = Sandbox.shared();
        db = createLegacyDatabase(sandbox, true);
    }

    @AfterAll
    void close() {
        sandbox.close();
    }

    private long snapshotReads() {
        return readAll(sandbox, List.of(TOPIC)).stream().filter(e -> e.op().equals("r")).count();
    }

    private long slots() {
        return queryLong(sandbox, db,
                "SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'strangler_lostslot'");
    }

    /** Renames customer 1 and waits for the update event: the pipeline is past its snapshot and streaming. */
    private void streamed(String name) {
        execute(sandbox, db, "UPDATE shop.customers SET name = '" + name + "' WHERE id = 1");
        await().atMost(Duration.ofSeconds(60)).until(() -> readAll(sandbox, List.of(TOPIC)).stream()
                .anyMatch(e -> e.op().equals("u") && e.after().path("name").asText().equals(name)));
    }

    @Test
    void shouldRefuseAStoredPositionWhoseSlotIsGoneAndStartOverOnlyWhenASnapshotIsWanted(@TempDir Path dir)
            throws Exception {
        Map<String, String> settings = settings(sandbox, db, "lostslot");
        settings.put("offsets.storage", "file");
        settings.put("delivery.guarantee", "at_least_once");
        settings.put("offsets.file", dir.resolve("lostslot.offsets").toString());
        long customers = queryLong(sandbox, db, "SELECT count(*) FROM shop.customers");

        try (Pipeline first = new Pipeline(config(settings), Pipeline.Options.defaults())) {
            first.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> snapshotReads() == customers);
            streamed("after the first snapshot");
        }
        byte[] storedPosition = Files.readAllBytes(dir.resolve("lostslot.offsets"));
        sandbox.postgres().dropReplicationSlot("strangler_lostslot");

        assertThatThrownBy(() -> new Pipeline(config(settings), Pipeline.Options.defaults()).start())
                .isInstanceOf(SourceNotReadyException.class)
                .hasMessageContaining("pipeline 'lostslot' has a committed position (LSN ")
                .hasMessageContaining("replication slot 'strangler_lostslot' does not exist")
                .hasMessageContaining("snapshot.mode=when_needed");
        assertThat(slots()).as("the refused start created no slot").isZero();
        assertThat(Files.readAllBytes(dir.resolve("lostslot.offsets"))).as("nor touched the stored position")
                .isEqualTo(storedPosition);

        settings.put("snapshot.mode", "when_needed");
        try (Pipeline startOver = new Pipeline(config(settings), Pipeline.Options.defaults())) {
            startOver.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> snapshotReads() == 2 * customers);
            assertThat(slots()).isEqualTo(1);
            streamed("after the second snapshot"); // streaming only starts once every table is snapshotted
        }

        try (Pipeline resumed = new Pipeline(config(settings), Pipeline.Options.defaults())) {
            resumed.start();
            streamed("resumed");
            assertThat(snapshotReads()).as("a stored position and its slot: no third snapshot")
                    .isEqualTo(2 * customers);
        }
    }

    /**
     * The same positions and a slot of the same name, but on another server whose WAL ends before what was published:
     * as after a failover to a standby that had not received that WAL. Resuming would skip the server's next changes
     * up to the stored LSN (FailoverSlotIT shows it for a real failover), so the start is refused, writing nothing.
     */
    @Test
    void shouldRefuseAStoredPositionPastTheServersWalEnd(@TempDir Path dir) throws Exception {
        Map<String, String> settings = settings(sandbox, db, "behind");
        settings.put("offsets.storage", "file");
        settings.put("delivery.guarantee", "at_least_once");
        settings.put("offsets.file", dir.resolve("behind.offsets").toString());
        try (Pipeline first = new Pipeline(config(settings), Pipeline.Options.defaults())) {
            first.start();
            for (int i = 0; i < 6; i++) { // the published position lies well past a fresh server's WAL
                execute(sandbox, db, "CREATE TABLE IF NOT EXISTS public.wal_filler(n int)",
                        "INSERT INTO public.wal_filler VALUES (" + i + ")", "SELECT pg_switch_wal()");
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> readAll(sandbox, List.of("behind.shop.customers"))
                    .stream().anyMatch(e -> e.op().equals("r")));
            execute(sandbox, db, "UPDATE shop.customers SET name = 'published far' WHERE id = 1");
            await().atMost(Duration.ofSeconds(60)).until(() -> readAll(sandbox, List.of("behind.shop.customers"))
                    .stream().anyMatch(e -> e.op().equals("u") && e.after().path("name").asText()
                            .equals("published far")));
            Thread.sleep(1_500); // offsets flushed every 500 ms
        }
        byte[] storedPosition = Files.readAllBytes(dir.resolve("behind.offsets"));
        try (SandboxPostgres other = SandboxPostgres.start()) {
            SandboxSql otherDb = SandboxSql.newDatabase(other, "legacy");
            otherDb.execute(classpathSql("strangler/sql/demo/01_legacy_schema.sql"));
            otherDb.execute("SELECT pg_create_logical_replication_slot('strangler_behind', 'pgoutput')");
            long otherWalEnd = otherDb.queryLong("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint");
            long published = queryLong(sandbox, db, "SELECT pg_wal_lsn_diff(confirmed_flush_lsn, '0/0')::bigint "
                    + "FROM pg_replication_slots WHERE slot_name = 'strangler_behind'");
            assertThat(published).as("the precondition: the other server's WAL ends before what was published")
                    .isGreaterThan(otherWalEnd);

            Map<String, String> onOther = new java.util.LinkedHashMap<>(settings);
            onOther.put("source.url", other.jdbcUrl(otherDb.database()));
            onOther.put("source.user", other.superuser());
            onOther.put("source.password", other.superuserPassword());
            assertThatThrownBy(() -> new Pipeline(config(onOther), Pipeline.Options.defaults()).start())
                    .isInstanceOf(SourceNotReadyException.class)
                    .hasMessageContaining("pipeline 'behind' has published up to LSN ")
                    .hasMessageContaining("past the end of this server's WAL")
                    .hasMessageContaining("strangler slot drop, then run once with snapshot.mode=when_needed");
            assertThat(Files.readAllBytes(dir.resolve("behind.offsets"))).as("the stored position is untouched")
                    .isEqualTo(storedPosition);
        }
    }
}
