package dev.strangler.sink.it;

import static dev.strangler.sink.it.SinkFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.engine.Pipeline;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.sandbox.Sandbox;
import dev.strangler.sandbox.TopicContents;
import dev.strangler.sink.Sink;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The whole loop with real pipelines: the new service writes svc.orders, a pipeline publishes it, the sink applies it
 * to legacy.orders, which the same pipeline captures, while the legacy application writes other rows of
 * legacy.orders. With sink.echo=drop the legacy topic must hold exactly the legacy application's changes (none of the
 * sink's, though the pipeline is restarted in the middle and the sink's transactions span several Debezium batches);
 * with sink.echo=mark (a second pipeline on the same table) it mirrors the whole table, the sink's changes carrying
 * strangler.origin=sink:<name>. And the legacy rows the sink wrote equal the new service's rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SinkRoundTripIT {

    private static final long SINK_IDS = 1_000_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Sandbox sandbox;
    private String db;

    @BeforeAll
    void start() {
        sandbox = Sandbox.start();
        db = database(sandbox,
                "CREATE SCHEMA svc",
                "CREATE TABLE svc.orders (id bigint PRIMARY KEY, total numeric(10,2) NOT NULL, status text NOT NULL,"
                        + " internal text)",
                "CREATE SCHEMA legacy",
                "CREATE TABLE legacy.orders (id bigint PRIMARY KEY, amount numeric(10,2) NOT NULL, "
                        + "status text NOT NULL, channel text NOT NULL DEFAULT 'legacy')");
    }

    @AfterAll
    void close() {
        sandbox.close();
    }

    private PipelineConfig pipeline(String name, String tables, String echo) {
        Map<String, String> m = new HashMap<>();
        m.put("pipeline.name", name);
        m.put("source.url", sandbox.postgres().jdbcUrl(db));
        m.put("source.user", sandbox.postgres().superuser());
        m.put("source.password", sandbox.postgres().superuserPassword());
        m.put("source.tables", tables);
        m.put("kafka.bootstrap.servers", sandbox.kafka().bootstrapServers());
        m.put("heartbeat.interval", "1s");
        m.put("sink.echo", echo);
        // small engine batches: a sink transaction of hundreds of changes spans many of them
        m.put("debezium.max.batch.size", "50");
        return new PipelineConfigLoader(Map.of()).fromMap(m);
    }

    private static Pipeline started(PipelineConfig config) {
        Pipeline p = new Pipeline(config, Pipeline.Options.defaults());
        p.start();
        return p;
    }

    @Test
    void shouldApplyTheNewServicesChangesToTheLegacyTableWithoutEcho() throws Exception {
        PipelineConfig dropConfig = pipeline("rt", "svc.orders,legacy.orders", "drop");
        Pipeline drop = started(dropConfig);
        Pipeline mark = started(pipeline("rtmark", "legacy.orders", "mark"));
        Map<String, String> s = settings(sandbox, db, "rtsink");
        s.put("sink.mappings", "orders");
        s.put("sink.batch.size", "1000");
        s.put("mapping.orders.topic", "rt.svc.orders");
        s.put("mapping.orders.table", "legacy.orders");
        s.put("mapping.orders.rename.total", "amount");
        s.put("mapping.orders.exclude", "internal");
        s.put("mapping.orders.constant.channel", "svc");
        Sink sink = new Sink(config(s), Sink.Options.defaults());
        AtomicBoolean writing = new AtomicBoolean(true);
        List<Throwable> writerErrors = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread newService = writer("new-service", "svc.orders", "total", SINK_IDS, 11, writing, writerErrors);
        Thread legacyApp = writer("legacy-app", "legacy.orders", "amount", 1, 12, writing, writerErrors);
        try {
            newService.start();
            Thread.sleep(3000); // a backlog first: the sink's first transactions are large
            sink.start();
            legacyApp.start();
            Thread.sleep(4000);
            // a graceful restart of the dropping pipeline while the sink keeps writing: it may stop in the middle
            // of a sink transaction, and must then recognise the rest of it after the restart
            drop.stop();
            drop = started(dropConfig);
            Thread.sleep(4000);
            writing.set(false);
            newService.join(30_000);
            legacyApp.join(30_000);
            assertThat(writerErrors).isEmpty();

            awaitConfirmed("strangler_rt");
            Map<Integer, Long> end = endOffsets(sandbox, "rt.svc.orders");
            await().atMost(Duration.ofSeconds(90)).until(() -> storedPositions(sandbox, db, "strangler-sink-rtsink",
                    "rt.svc.orders").equals(end));
            awaitConfirmed("strangler_rt");
            awaitConfirmed("strangler_rtmark");
            assertThat(sink.metrics().total().written()).isGreaterThan(300);
            assertThat(drop.metrics().skipped()).as("the restarted pipeline dropped sink changes too").isPositive();
        } finally {
            writing.set(false);
            sink.stop();
            drop.stop();
            mark.stop();
        }

        Map<Long, List<String>> table = rows("SELECT id, amount::text, status, channel FROM legacy.orders");
        Map<Long, List<String>> legacyRows = new TreeMap<>(table);
        legacyRows.keySet().removeIf(id -> id >= SINK_IDS);
        Map<Long, List<String>> sinkRows = new TreeMap<>(table);
        sinkRows.keySet().removeIf(id -> id < SINK_IDS);
        assertThat(legacyRows).hasSizeGreaterThan(20);

        // the round trip: what the new service has is what the legacy table has
        assertThat(sinkRows).isEqualTo(rows("SELECT id, total::text, status, 'svc' FROM svc.orders"));

        // drop: the legacy topic is the legacy application's own changes, and all of them
        List<ConsumerRecord<byte[], byte[]>> dropped = TopicContents.readAll(sandbox.kafka().bootstrapServers(),
                List.of("rt.legacy.orders"));
        assertThat(dropped).map(r -> id(r)).as("no echo: no event of a row the sink wrote")
                .allMatch(id -> id < SINK_IDS);
        assertThat(fold(dropped)).isEqualTo(legacyRows);

        // mark: the topic mirrors the whole table, and says which changes were the sink's
        List<ConsumerRecord<byte[], byte[]>> marked = TopicContents.readAll(sandbox.kafka().bootstrapServers(),
                List.of("rtmark.legacy.orders"));
        assertThat(marked).filteredOn(r -> id(r) >= SINK_IDS).isNotEmpty()
                .allMatch(r -> "sink:rtsink".equals(header(r, "strangler.origin")));
        assertThat(marked).filteredOn(r -> id(r) < SINK_IDS).isNotEmpty()
                .allMatch(r -> header(r, "strangler.origin") == null);
        assertThat(fold(marked)).isEqualTo(table);

        assertThat(TopicContents.topics(sandbox.kafka().bootstrapServers()))
                .as("markers are bookkeeping, never published")
                .doesNotContain("rt.strangler.sink_marker", "rtmark.strangler.sink_marker");
    }

    /** Small transactions of inserts, updates and deletes on the table's own range of ids, until told to stop. */
    private Thread writer(String name, String table, String amountColumn, long firstId, long seed,
                          AtomicBoolean writing, List<Throwable> errors) {
        Thread t = new Thread(() -> {
            Random random = new Random(seed);
            List<Long> live = new ArrayList<>();
            long next = firstId;
            try (Connection c = connect(sandbox, db)) {
                c.setAutoCommit(false);
                while (writing.get()) {
                    int statements = 1 + random.nextInt(4);
                    for (int i = 0; i < statements; i++) {
                        int op = live.size() < 10 ? 0 : random.nextInt(10);
                        if (op < 5) {
                            update(c, "INSERT INTO " + table + " (id, " + amountColumn + ", status) VALUES (?, ?, "
                                    + "'new')", next, money(random));
                            live.add(next++);
                        } else if (op < 9) {
                            update(c, "UPDATE " + table + " SET " + amountColumn + " = ?, status = 'changed' "
                                    + "WHERE id = ?", money(random), live.get(random.nextInt(live.size())));
                        } else {
                            update(c, "DELETE FROM " + table + " WHERE id = ?",
                                    live.remove(random.nextInt(live.size())));
                        }
                    }
                    c.commit();
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                errors.add(e);
            }
        }, name);
        t.setDaemon(true);
        return t;
    }

    private static java.math.BigDecimal money(Random random) {
        return java.math.BigDecimal.valueOf(random.nextInt(1_000_000), 2);
    }

    private static void update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    /** Waits until the slot confirmed everything written so far: the pipeline has published (or dropped) it all. */
    private void awaitConfirmed(String slot) {
        String lsn = query(sandbox, db, "SELECT pg_current_wal_insert_lsn()::text").get(0).get(0);
        await().atMost(Duration.ofSeconds(90)).until(() -> query(sandbox, db, "SELECT confirmed_flush_lsn > '"
                + lsn + "'::pg_lsn FROM pg_replication_slots WHERE slot_name = '" + slot + "'").get(0).get(0)
                .equals("t"));
    }

    private Map<Long, List<String>> rows(String sql) {
        Map<Long, List<String>> rows = new TreeMap<>();
        for (List<String> row : query(sandbox, db, sql)) {
            rows.put(Long.parseLong(row.get(0)), row.subList(1, row.size()));
        }
        return rows;
    }

    /** Per key, the after of the last event, or nothing after a delete: the table as the topic tells it. */
    private static Map<Long, List<String>> fold(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        Map<Long, List<String>> state = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            if (r.value() == null) {
                continue;
            }
            JsonNode after = JSON.readTree(r.value()).path("after");
            if (after.isNull() || after.isMissingNode()) {
                state.remove(id(r));
            } else {
                state.put(id(r), List.of(after.path("amount").asText(), after.path("status").asText(),
                        after.path("channel").asText()));
            }
        }
        return state;
    }

    private static long id(ConsumerRecord<byte[], byte[]> r) {
        try {
            return JSON.readTree(r.key()).path("id").asLong();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
