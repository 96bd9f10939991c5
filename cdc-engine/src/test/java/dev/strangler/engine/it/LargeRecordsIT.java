package dev.strangler.engine.it;

import static dev.strangler.engine.it.EngineFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strangler.engine.doctor.Check;
import dev.strangler.engine.doctor.Doctor;
import dev.strangler.engine.doctor.Status;
import dev.strangler.sandbox.ChildJvm;
import dev.strangler.sandbox.Sandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rows of several MB stream within the heap the launcher gives {@code strangler run} (-Xmx384m); a row over the
 * largest record Kafka takes stops the pipeline with its table, key, LSN and size, publishes nothing after it, and is
 * let through by the setting the message names.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LargeRecordsIT {

    private static final int MB = 1024 * 1024;

    private Sandbox sandbox;

    @BeforeAll
    void start() {
        sandbox = Sandbox.shared();
    }

    @AfterAll
    void close() {
        sandbox.close();
    }

    @Test
    void shouldStreamLargeRowsAndStopAtOneOverTheLimitWithWhatFixesIt(@TempDir Path dir) throws Exception {
        String db = createLegacyDatabase(sandbox, false);
        execute(sandbox, db, "CREATE TABLE shop.documents (id int PRIMARY KEY, body text NOT NULL)");
        String name = "large";
        String topic = name + ".shop.documents";
        Map<String, String> settings = settings(sandbox, db, name);
        settings.put("source.tables", "shop.documents");
        settings.put("topic.min.insync.replicas", "1");
        Path config = write(dir.resolve("pipeline.properties"), settings);

        ChildJvm first = launch(config, dir.resolve("first.log"));
        try {
            assertThat(topicConfig(topic)).containsEntry("max.message.bytes", String.valueOf(16 * MB))
                    .containsEntry("min.insync.replicas", "1");
            for (int mb = 1; mb <= 8; mb++) {
                insert(db, mb, mb * MB);
            }
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).until(() ->
                    bodyLengths(topic).size() == 8);
            assertThat(bodyLengths(topic)).containsExactlyInAnyOrderEntriesOf(Map.of(1L, (long) MB, 2L, 2L * MB,
                    3L, 3L * MB, 4L, 4L * MB, 5L, 5L * MB, 6L, 6L * MB, 7L, 7L * MB, 8L, 8L * MB));

            insert(db, 99, 17 * MB);
            insert(db, 100, 10);
            assertThat(first.awaitExit(Duration.ofSeconds(120))).isEqualTo(1);
        } finally {
            first.kill();
        }
        String output = first.output();
        assertThat(output).contains("FAILED RecordTooLargeException", "table shop.documents", "id=99", "LSN ",
                "bytes", "kafka.max.record.bytes=" + 16 * MB, "raise kafka.max.record.bytes");
        assertThat(bodyLengths(topic).keySet()).as("nothing after the record that is too large")
                .doesNotContain(99L, 100L);
        Check rowSize = new Doctor(config(settings)).run().check("table shop.documents: row size").orElseThrow();
        assertThat(rowSize.status()).as(rowSize.message()).isEqualTo(Status.WARN);
        assertThat(rowSize.message()).contains("17 MB", "kafka.max.record.bytes=");

        // the fix the message names: a larger limit, and the existing topic raised to match (and its segments
        // made larger than a record, as a real cluster's 1 GiB segments are; the sandbox's are 16 MiB)
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                sandbox.kafka().bootstrapServers()))) {
            admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, topic), List.of(
                    new AlterConfigOp(new ConfigEntry("max.message.bytes", String.valueOf(32 * MB)),
                            AlterConfigOp.OpType.SET),
                    new AlterConfigOp(new ConfigEntry("segment.bytes", String.valueOf(64 * MB)),
                            AlterConfigOp.OpType.SET)))).all().get();
        }
        settings.put("kafka.max.record.bytes", String.valueOf(32 * MB));
        ChildJvm second = launch(write(dir.resolve("raised.properties"), settings), dir.resolve("second.log"));
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(2)).until(() ->
                    bodyLengths(topic).keySet().containsAll(Set.of(99L, 100L)));
            assertThat(bodyLengths(topic)).containsEntry(99L, 17L * MB).containsEntry(100L, 10L);
        } finally {
            second.stop(Duration.ofSeconds(60));
        }
    }

    private void insert(String db, int id, int bytes) {
        execute(sandbox, db, "INSERT INTO shop.documents (id, body) SELECT " + id + ", left(string_agg(md5(g::text "
                + "|| random()::text), ''), " + bytes + ") FROM generate_series(1, " + (bytes / 32 + 1) + ") g");
    }

    /** Per id, the length of the newest published body. */
    private Map<Long, Long> bodyLengths(String topic) {
        return readAll(sandbox, List.of(topic)).stream().filter(e -> e.value() != null)
                .collect(Collectors.toMap(e -> e.key().path("id").asLong(),
                        e -> (long) e.after().path("body").asText().length(), (a, b) -> b));
    }

    private Map<String, String> topicConfig(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                sandbox.kafka().bootstrapServers()))) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
            return config.entries().stream().collect(Collectors.toMap(ConfigEntry::name,
                    e -> e.value() == null ? "" : e.value()));
        }
    }

    private static Path write(Path file, Map<String, String> settings) throws Exception {
        StringBuilder text = new StringBuilder();
        settings.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        return Files.writeString(file, text);
    }

    /** The heap and collector the launcher gives {@code strangler run}. */
    private static ChildJvm launch(Path config, Path log) throws Exception {
        return ChildJvm.start(PipelineProcessMain.class, List.of(config.toString()),
                List.of("-Xmx384m", "-XX:+UseParallelGC"), log, "RUNNING", Duration.ofSeconds(120));
    }
}
