package dev.strangler.engine.it;

import static dev.strangler.engine.it.EngineFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.strangler.engine.Pipeline;
import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.sandbox.Sandbox;
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
 * starts over with a new snapshot only when snapshot.mode=when_needed asks for it. Positions in a file here; the crash
 * tests cover the Kafka topic.
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
}
