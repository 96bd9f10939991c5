package dev.strangler.parity.it;

import static dev.strangler.parity.it.ParityReports.describe;
import static dev.strangler.parity.it.ParityReports.table;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.strangler.parity.History;
import dev.strangler.parity.model.ColumnGap;
import dev.strangler.parity.model.ColumnGapCount;
import dev.strangler.parity.model.FindingKind;
import dev.strangler.parity.model.HistoryGap;
import dev.strangler.parity.model.HistoryGapKind;
import dev.strangler.parity.model.Operation;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.TableResult;
import dev.strangler.parity.model.Verdict;
import dev.strangler.parity.report.ReportSchema;
import dev.strangler.sandbox.Sandbox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
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

/** The parity check against a real pipeline: exact GO under live writes, exact findings, honest UNVERIFIABLE. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ParityCheckIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Sandbox sandbox;
    @TempDir
    Path reportDir;

    @BeforeAll
    void start() {
        sandbox = Sandbox.start();
    }

    @AfterAll
    void close() {
        sandbox.close();
    }

    @Test
    void shouldSayGoOnAQuietDatabaseAndStoreTheRunInHistory() throws Exception {
        try (ParityFixture f = new ParityFixture(sandbox, "quiet")) {
            ParityReport report = f.check();
            assertThat(report.verdict()).as(describe(report)).isEqualTo(Verdict.GO);
            TableResult customers = table(report, "shop.customers");
            assertThat(customers.rowsInTable()).isEqualTo(50);
            assertThat(customers.liveKeysInStream()).isEqualTo(50);
            assertThat(customers.visibleEventsByOp()).containsEntry(Operation.READ, 50L);
            assertThat(table(report, "shop.order_lines").rowsInTable()).isEqualTo(60);
            ParityReport second = f.check();
            assertThat(second.history()).extracting(ParityReport.HistoryPoint::runId).contains(report.runId());
            assertThat(History.read(f.parityConfig("quiet", Duration.ofSeconds(5)), 10))
                    .as("strangler parity --history reads both runs, newest last")
                    .extracting(ParityReport.HistoryPoint::runId, ParityReport.HistoryPoint::verdict)
                    .endsWith(tuple(report.runId(), Verdict.GO), tuple(second.runId(), Verdict.GO));
            ReportSchema.assertReadable(second, reportDir.resolve("go"));
        }
    }

    @Test
    void shouldSayGoWhileTheLegacyAppKeepsWritingDuringTheCheck() throws Exception {
        try (ParityFixture f = new ParityFixture(sandbox, "live")) {
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong changes = new AtomicLong();
            Thread writer = new Thread(() -> liveWrites(f, writing, changes), "legacy-writer");
            writer.start();
            try {
                Thread.sleep(500);
                for (int run = 0; run < 3; run++) {
                    ParityReport report = f.check();
                    assertThat(report.verdict()).as("run " + run + ": " + describe(report)).isEqualTo(Verdict.GO);
                    assertThat(report.tables()).allSatisfy(t -> assertThat(t.findings()).isZero());
                }
            } finally {
                writing.set(false);
                writer.join(10_000);
            }
            assertThat(changes.get()).as("the writer really wrote during the checks").isGreaterThan(50);
        }
    }

    private static void liveWrites(ParityFixture f, AtomicBoolean writing, AtomicLong changes) {
        Random random = new Random(7);
        try (Connection c = f.connect();
             PreparedStatement insert = c.prepareStatement("INSERT INTO shop.customers (external_ref, name, email) "
                     + "VALUES (gen_random_uuid(), ?, 'live@example.com') RETURNING id");
             PreparedStatement update = c.prepareStatement("UPDATE shop.products SET price = price + 0.01, "
                     + "attributes = attributes || jsonb_build_object('n', ?) WHERE id = ?");
             PreparedStatement delete = c.prepareStatement("DELETE FROM shop.order_lines WHERE order_id = ? AND "
                     + "line_no = 2")) {
            int n = 0;
            while (writing.get()) {
                n++;
                insert.setString(1, "live " + n);
                insert.executeQuery().close();
                update.setInt(1, n);
                update.setInt(2, 1 + random.nextInt(20));
                update.executeUpdate();
                if (n <= 30) {
                    delete.setLong(1, n);
                    delete.executeUpdate();
                }
                changes.addAndGet(3);
                Thread.sleep(5);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void shouldFindRowsChangedWhileTheTableWasOutOfThePublicationAndATruncateThatWasNotPublished() {
        try (ParityFixture f = new ParityFixture(sandbox, "unpublished")) {
            waitForGo(f); // the initial snapshot is published: what follows happens behind the pipeline's back
            String publication = f.config.source().publication();
            f.execute("ALTER PUBLICATION " + publication + " DROP TABLE shop.products",
                    "UPDATE shop.products SET title = 'changed behind the pipeline' WHERE id = 3",
                    "ALTER PUBLICATION " + publication + " ADD TABLE shop.products",
                    "ALTER PUBLICATION " + publication + " SET (publish = 'insert, update, delete')",
                    "TRUNCATE shop.order_lines");
            ParityReport report = f.check();
            assertThat(report.verdict()).isEqualTo(Verdict.NO_GO);
            TableResult products = table(report, "shop.products");
            assertThat(products.count(FindingKind.CONTENT_DIFFERS)).isEqualTo(1);
            assertThat(products.findings()).isEqualTo(1);
            assertThat(products.sample()).anySatisfy(d -> {
                assertThat(d.key()).contains("3");
                assertThat(d.column()).isEqualTo("title");
                assertThat(d.tableValue()).contains("changed behind the pipeline");
                assertThat(d.streamValue()).contains("Product 3");
            });
            TableResult lines = table(report, "shop.order_lines");
            assertThat(lines.rowsInTable()).isZero();
            assertThat(lines.count(FindingKind.EXTRA_IN_STREAM)).isEqualTo(60);
            assertThat(table(report, "shop.customers").verdict()).isEqualTo(Verdict.GO);
        }
    }

    @Test
    void shouldFindAnInjectedEventAndACorruptedValue() throws Exception {
        try (ParityFixture f = new ParityFixture(sandbox, "tampered")) {
            f.execute("UPDATE shop.customers SET name = 'Real Name' WHERE id = 7");
            waitForGo(f);
            List<ConsumerRecord<byte[], byte[]>> records = readTopic("tampered.shop.customers");
            ConsumerRecord<byte[], byte[]> update = records.stream()
                    .filter(r -> r.value() != null && json(r.value()).path("op").asText().equals("u")).findFirst()
                    .orElseThrow();
            ObjectNode corrupted = (ObjectNode) json(update.value());
            ((ObjectNode) corrupted.path("after")).put("email", "corrupted@example.com");
            ((ObjectNode) corrupted.path("source")).put("lsn", corrupted.path("source").path("lsn").asLong() + 1);
            ObjectNode injected = (ObjectNode) json(update.value()).deepCopy();
            injected.put("op", "c");
            ((ObjectNode) injected.path("after")).put("id", 999_999);
            produce("tampered.shop.customers", "{\"id\":7}", corrupted.toString());
            produce("tampered.shop.customers", "{\"id\":999999}", injected.toString());

            ParityReport report = f.check();
            assertThat(report.verdict()).isEqualTo(Verdict.NO_GO);
            TableResult customers = table(report, "shop.customers");
            assertThat(customers.count(FindingKind.CONTENT_DIFFERS)).isEqualTo(1);
            assertThat(customers.count(FindingKind.EXTRA_IN_STREAM)).isEqualTo(1);
            assertThat(customers.findings()).isEqualTo(2);
            assertThat(customers.sample()).anySatisfy(d -> {
                assertThat(d.kind()).isEqualTo(FindingKind.CONTENT_DIFFERS);
                assertThat(d.column()).isEqualTo("email");
                assertThat(d.streamValue()).contains("corrupted@example.com");
                assertThat(d.tableValue()).contains("customer7@example.com");
            });
            assertThat(customers.sample()).anySatisfy(d -> assertThat(d.key()).contains("999999"));
            ReportSchema.assertReadable(report, reportDir.resolve("no-go"));
        }
    }

    @Test
    void shouldBeUnverifiableNamingAColumnTheConnectorExcludesNeverGo() throws Exception {
        try (ParityFixture f = new ParityFixture(sandbox, "filtered",
                Map.of("debezium.column.exclude.list", "shop\\.customers\\.email"))) {
            f.execute("UPDATE shop.customers SET name = 'Changed' WHERE id = 3");
            ParityReport report = f.check();
            for (int i = 0; report.verdict() == Verdict.UNVERIFIABLE && report.reason() != null && i < 10; i++) {
                report = f.check(); // the pipeline may still be starting: the whole run is UNVERIFIABLE until then
            }
            assertThat(report.verdict()).as(describe(report)).isEqualTo(Verdict.UNVERIFIABLE);
            assertThat(report.reason()).as("the run itself could be checked").isNull();
            TableResult customers = table(report, "shop.customers");
            assertThat(customers.verdict()).isEqualTo(Verdict.UNVERIFIABLE);
            assertThat(customers.columnsNeverInStream()).containsExactly("email");
            assertThat(customers.reason()).contains("column email never arrives").contains("column.exclude.list");
            assertThat(customers.rowsInTable()).isEqualTo(50);
            assertThat(customers.count(FindingKind.NOT_COMPARABLE)).isZero();
            assertThat(customers.findings()).isZero();
            for (String other : List.of("shop.products", "shop.orders", "shop.order_lines")) {
                assertThat(table(report, other).verdict()).as(other).isEqualTo(Verdict.GO);
            }
            ParityReport accepting = f.check(f.parityConfig("filtered", Duration.ofSeconds(60))
                    .withAcceptNotComparable(true));
            assertThat(table(accepting, "shop.customers").verdict())
                    .as("accepting not-comparable rows does not accept a column that never arrives")
                    .isEqualTo(Verdict.UNVERIFIABLE);
            assertThat(accepting.acceptNotComparable()).isTrue();
            ReportSchema.assertReadable(report, reportDir.resolve("filtered"));
        }
    }

    @Test
    void shouldCountAnUnchangedToastedValueAgainstTheToleranceUnlessAccepted() throws Exception {
        try (ParityFixture f = new ParityFixture(sandbox, "toasted")) {
            // a note large enough to be stored out of line, then an update that leaves it unchanged: with the default
            // replica identity the update's event carries Debezium's placeholder instead of the note
            f.execute("UPDATE shop.orders SET note = (SELECT string_agg(md5(g::text), '') FROM generate_series(1, "
                    + "400) g) WHERE id = 2");
            waitForGo(f);
            f.execute("UPDATE shop.orders SET status = 'shipped' WHERE id = 2");
            ParityReport report = f.check();
            assertThat(report.verdict()).as(describe(report)).isEqualTo(Verdict.NO_GO);
            TableResult orders = table(report, "shop.orders");
            assertThat(orders.count(FindingKind.NOT_COMPARABLE)).isEqualTo(1);
            assertThat(orders.findings()).isEqualTo(1);
            assertThat(orders.columnGaps()).containsExactly(new ColumnGapCount("note", ColumnGap.UNAVAILABLE, 1));
            assertThat(orders.sample()).singleElement().satisfies(d -> {
                assertThat(d.kind()).isEqualTo(FindingKind.NOT_COMPARABLE);
                assertThat(d.key()).contains("2");
                assertThat(d.column()).isEqualTo("note");
                assertThat(d.gap()).isEqualTo(ColumnGap.UNAVAILABLE);
            });
            assertThat(orders.reasoning()).anySatisfy(line -> assertThat(line).contains("1 row is not comparable")
                    .contains("counted against the tolerance"));

            ParityReport accepted = f.check(f.parityConfig("toasted", Duration.ofSeconds(60))
                    .withAcceptNotComparable(true));
            assertThat(accepted.verdict()).as(describe(accepted)).isEqualTo(Verdict.GO);
            assertThat(table(accepted, "shop.orders").count(FindingKind.NOT_COMPARABLE)).isEqualTo(1);
            ReportSchema.assertReadable(accepted, reportDir.resolve("toasted"));
        }
    }

    @Test
    void shouldBeUnverifiableWhenThePipelineIsStopped() {
        try (ParityFixture f = new ParityFixture(sandbox, "stopped")) {
            f.stopPipeline();
            f.execute("UPDATE shop.customers SET vip = NOT vip WHERE id = 1");
            ParityReport report = f.check(f.parityConfig("stopped", Duration.ofSeconds(3)));
            assertThat(report.verdict()).isEqualTo(Verdict.UNVERIFIABLE);
            assertThat(report.reason()).contains("pipeline lagging").contains("no process is reading the slot");
            assertThat(report.verdict().exitCode()).isEqualTo(2);
            f.startPipeline();
        }
    }

    @Test
    void shouldBeUnverifiableForATopicWhoseEarlyRecordsWereDeleted() throws Exception {
        try (ParityFixture f = new ParityFixture(sandbox, "retention")) {
            waitForGo(f);
            try (Admin admin = admin()) {
                admin.deleteRecords(Map.of(new TopicPartition("retention.shop.products", 0),
                        RecordsToDelete.beforeOffset(5))).all().get();
            }
            ParityReport report = f.check();
            assertThat(report.verdict()).isEqualTo(Verdict.UNVERIFIABLE);
            TableResult products = table(report, "shop.products");
            assertThat(products.verdict()).isEqualTo(Verdict.UNVERIFIABLE);
            assertThat(products.reason()).contains("history is incomplete").contains("{0=5}")
                    .contains("no complete snapshot follows");
            assertThat(table(report, "shop.customers").verdict()).isEqualTo(Verdict.GO);

            // a new complete snapshot into the same topic: the history is rebuilt from it
            long firstHistory = endOffset("retention.shop.products");
            f.startOverWithANewSnapshot();
            f.execute("UPDATE shop.products SET title = 'after the second snapshot' WHERE id = 3");
            // the new snapshot and the deleted records are history gaps: NO-GO by default, GO once accepted
            ParityReport gaps = f.check();
            assertThat(gaps.verdict()).as(describe(gaps)).isEqualTo(Verdict.NO_GO);
            assertThat(table(gaps, "shop.products").findings()).isZero();
            assertThat(table(gaps, "shop.products").historyGaps()).extracting(HistoryGap::kind)
                    .contains(HistoryGapKind.REBUILT_FROM_LATER_SNAPSHOT);
            ParityReport rebuilt = f.check(f.parityConfig("retention", Duration.ofSeconds(60))
                    .withAcceptHistoryGaps(true));
            assertThat(rebuilt.verdict()).as(describe(rebuilt)).isEqualTo(Verdict.GO);
            assertThat(rebuilt.acceptHistoryGaps()).isTrue();
            TableResult again = table(rebuilt, "shop.products");
            assertThat(again.verdict()).isEqualTo(Verdict.GO);
            assertThat(again.streamHistory()).contains("records before offset 5 were deleted")
                    .contains("folded from the complete snapshot that starts at offset " + firstHistory);
            assertThat(again.anomalies()).isEmpty();

            // deleting into that snapshot leaves nothing complete to rebuild from
            try (Admin admin = admin()) {
                admin.deleteRecords(Map.of(new TopicPartition("retention.shop.products", 0),
                        RecordsToDelete.beforeOffset(firstHistory + 2))).all().get();
            }
            ParityReport cutIntoTheSnapshot = f.check();
            assertThat(table(cutIntoTheSnapshot, "shop.products").verdict()).isEqualTo(Verdict.UNVERIFIABLE);
            ReportSchema.assertReadable(rebuilt, reportDir.resolve("rebuilt"));
            ReportSchema.assertReadable(cutIntoTheSnapshot, reportDir.resolve("unverifiable"));
        }
    }

    @Test
    void shouldReadTopicsWrittenWithKafkaConnectsJsonConverterAndSchemas() throws Exception {
        try (ParityFixture f = new ParityFixture(sandbox, "native")) {
            f.execute("UPDATE shop.orders SET status = 'cancelled', note = 'schemas on' WHERE id = 4",
                    "DELETE FROM shop.order_lines WHERE order_id = 5");
            waitForGo(f);
            try (Admin admin = admin()) {
                List<NewTopic> topics = new ArrayList<>();
                for (String t : ParityFixture.TABLES) {
                    topics.add(new NewTopic("connectfmt." + t, 1, (short) 1));
                }
                admin.createTopics(topics).all().get();
            }
            for (String t : ParityFixture.TABLES) {
                for (ConsumerRecord<byte[], byte[]> r : readTopic("native." + t)) {
                    produce("connectfmt." + t, withSchema(r.key()), r.value() == null ? null : withSchema(r.value()));
                }
            }
            ParityReport report = f.check(f.parityConfig("connectfmt", Duration.ofSeconds(60)));
            assertThat(report.verdict()).as(describe(report)).isEqualTo(Verdict.GO);
            assertThat(table(report, "shop.order_lines").visibleEventsByOp()).containsEntry(Operation.DELETE, 2L);
        }
    }

    /** Wraps a schemaless JSON payload the way Kafka Connect's JsonConverter writes with schemas.enable=true. */
    private static String withSchema(byte[] payload) {
        return "{\"schema\":{\"type\":\"struct\",\"optional\":false,\"fields\":[]},\"payload\":"
                + new String(payload, StandardCharsets.UTF_8) + "}";
    }

    private ParityReport waitForGo(ParityFixture f) {
        ParityReport report = f.check();
        assertThat(report.verdict()).as("precondition: " + describe(report)).isEqualTo(Verdict.GO);
        return report;
    }

    private long endOffset(String topic) throws Exception {
        try (Admin admin = admin()) {
            TopicPartition tp = new TopicPartition(topic, 0);
            return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp).get().offset();
        }
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers()));
    }

    private void produce(String topic, String key, String value) throws Exception {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                    value == null ? null : value.getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> readTopic(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers());
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
