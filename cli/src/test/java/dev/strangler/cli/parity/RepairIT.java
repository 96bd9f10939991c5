package dev.strangler.cli.parity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.cli.ExitCodes;
import dev.strangler.cli.StranglerCommand;
import dev.strangler.cli.dba.CliRun;
import dev.strangler.contract.IntakeHeaderNames;
import dev.strangler.engine.Pipeline;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.sandbox.Sandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code strangler repair}: a streaming pipeline made NO-GO three ways while a writer goes on — changes made while
 * the table was out of the publication (inserts, updates, deletes), a TRUNCATE of a second table the publication did
 * not carry, an event injected into the topic — then a dry run that publishes nothing, and a repair after which the
 * new check is GO and references the repaired report.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RepairIT {

    private static final String DB = "repair";
    private static final String NAME = "rep";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Sandbox sandbox;
    private Pipeline pipeline;
    private Path configFile;
    @TempDir
    static Path dir;

    @BeforeAll
    void start() throws Exception {
        sandbox = Sandbox.shared();
        sandbox.postgres().createDatabase(DB);
        sql("CREATE SCHEMA shop",
                "CREATE TABLE shop.items (id bigint PRIMARY KEY, name text NOT NULL, qty int NOT NULL)",
                "CREATE TABLE shop.notes (code text PRIMARY KEY, body text)",
                "INSERT INTO shop.items SELECT g, 'item ' || g, 0 FROM generate_series(1, 300) g",
                "INSERT INTO shop.notes SELECT 'n' || g, 'note ' || g FROM generate_series(1, 20) g");
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("pipeline.name", NAME);
        settings.put("source.url", sandbox.postgres().jdbcUrl(DB));
        settings.put("source.user", sandbox.postgres().superuser());
        settings.put("source.password", sandbox.postgres().superuserPassword());
        settings.put("source.tables", "shop.items,shop.notes");
        settings.put("kafka.bootstrap.servers", sandbox.kafka().bootstrapServers());
        settings.put("heartbeat.interval", "1s");
        configFile = CliRun.config(dir, settings);
        pipeline = new Pipeline(PipelineConfigLoader.withSystemEnvironment().load(configFile),
                Pipeline.Options.defaults());
        pipeline.start();
        await().atMost(Duration.ofSeconds(90)).until(() -> records("items").size() >= 300
                && records("notes").size() >= 20);
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.stop();
        }
    }

    @Test
    void aNoGoReportIsRepairedWhileAWriterGoesOnAndTheNewCheckIsGo() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger writes = new AtomicInteger();
        Thread writer = new Thread(() -> {
            try (Connection c = sandbox.postgres().connect(DB); Statement st = c.createStatement()) {
                while (writing.get()) {
                    // keys 1..50 only: the keys broken below are never touched by the writer
                    st.execute("UPDATE shop.items SET qty = qty + 1 WHERE id = " + (1 + writes.get() % 50));
                    writes.incrementAndGet();
                    Thread.sleep(20);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "repair-it-writer");
        writer.start();
        try {
            String publication = queryString("SELECT pubname FROM pg_publication_tables WHERE schemaname = 'shop' "
                    + "AND tablename = 'items'");
            // 1. out of the publication: an insert, updates and deletes never reach the topic
            sql("ALTER PUBLICATION " + publication + " DROP TABLE shop.items, shop.notes",
                    "INSERT INTO shop.items SELECT g, 'late ' || g, 0 FROM generate_series(1001, 1005) g",
                    "UPDATE shop.items SET name = 'renamed' WHERE id BETWEEN 100 AND 104",
                    "DELETE FROM shop.items WHERE id BETWEEN 200 AND 202",
                    // 2. a TRUNCATE the publication did not carry: every note stays live in the topic
                    "TRUNCATE shop.notes",
                    "INSERT INTO shop.notes VALUES ('n1', 'back after truncate')",
                    "ALTER PUBLICATION " + publication + " ADD TABLE shop.items, shop.notes");
            // 3. an event from elsewhere: a row the table never had
            inject("items", 9_999);
            int afterBreak = writes.get();
            // every key the writer touches is written again after the break (its lost updates then leave no trace
            // in the state), so the findings are exactly the ones made above
            await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() > afterBreak + 60);

            Path before = dir.resolve("before");
            CliRun parity = cli("parity", "--config", configFile.toString(), "--out", before.toString());
            assertThat(parity.exit()).as(parity.out() + parity.err()).isEqualTo(ExitCodes.FINDINGS);
            JsonNode report = JSON.readTree(before.resolve("report.json").toFile());
            JsonNode items = table(report, "shop.items");
            assertThat(items.path("findingCounts").path("MISSING_IN_STREAM").asLong()).isEqualTo(5);
            assertThat(items.path("findingCounts").path("CONTENT_DIFFERS").asLong()).isEqualTo(5);
            assertThat(items.path("findingCounts").path("EXTRA_IN_STREAM").asLong()).as("3 deletes and 1 injected")
                    .isEqualTo(4);
            assertThat(table(report, "shop.notes").path("findingCounts").path("EXTRA_IN_STREAM").asLong())
                    .isEqualTo(19);
            List<String> keyLines = Files.readAllLines(before.resolve("differences.jsonl"));
            assertThat(keyLines).hasSize(1 + 5 + 5 + 4 + 19 + 1); // header, items, notes (n1 differs)

            Map<String, Long> endsBefore = endOffsets();
            CliRun dry = cli("repair", "--config", configFile.toString(), "--report",
                    before.resolve("report.json").toString(), "--dry-run", "--out", dir.resolve("dry").toString());
            assertThat(dry.exit()).as(dry.out() + dry.err()).isEqualTo(ExitCodes.OK);
            assertThat(dry.out()).contains("shop.items", "10 key(s) to publish again",
                    "4 to retract", "dry run: nothing was published");
            // the writer goes on publishing updates: a dry run adds no read, no delete and no tombstone
            assertThat(records("items").stream().skip(endsBefore.get("items")).filter(r -> r.value() == null
                    || !"u".equals(value(r).path("op").asText())).toList()).as("a dry run publishes nothing").isEmpty();
            assertThat(records("notes")).as("a dry run publishes nothing").hasSize(endsBefore.get("notes").intValue());
            assertThat(dir.resolve("dry")).doesNotExist();

            Path after = dir.resolve("after");
            CliRun repair = cli("repair", "--config", configFile.toString(), "--report",
                    before.resolve("report.json").toString(), "--out", after.toString());
            assertThat(repair.exit()).as(repair.out() + repair.err()).isEqualTo(ExitCodes.OK);
            JsonNode repaired = JSON.readTree(after.resolve("report.json").toFile());
            assertThat(repaired.path("verdict").asText()).isEqualTo("GO");
            assertThat(repaired.path("repairOf").path("runId").asText()).isEqualTo(report.path("runId").asText());
            // Debezium 3.6.1: when the re-read's first chunk (on its signal thread) races a change streamed at that
            // moment, its buffered shop.items rows can be published as rows of shop.notes ("100" to "1005", seen in
            // 2 of 5 runs); the next round retracts each such key, so none stays live in the notes topic
            List<ConsumerRecord<byte[], byte[]>> notesAfter = records("notes").stream()
                    .skip(endsBefore.get("notes")).toList();
            List<String> foreign = notesAfter.stream().filter(r -> r.value() != null
                    && "r".equals(value(r).path("op").asText())).map(r -> value(r).path("after").path("code")
                    .asText()).filter(code -> !code.equals("n1")).distinct().toList();
            for (String code : foreign) {
                assertThat(lastOf(notesAfter, code).value()).as("a row of another table in the notes topic, "
                        + code + ", ends with the repair's tombstone").isNull();
                assertThat(repair.out()).contains("round 2 of 3");
            }
            assertThat(repaired.path("repairOf").path("keysRetracted").asLong()).isEqualTo(4 + 19 + foreign.size());
            assertThat(repaired.path("tables").size()).as("only the affected tables checked again").isEqualTo(2);

            // history, not only state: exactly one repair delete per retracted key, each followed by a tombstone
            List<ConsumerRecord<byte[], byte[]>> repairs = records("items").stream()
                    .filter(r -> r.headers().lastHeader(IntakeHeaderNames.REPAIR) != null).toList();
            assertThat(repairs).hasSize(8);
            assertThat(repairs.stream().filter(r -> r.value() != null).map(r -> key(r)).sorted().toList())
                    .containsExactly(200L, 201L, 202L, 9_999L);
            // the rows published again: one read per missing or different key, never a key the writer touches
            Map<Long, Long> readsAfterRepair = new HashMap<>();
            records("items").stream().skip(endsBefore.get("items")).filter(r -> r.value() != null)
                    .filter(r -> "r".equals(value(r).path("op").asText()))
                    .forEach(r -> readsAfterRepair.merge(key(r), 1L, Long::sum));
            assertThat(readsAfterRepair.keySet()).containsExactlyInAnyOrder(100L, 101L, 102L, 103L, 104L, 1001L,
                    1002L, 1003L, 1004L, 1005L);
        } finally {
            writing.set(false);
            writer.join();
        }
        CliRun refused = cli("repair", "--config", configFile.toString(), "--report",
                dir.resolve("nowhere").resolve("report.json").toString());
        assertThat(refused.exit()).isEqualTo(ExitCodes.CONFIG);
        assertThat(refused.err()).contains("does not exist");
        Path before = dir.resolve("before");
        assertRefused(before, "verdict", "UNVERIFIABLE", "is UNVERIFIABLE");
        assertRefused(before, "slot", "another_slot", "not of this pipeline");
        assertRefused(before, "startedAt", "2020-01-01T00:00:00Z", "older than --max-age");
        ObjectNode report = (ObjectNode) JSON.readTree(before.resolve("report.json").toFile());
        ((ObjectNode) report.get("cut")).put("walLsnValue", Long.MAX_VALUE / 2);
        assertRefused(before, report, "later than slot 'strangler_rep' has reached");
        Path foreignKeys = Files.createDirectories(dir.resolve("foreign"));
        Files.copy(before.resolve("report.json"), foreignKeys.resolve("report.json"));
        Files.writeString(foreignKeys.resolve("differences.jsonl"), "{\"format\":\"strangler-differences/1\","
                + "\"runId\":\"another-run\"}\n");
        CliRun foreign = cli("repair", "--config", configFile.toString(), "--report",
                foreignKeys.resolve("report.json").toString(), "--dry-run");
        assertThat(foreign.exit()).isEqualTo(ExitCodes.CONFIG);
        assertThat(foreign.err()).contains("belongs to run another-run");

        pipeline.stop();
        pipeline = null;
        CliRun stopped = cli("repair", "--config", configFile.toString(), "--report",
                before.resolve("report.json").toString(), "--out", dir.resolve("stopped").toString());
        assertThat(stopped.exit()).as(stopped.out() + stopped.err()).isEqualTo(ExitCodes.SINK_UNAVAILABLE);
        assertThat(stopped.err()).contains("is not active", "strangler run");
        assertThat(stopped.out()).doesNotContain("retracted", "re-reading");
    }

    /** A copy of the report with one field changed is refused with one line naming why, exit 78, nothing published. */
    private void assertRefused(Path reportDir, String field, String value, String why) throws Exception {
        ObjectNode report = (ObjectNode) JSON.readTree(reportDir.resolve("report.json").toFile());
        report.put(field, value);
        assertRefused(reportDir, report, why);
    }

    private void assertRefused(Path reportDir, ObjectNode report, String why) throws Exception {
        Path copy = Files.createDirectories(dir.resolve("edited-" + Math.abs(report.hashCode())));
        Files.writeString(copy.resolve("report.json"), report.toString());
        Files.copy(reportDir.resolve("differences.jsonl"), copy.resolve("differences.jsonl"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CliRun r = cli("repair", "--config", configFile.toString(), "--report", copy.resolve("report.json").toString());
        assertThat(r.exit()).as(r.out() + r.err()).isEqualTo(ExitCodes.CONFIG);
        assertThat(r.err()).contains(why).doesNotContain("\n\tat ");
        assertThat(r.out()).doesNotContain("retracted", "re-reading");
    }

    private static JsonNode table(JsonNode report, String name) {
        for (JsonNode t : report.path("tables")) {
            if (t.path("table").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no table " + name + " in " + report);
    }

    /** Copies the first event of the topic with another id: a record no change of the table produced. */
    private void inject(String table, long id) throws Exception {
        ConsumerRecord<byte[], byte[]> model = records(table).get(0);
        ObjectNode key = (ObjectNode) JSON.readTree(model.key());
        key.put("id", id);
        ObjectNode value = (ObjectNode) JSON.readTree(model.value());
        ((ObjectNode) value.get("after")).put("id", id);
        value.put("op", "c");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(NAME + ".shop." + table, JSON.writeValueAsBytes(key),
                    JSON.writeValueAsBytes(value))).get();
        }
    }

    /** The last of the records of one notes key. */
    private static ConsumerRecord<byte[], byte[]> lastOf(List<ConsumerRecord<byte[], byte[]>> records, String code) {
        ConsumerRecord<byte[], byte[]> last = null;
        for (ConsumerRecord<byte[], byte[]> r : records) {
            try {
                if (JSON.readTree(r.key()).path("code").asText().equals(code)) {
                    last = r;
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return last;
    }

    private static long key(ConsumerRecord<byte[], byte[]> r) {
        try {
            return JSON.readTree(r.key()).path("id").asLong();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode value(ConsumerRecord<byte[], byte[]> r) {
        try {
            return JSON.readTree(r.value());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, Long> endOffsets() {
        Map<String, Long> ends = new HashMap<>();
        ends.put("items", (long) records("items").size());
        ends.put("notes", (long) records("notes").size());
        return ends;
    }

    /** Every committed record of a one-partition table topic, in offset order. */
    private List<ConsumerRecord<byte[], byte[]>> records(String table) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            String topic = NAME + ".shop." + table;
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                consumer.poll(Duration.ofMillis(500)).forEach(all::add);
            }
            return all;
        } catch (org.apache.kafka.common.KafkaException e) {
            return List.of();
        }
    }

    private static CliRun cli(String... args) {
        return CliRun.of(StranglerCommand.newCommandLine(), args);
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = sandbox.postgres().connect(DB); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private String queryString(String sql) throws Exception {
        try (Connection c = sandbox.postgres().connect(DB); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
