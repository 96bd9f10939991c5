package dev.strangler.sink.it;

import static dev.strangler.sink.it.SinkFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.strangler.sandbox.Sandbox;
import dev.strangler.sandbox.TopicContents;
import dev.strangler.sink.BadEventException;
import dev.strangler.sink.Sink;
import dev.strangler.sink.SinkMetrics;
import dev.strangler.sink.TargetNotReadyException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * The sink in this JVM against the real servers: every value encoding of the event contract written back exactly,
 * outbox events by type, the conflict policies during dual writes, bad events in both error modes, and what the start
 * refuses (a mapping that does not fit its table, a publication that would echo).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SinkApplyIT {

    private Sandbox sandbox;
    private Producer<String, String> producer;

    @BeforeAll
    void start() {
        sandbox = Sandbox.start();
        producer = producer(sandbox);
    }

    @AfterAll
    void stop() {
        producer.close();
        sandbox.close();
    }

    private Sink started(Map<String, String> settings) {
        Sink sink = new Sink(config(settings), Sink.Options.defaults());
        sink.start();
        return sink;
    }

    private void send(ProducerRecord<String, String>... records) {
        for (ProducerRecord<String, String> r : records) {
            producer.send(r);
        }
        producer.flush();
    }

    @Test
    void writesEveryEncodingOfTheEventContractBackExactly() throws Exception {
        String db = database(sandbox, "CREATE SCHEMA legacy",
                "CREATE TYPE legacy.mood AS ENUM ('calm', 'busy')",
                "CREATE TABLE legacy.typed (id bigint PRIMARY KEY, amount numeric(12,2), born date, at timestamptz, "
                        + "local_at timestamp, t time, tags text[], doc jsonb, pic bytea, flag boolean, "
                        + "mood legacy.mood, ref uuid, ratio double precision, note varchar(20), "
                        + "kept text DEFAULT 'untouched')");
        String topic = "types.svc.typed";
        createTopic(sandbox, topic, 1);
        Map<String, String> s = settings(sandbox, db, "types");
        s.put("sink.mappings", "typed");
        s.put("mapping.typed.topic", topic);
        s.put("mapping.typed.table", "legacy.typed");
        s.put("mapping.typed.rename.total", "amount");
        s.put("mapping.typed.exclude", "internal");
        send(change(topic, "c", 1, "\"total\":\"1234567890.10\",\"born\":\"2000-02-29Z\","
                + "\"at\":\"2024-03-01T10:34:56.789012Z\",\"local_at\":\"2024-03-01T12:34:56.5Z\","
                + "\"t\":\"12:34:56.5Z\",\"tags\":[\"a,b\",\"NULL\",null,\"quo\\\"te\"],"
                + "\"doc\":\"{\\\"b\\\": 1, \\\"a\\\": [true]}\",\"pic\":\"AAEC/w==\",\"flag\":true,"
                + "\"mood\":\"busy\",\"ref\":\"6f1c3a52-7a0e-4c59-9a43-2f1e0b6f4b11\",\"ratio\":-0.5,"
                + "\"note\":\"日本語\",\"internal\":\"dropped\""));
        try (Sink sink = started(s)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> sink.metrics().total().written() == 1);
        }
        List<String> row = query(sandbox, db, "SELECT amount::text, born::text, at AT TIME ZONE 'UTC', "
                + "local_at::text, t::text, tags::text, doc::text, encode(pic, 'hex'), flag::text, mood::text, "
                + "ref::text, ratio::text, note, kept FROM legacy.typed WHERE id = 1").get(0);
        assertThat(row).containsExactly("1234567890.10", "2000-02-29", "2024-03-01 10:34:56.789012",
                "2024-03-01 12:34:56.5", "12:34:56.5", "{\"a,b\",\"NULL\",NULL,\"quo\\\"te\"}",
                "{\"a\": [true], \"b\": 1}", "000102ff", "true", "busy", "6f1c3a52-7a0e-4c59-9a43-2f1e0b6f4b11",
                "-0.5", "日本語", "untouched");
    }

    @Test
    void appliesOutboxEventsByTypeAndKeepsTheNewerRowDuringDualWrites() throws Exception {
        String db = database(sandbox, "CREATE SCHEMA legacy",
                "CREATE TABLE legacy.web_orders (ref text PRIMARY KEY, total numeric(10,2) NOT NULL, "
                        + "status text NOT NULL, updated_at timestamptz NOT NULL)",
                "CREATE TABLE legacy.notes (id bigint PRIMARY KEY, body text)");
        String orders = "conflicts.outbox.order";
        String notes = "conflicts.svc.notes";
        createTopic(sandbox, orders, 1);
        createTopic(sandbox, notes, 1);
        Map<String, String> s = settings(sandbox, db, "conflicts");
        s.put("sink.mappings", "placed,confirmed,shipped,notes");
        for (String id : List.of("placed", "confirmed", "shipped")) {
            s.put("mapping." + id + ".topic", orders);
            s.put("mapping." + id + ".format", "outbox");
            s.put("mapping." + id + ".table", "legacy.web_orders");
        }
        s.put("mapping.placed.event.type", "OrderPlaced");
        s.put("mapping.placed.column.ref", "key");
        s.put("mapping.placed.column.total", "/total");
        s.put("mapping.placed.column.updated_at", "header:occurredAt");
        s.put("mapping.placed.constant.status", "placed");
        s.put("mapping.placed.conflict", "keep-newer");
        s.put("mapping.placed.version.column", "updated_at");
        s.put("mapping.confirmed.event.type", "OrderConfirmed");
        s.put("mapping.confirmed.action", "update");
        s.put("mapping.confirmed.column.ref", "/orderId");
        s.put("mapping.confirmed.column.updated_at", "header:occurredAt");
        s.put("mapping.confirmed.constant.status", "confirmed");
        s.put("mapping.confirmed.conflict", "keep-newer");
        s.put("mapping.confirmed.version.column", "updated_at");
        s.put("mapping.shipped.event.type", "OrderShipped");
        s.put("mapping.shipped.action", "ignore");
        s.put("mapping.notes.topic", notes);
        s.put("mapping.notes.table", "legacy.notes");

        // the legacy app changed o-2 and note 7 after the new service's events were written
        execute(sandbox, db, "INSERT INTO legacy.web_orders VALUES ('o-2', 5.00, 'cancelled', "
                + "'2030-01-01T00:00:00Z')", "INSERT INTO legacy.notes VALUES (7, 'legacy wrote this')");
        send(outbox(orders, "o-1", "OrderPlaced", "{\"total\":\"10.50\"}", "2024-03-01T10:00:00Z"),
                outbox(orders, "o-2", "OrderPlaced", "{\"total\":\"20.00\"}", "2024-03-01T10:00:01Z"),
                outbox(orders, "o-1", "OrderConfirmed", "{\"orderId\":\"o-1\"}", "2024-03-01T10:05:00Z"),
                outbox(orders, "o-2", "OrderConfirmed", "{\"orderId\":\"o-2\"}", "2024-03-01T10:05:01Z"),
                outbox(orders, "o-1", "OrderShipped", "{}", "2024-03-01T11:00:00Z"),
                change(notes, "u", 7, "\"body\":\"the new service wrote this\""));
        ListAppender<ILoggingEvent> logs = capture("dev.strangler.sink");
        try (Sink sink = started(s)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> sink.metrics().total().applied()
                    + sink.metrics().total().ignored() == 6);
            SinkMetrics.Counts placed = sink.metrics().byMapping().get("placed");
            SinkMetrics.Counts confirmed = sink.metrics().byMapping().get("confirmed");
            assertThat(placed.written()).isEqualTo(1);
            assertThat(placed.conflicts()).isEqualTo(1);
            assertThat(confirmed.written()).isEqualTo(1);
            assertThat(confirmed.conflicts()).isEqualTo(1);
            assertThat(sink.metrics().byMapping().get("shipped").ignored()).isEqualTo(1);
            assertThat(sink.metrics().byMapping().get("notes").written()).isEqualTo(1);
        }
        assertThat(query(sandbox, db, "SELECT ref, total::text, status FROM legacy.web_orders ORDER BY ref"))
                .containsExactly(List.of("o-1", "10.50", "confirmed"), List.of("o-2", "5.00", "cancelled"));
        assertThat(query(sandbox, db, "SELECT body FROM legacy.notes WHERE id = 7").get(0))
                .as("overwrite: the event wins").containsExactly("the new service wrote this");
        assertThat(logs.list).map(ILoggingEvent::getFormattedMessage)
                .filteredOn(m -> m.startsWith("conflict in legacy.web_orders, key {ref=o-2}")).hasSize(2)
                .allMatch(m -> m.contains("the row is kept") && m.contains("offset"));
    }

    @Test
    void stopsAtABadEventNamingItWithTheEventsBeforeItApplied() throws Exception {
        String db = database(sandbox, "CREATE SCHEMA legacy",
                "CREATE TABLE legacy.items (id bigint PRIMARY KEY, qty int NOT NULL CHECK (qty > 0))");
        String topic = "stop.svc.items";
        createTopic(sandbox, topic, 1);
        Map<String, String> s = settings(sandbox, db, "stop");
        s.put("sink.mappings", "items");
        s.put("mapping.items.topic", topic);
        s.put("mapping.items.table", "legacy.items");
        send(change(topic, "c", 1, "\"qty\":1"), change(topic, "c", 2, "\"qty\":2"),
                change(topic, "c", 3, "\"qty\":0"), change(topic, "c", 4, "\"qty\":4"));
        Sink sink = started(s);
        assertThatThrownBy(sink::awaitTermination).isInstanceOf(BadEventException.class)
                .hasMessageContaining("bad event at topic stop.svc.items partition 0 offset 2",
                        "the database refused the upsert of key {id=3}", "items_qty_check", "SQLState 23514",
                        "sink.errors=dead-letter");
        assertThat(query(sandbox, db, "SELECT id FROM legacy.items ORDER BY id"))
                .containsExactly(List.of("1"), List.of("2"));
        assertThat(storedPositions(sandbox, db, "strangler-sink-stop", topic))
                .as("resumes exactly at the bad event").containsEntry(0, 2L);

        // a mapping mismatch stops the same way, at the same place after a restart
        execute(sandbox, db, "ALTER TABLE legacy.items DROP CONSTRAINT items_qty_check");
        send(change(topic, "c", 5, "\"qty\":5,\"colour\":\"red\""));
        Sink again = started(s);
        assertThatThrownBy(again::awaitTermination).isInstanceOf(BadEventException.class)
                .hasMessageContaining("offset 4", "field 'colour' has no column colour in legacy.items");
        assertThat(query(sandbox, db, "SELECT id, qty FROM legacy.items ORDER BY id")).containsExactly(
                List.of("1", "1"), List.of("2", "2"), List.of("3", "0"), List.of("4", "4"));
    }

    @Test
    void deadLettersBadEventsWithTheReasonAndAppliesTheRest() throws Exception {
        String db = database(sandbox, "CREATE SCHEMA legacy",
                "CREATE TABLE legacy.items (id bigint PRIMARY KEY, qty int NOT NULL CHECK (qty > 0), "
                        + "name varchar(5))");
        String topic = "dlq.svc.items";
        createTopic(sandbox, topic, 1);
        Map<String, String> s = settings(sandbox, db, "dlq");
        s.put("sink.mappings", "items");
        s.put("sink.errors", "dead-letter");
        s.put("mapping.items.topic", topic);
        s.put("mapping.items.table", "legacy.items");
        send(change(topic, "c", 1, "\"qty\":1"), change(topic, "c", 2, "\"qty\":0"),
                change(topic, "c", 3, "\"qty\":3,\"name\":\"too long\""),
                change(topic, "c", 4, "\"qty\":4,\"unknown\":1"), change(topic, "c", 5, "\"qty\":5"),
                new ProducerRecord<>(topic, "{\"id\":6}", "{not json"), change(topic, "d", 1, null),
                new ProducerRecord<>(topic, "{\"id\":1}", null));
        try (Sink sink = started(s)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> storedPositions(sandbox, db, "strangler-sink-dlq",
                    topic).getOrDefault(0, 0L) == 8L);
            SinkMetrics.Counts items = sink.metrics().byMapping().get("items");
            assertThat(items.written()).as("ids 1 and 5").isEqualTo(2);
            assertThat(items.deleted()).isEqualTo(1);
            assertThat(items.deadLettered()).isEqualTo(4);
            assertThat(items.ignored()).as("the tombstone").isEqualTo(1);
        }
        assertThat(query(sandbox, db, "SELECT id FROM legacy.items ORDER BY id")).containsExactly(List.of("5"));
        List<ConsumerRecord<byte[], byte[]>> dead = TopicContents.readAll(sandbox.kafka().bootstrapServers(),
                List.of("dlq.dead-letter"));
        assertThat(dead).hasSize(4);
        assertThat(dead).map(r -> header(r, "strangler.sink.offset")).containsExactly("1", "2", "3", "5");
        assertThat(dead).allMatch(r -> header(r, "strangler.sink.topic").equals(topic)
                && header(r, "strangler.sink.partition").equals("0") && header(r, "strangler.sink.name").equals("dlq"));
        assertThat(header(dead.get(0), "strangler.sink.error")).contains("items_qty_check", "{id=2}");
        assertThat(header(dead.get(1), "strangler.sink.error")).contains("SQLState 22001");
        assertThat(header(dead.get(2), "strangler.sink.error")).contains("field 'unknown' has no column");
        assertThat(header(dead.get(3), "strangler.sink.error")).contains("the value is not JSON");
        assertThat(new String(dead.get(3).value(), StandardCharsets.UTF_8)).as("the event as it was")
                .isEqualTo("{not json");
    }

    @Test
    void refusesToStartWhenAMappingDoesNotFitItsTableOrAPublicationWouldEcho() {
        String db = database(sandbox, "CREATE SCHEMA legacy",
                "CREATE TABLE legacy.nokey (id bigint, name text)",
                "CREATE TABLE legacy.items (id bigint PRIMARY KEY, name text)");
        Map<String, String> s = settings(sandbox, db, "refused");
        s.put("sink.mappings", "items");
        s.put("mapping.items.topic", "refused.items");
        s.put("mapping.items.table", "legacy.itemz");
        assertThatThrownBy(() -> started(s)).isInstanceOf(TargetNotReadyException.class)
                .hasMessageContaining("mapping.items.table: legacy.itemz does not exist");
        s.put("mapping.items.table", "legacy.nokey");
        assertThatThrownBy(() -> started(s)).hasMessageContaining("legacy.nokey has no primary key",
                "mapping.items.key");
        s.put("mapping.items.key", "id");
        assertThatThrownBy(() -> started(s)).hasMessageContaining("no unique index on exactly (id)",
                "CREATE UNIQUE INDEX");
        s.put("mapping.items.table", "legacy.items");
        s.put("mapping.items.rename.label", "title");
        assertThatThrownBy(() -> started(s)).hasMessageContaining("mapping.items.rename.label: legacy.items has "
                + "no column title (its columns: id, name)");
        s.remove("mapping.items.rename.label");

        execute(sandbox, db, "CREATE PUBLICATION echoing FOR TABLE legacy.items");
        assertThatThrownBy(() -> started(s)).isInstanceOf(TargetNotReadyException.class)
                .hasMessageContaining("publication echoing publishes legacy.items but not strangler.sink_marker",
                        "ALTER PUBLICATION \"echoing\" ADD TABLE strangler.sink_marker", "sink.publications.ignored");
        execute(sandbox, db, "ALTER PUBLICATION echoing ADD TABLE strangler.sink_marker");
        started(s).stop();
    }

    private static ProducerRecord<String, String> outbox(String topic, String aggregate, String type, String payload,
                                                         String occurredAt) {
        ProducerRecord<String, String> r = new ProducerRecord<>(topic, aggregate, payload);
        r.headers().add("eventType", type.getBytes(StandardCharsets.UTF_8));
        r.headers().add("occurredAt", occurredAt.getBytes(StandardCharsets.UTF_8));
        return r;
    }

    private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static ListAppender<ILoggingEvent> capture(String logger) {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger(logger)).addAppender(appender);
        return appender;
    }
}
