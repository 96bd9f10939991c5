package dev.strangler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.sandbox.Sandbox;
import dev.strangler.sink.Sink;
import dev.strangler.sink.config.SinkConfigLoader;
import dev.strangler.sql.StranglerSchema;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code strangler parity --sink-config}: a sink's tables checked topic → table while the new service publishes, the
 * sink applies (in a thread) and the legacy app writes its own rows into the same table, then NO-GO with the exact
 * key and column after rows are changed and deleted behind the sink's back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReverseParityIT {

    private static final String DB = "legacy";
    private static final String ORDERS = "rp.outbox.order";
    private static final String CUSTOMERS = "rp.svc.customers";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Sandbox sandbox;
    private Sink sink;
    private Path pipelineFile;
    private Path sinkFile;
    @TempDir
    static Path dir;

    @BeforeAll
    void start() throws Exception {
        sandbox = Sandbox.start();
        sandbox.postgres().createDatabase(DB);
        StranglerSchema.flyway(sandbox.postgres().jdbcUrl(DB), sandbox.postgres().superuser(),
                sandbox.postgres().superuserPassword()).migrate();
        sql("CREATE SCHEMA shop",
                // channel and note belong to the legacy app: the sink never writes them
                "CREATE TABLE shop.web_orders (id bigserial PRIMARY KEY, order_ref text NOT NULL UNIQUE, "
                        + "total numeric(10,2) CHECK (total >= 0), status text NOT NULL DEFAULT 'new', channel text "
                        + "NOT NULL DEFAULT 'web', updated_at timestamptz, note text)",
                "CREATE TABLE shop.customers (id int PRIMARY KEY, name text, tags text[], born date, score numeric, "
                        + "source text)");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                sandbox.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(ORDERS, 3, (short) 1), new NewTopic(CUSTOMERS, 2, (short) 1)))
                    .all().get();
        }
        pipelineFile = write("pipeline", Map.of(
                "pipeline.name", "rp",
                "source.url", sandbox.postgres().jdbcUrl(DB),
                "source.user", sandbox.postgres().superuser(),
                "source.password", sandbox.postgres().superuserPassword(),
                "source.tables", "shop.web_orders",
                "kafka.bootstrap.servers", sandbox.kafka().bootstrapServers()));
        Map<String, String> s = new LinkedHashMap<>();
        s.put("sink.name", "rp");
        s.put("target.url", sandbox.postgres().jdbcUrl(DB));
        s.put("target.user", sandbox.postgres().superuser());
        s.put("target.password", sandbox.postgres().superuserPassword());
        s.put("kafka.bootstrap.servers", sandbox.kafka().bootstrapServers());
        s.put("sink.batch.size", "25");
        // refused events go on: one the mapping refuses and one the database refuses must not count as findings
        s.put("sink.errors", "dead-letter");
        s.put("sink.mappings", "placed,confirmed,cancelled,customers");
        s.put("mapping.placed.topic", ORDERS);
        s.put("mapping.placed.format", "outbox");
        s.put("mapping.placed.event.type", "OrderPlaced");
        s.put("mapping.placed.table", "shop.web_orders");
        s.put("mapping.placed.key", "order_ref");
        s.put("mapping.placed.column.order_ref", "/orderId");
        s.put("mapping.placed.column.total", "/total");
        s.put("mapping.placed.column.updated_at", "header:occurredAt");
        s.put("mapping.placed.constant.status", "placed");
        s.put("mapping.placed.conflict", "keep-newer");
        s.put("mapping.placed.version.column", "updated_at");
        s.put("mapping.confirmed.topic", ORDERS);
        s.put("mapping.confirmed.format", "outbox");
        s.put("mapping.confirmed.event.type", "OrderConfirmed");
        s.put("mapping.confirmed.table", "shop.web_orders");
        s.put("mapping.confirmed.key", "order_ref");
        s.put("mapping.confirmed.action", "update");
        s.put("mapping.confirmed.column.order_ref", "/orderId");
        s.put("mapping.confirmed.constant.status", "confirmed");
        s.put("mapping.cancelled.topic", ORDERS);
        s.put("mapping.cancelled.format", "outbox");
        s.put("mapping.cancelled.event.type", "OrderCancelled");
        s.put("mapping.cancelled.table", "shop.web_orders");
        s.put("mapping.cancelled.key", "order_ref");
        s.put("mapping.cancelled.action", "delete");
        s.put("mapping.cancelled.column.order_ref", "/orderId");
        s.put("mapping.customers.topic", CUSTOMERS);
        s.put("mapping.customers.table", "shop.customers");
        s.put("mapping.customers.rename.full_name", "name");
        s.put("mapping.customers.exclude", "internal_flag");
        s.put("mapping.customers.constant.source", "svc");
        sinkFile = write("sink", s);
        sink = new Sink(new SinkConfigLoader(Map.of()).load(sinkFile), Sink.Options.defaults());
        sink.start();
    }

    @AfterAll
    void stop() {
        if (sink != null) {
            sink.stop();
        }
        sandbox.close();
    }

    @Test
    @Order(1)
    void shouldBeGoWhileTheServicePublishesTheSinkAppliesAndTheLegacyAppWritesTheSameTable() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicReference<Throwable> failed = new AtomicReference<>();
        AtomicInteger published = new AtomicInteger();
        List<Thread> writers = List.of(
                new Thread(() -> guard(failed, () -> publishUntil(running, published)), "rp-service"),
                new Thread(() -> guard(failed, () -> legacyWritesUntil(running)), "rp-legacy"));
        writers.forEach(Thread::start);
        try {
            awaitApplied(60);
            List<JsonNode> reports = new ArrayList<>();
            for (int run = 0; run < 2; run++) {
                Result r = run("parity", "--config", pipelineFile.toString(), "--sink-config", sinkFile.toString(),
                        "--sink-only", "--out", dir.resolve("go-" + run).toString());
                assertThat(r.exit()).as(r.out() + r.err()).isZero();
                assertThat(r.out()).contains("GO");
                reports.add(JSON.readTree(dir.resolve("go-" + run).resolve("report.json").toFile()));
            }
            assertThat(sink.state()).as("sink failed: %s", sink.failure()).isNotIn(Sink.State.FAILED, Sink.State.STOPPED);
            JsonNode orders = table(reports.get(1), "shop.web_orders");
            assertThat(orders.path("direction").asText()).isEqualTo("TOPIC_TO_TABLE");
            assertThat(orders.path("topic").asText()).contains(ORDERS).contains("sink rp");
            assertThat(orders.path("verdict").asText()).isEqualTo("GO");
            assertThat(orders.path("liveKeysInStream").asLong()).isPositive();
            assertThat(orders.path("streamHistory").asText()).contains("were not compared")
                    .contains("2 record(s) below the positions were refused by the sink");
            assertThat(table(reports.get(1), "shop.customers").path("verdict").asText()).isEqualTo("GO");
            assertThat(Files.readString(dir.resolve("go-1").resolve("report.html")))
                    .contains("topic → table via sink");
        } finally {
            running.set(false);
            for (Thread t : writers) {
                t.join(30_000);
            }
        }
        assertThat(failed.get()).isNull();
        assertThat(published.get()).as("events published while the checks ran").isGreaterThan(60);
    }

    @Test
    @Order(2)
    void shouldBeNoGoNamingTheKeyAndColumnChangedAndTheRowDeletedBehindTheSinksBack() throws Exception {
        awaitCaughtUp();
        // o-1 is placed only (never confirmed or cancelled), o-2 too; customer 1 is never deleted
        sql("UPDATE shop.web_orders SET total = 999.99 WHERE order_ref = 'o-1'",
                "DELETE FROM shop.web_orders WHERE order_ref = 'o-2'",
                "UPDATE shop.web_orders SET note = 'called back', channel = 'phone' WHERE order_ref = 'o-3'",
                "UPDATE shop.customers SET name = 'Mallory' WHERE id = 1");
        Path out = dir.resolve("no-go");
        Result r = run("parity", "--config", pipelineFile.toString(), "--sink-config", sinkFile.toString(),
                "--sink-only", "--out", out.toString(), "--json");
        assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.FINDINGS);
        JsonNode report = JSON.readTree(r.out());
        JsonNode orders = table(report, "shop.web_orders");
        assertThat(orders.path("verdict").asText()).isEqualTo("NO-GO");
        assertThat(orders.path("findingCounts").path("CONTENT_DIFFERS").asLong()).isEqualTo(1);
        assertThat(orders.path("findingCounts").path("EXTRA_IN_STREAM").asLong()).isEqualTo(1);
        assertThat(orders.path("findings").asLong()).as("the legacy app's own columns are not compared").isEqualTo(2);
        JsonNode changed = finding(orders, "CONTENT_DIFFERS");
        assertThat(changed.path("key").asText()).isEqualTo("{order_ref=o-1}");
        assertThat(changed.path("column").asText()).isEqualTo("total");
        assertThat(changed.path("tableValue").asText()).contains("999.99");
        assertThat(changed.path("streamValue").asText()).contains("11.01");
        JsonNode deleted = finding(orders, "EXTRA_IN_STREAM");
        assertThat(deleted.path("key").asText()).isEqualTo("{order_ref=o-2}");
        assertThat(deleted.path("note").asText()).contains("missing in the table");
        JsonNode customers = table(report, "shop.customers");
        assertThat(customers.path("verdict").asText()).isEqualTo("NO-GO");
        JsonNode name = finding(customers, "CONTENT_DIFFERS");
        assertThat(name.path("key").asText()).isEqualTo("{id=1}");
        assertThat(name.path("column").asText()).isEqualTo("name");
        assertThat(name.path("tableValue").asText()).contains("Mallory");
        assertThat(Files.readString(out.resolve("report.md"))).contains("topic → table via sink");
    }

    @Test
    @Order(3)
    void shouldRefuseAnIncompleteCommandLineWithOneLineAndExit78() throws Exception {
        Result noSink = run("parity", "--config", pipelineFile.toString(), "--sink-only");
        assertThat(noSink.exit()).as(noSink.err()).isEqualTo(ExitCodes.CONFIG);
        assertThat(noSink.err()).contains("strangler: error: --sink-only needs --sink-config").doesNotContain("\tat ");
        Map<String, String> other = new LinkedHashMap<>();
        java.util.Properties p = new java.util.Properties();
        try (var in = Files.newBufferedReader(sinkFile)) {
            p.load(in);
        }
        p.forEach((k, v) -> other.put((String) k, (String) v));
        other.put("target.url", sandbox.postgres().jdbcUrl("backoffice"));
        Result mismatch = run("parity", "--config", pipelineFile.toString(), "--sink-config",
                write("other", other).toString());
        assertThat(mismatch.exit()).as(mismatch.err()).isEqualTo(ExitCodes.CONFIG);
        assertThat(mismatch.err()).contains("the sink writes database 'backoffice'").doesNotContain("\tat ");
    }

    // ---- the new service: outbox events for orders, change events for customers -----------------------------------

    private void publishUntil(AtomicBoolean running, AtomicInteger published) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, "5"), new StringSerializer(), new StringSerializer())) {
            for (int i = 1; running.get() || i <= 40; i++) {
                String order = "o-" + i;
                send(producer, "OrderPlaced", order, "{\"orderId\":\"" + order + "\",\"total\":\""
                        + String.format(java.util.Locale.US, "%d.%02d", 10 + i % 7, i % 100) + "\"}");
                if (i == 5) {
                    send(producer, "OrderPlaced", "bad-mapping", "{\"orderId\":\"bad-mapping\"}"); // no /total
                    send(producer, "OrderPlaced", "bad-total", "{\"orderId\":\"bad-total\",\"total\":\"-1.00\"}");
                }
                if (i % 4 == 0) {
                    send(producer, "OrderConfirmed", order, "{\"orderId\":\"" + order + "\"}");
                }
                if (i % 10 == 0) {
                    send(producer, "OrderCancelled", order, "{\"orderId\":\"" + order + "\"}");
                }
                String key = "{\"id\":" + i + "}";
                producer.send(new ProducerRecord<>(CUSTOMERS, key, envelope("c", i, "Customer " + i)));
                if (i > 3 && i % 3 == 0) {
                    producer.send(new ProducerRecord<>(CUSTOMERS, "{\"id\":" + (i - 3) + "}",
                            envelope("u", i - 3, "Renamed " + i)));
                }
                if (i > 5 && i % 5 == 0) {
                    producer.send(new ProducerRecord<>(CUSTOMERS, "{\"id\":" + (i - 5) + "}",
                            "{\"before\":{\"id\":" + (i - 5) + "},\"after\":null,\"op\":\"d\"}"));
                    producer.send(new ProducerRecord<>(CUSTOMERS, "{\"id\":" + (i - 5) + "}", null));
                }
                published.addAndGet(3);
                producer.flush();
                Thread.sleep(15);
            }
        }
    }

    private static String envelope(String op, int id, String name) {
        return "{\"before\":null,\"after\":{\"id\":" + id + ",\"full_name\":\"" + name + "\",\"tags\":[\"a\",\"b "
                + id + "\"],\"born\":\"1990-01-" + String.format("%02d", 1 + id % 28) + "\",\"score\":\"" + id
                + ".50\",\"internal_flag\":true},\"op\":\"" + op + "\",\"source\":{\"lsn\":" + id + "}}";
    }

    private static void send(KafkaProducer<String, String> producer, String type, String order, String payload) {
        ProducerRecord<String, String> r = new ProducerRecord<>(ORDERS, order, payload);
        r.headers().add("eventType", type.getBytes(StandardCharsets.UTF_8));
        r.headers().add("occurredAt", Instant.now().toString().getBytes(StandardCharsets.UTF_8));
        producer.send(r);
    }

    /** The legacy app's own phone orders in the same table, with its own columns; the sink's topics never name them. */
    private void legacyWritesUntil(AtomicBoolean running) throws Exception {
        try (Connection c = sandbox.postgres().connect(DB); Statement st = c.createStatement()) {
            for (int i = 1; running.get(); i++) {
                st.execute("INSERT INTO shop.web_orders (order_ref, total, status, channel, updated_at) VALUES "
                        + "('p-" + i + "', " + i + ", 'phoned', 'phone', now())");
                if (i % 2 == 0) {
                    st.execute("UPDATE shop.web_orders SET total = total + 1, note = 'changed' WHERE order_ref = 'p-"
                            + (i - 1) + "'");
                }
                Thread.sleep(20);
            }
        }
    }

    // ---- helpers -----------------------------------------------------------------------------------------------------

    private interface Body {
        void run() throws Exception;
    }

    private static void guard(AtomicReference<Throwable> failed, Body body) {
        try {
            body.run();
        } catch (Throwable t) {
            failed.compareAndSet(null, t);
        }
    }

    private void awaitApplied(long records) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (storedPositions() < records) {
            assertThat(System.nanoTime()).as("the sink applies events").isLessThan(deadline);
            assertThat(sink.state()).as("sink failed: %s", sink.failure()).isNotIn(Sink.State.FAILED, Sink.State.STOPPED);
            Thread.sleep(100);
        }
    }

    /** Waits until the sink's stored positions reach the end of both topics. */
    private void awaitCaughtUp() throws Exception {
        long end;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sandbox.kafka().bootstrapServers()),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < 3; p++) {
                partitions.add(new TopicPartition(ORDERS, p));
            }
            for (int p = 0; p < 2; p++) {
                partitions.add(new TopicPartition(CUSTOMERS, p));
            }
            end = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
        awaitApplied(end);
    }

    private long storedPositions() throws Exception {
        try (Connection c = sandbox.postgres().connect(DB); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT coalesce(sum(next_offset), 0) FROM strangler.sink_offsets")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static JsonNode table(JsonNode report, String name) {
        for (JsonNode t : report.path("tables")) {
            if (t.path("table").asText().equals(name)) {
                return t;
            }
        }
        throw new AssertionError("no table " + name + " in " + report);
    }

    private static JsonNode finding(JsonNode table, String kind) {
        for (JsonNode f : table.path("sample")) {
            if (f.path("kind").asText().equals(kind)) {
                return f;
            }
        }
        throw new AssertionError("no " + kind + " finding in " + table);
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = sandbox.postgres().connect(DB); Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private Path write(String name, Map<String, String> settings) throws Exception {
        StringBuilder text = new StringBuilder();
        settings.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Path file = dir.resolve(name + ".properties");
        Files.writeString(file, text);
        return file;
    }

    private record Result(int exit, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = StranglerCommand.newCommandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Result(exit, out.toString(), err.toString());
    }
}
