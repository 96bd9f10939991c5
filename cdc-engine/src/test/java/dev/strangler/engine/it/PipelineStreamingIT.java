package dev.strangler.engine.it;

import static dev.strangler.engine.it.EngineFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.contract.IntakeHeaderNames;
import dev.strangler.engine.Pipeline;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.kafka.IntakeHeaders;
import dev.strangler.sandbox.Sandbox;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The pipeline against real PostgreSQL and Kafka: snapshot, every kind of change, headers, order, heartbeats,
 * transaction metadata.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PipelineStreamingIT {

    private Sandbox sandbox;
    private String db;
    private Pipeline pipeline;
    private PipelineConfig config;

    @BeforeAll
    void startPipelineOnASeededLegacyDatabase() {
        sandbox = Sandbox.shared();
        db = createLegacyDatabase(sandbox, true);
        Map<String, String> settings = settings(sandbox, db, "streaming");
        settings.put("source.slot.failover", "true"); // PostgreSQL 17+: the sandbox's default version
        settings.put("source.toast.reselect", "shop.orders");
        settings.put("transactions.metadata", "true");
        config = config(settings);
        pipeline = new Pipeline(config, Pipeline.Options.defaults());
        pipeline.start();
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.stop();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private String topic(String table) {
        return "streaming.shop." + table;
    }

    private List<Event> eventsOf(String table) {
        return readAll(sandbox, List.of(topic(table)));
    }

    @Test
    void shouldSnapshotEveryPreExistingRowAsAReadEvent() {
        Map<String, Long> seeded = Map.of("customers", 50L, "products", 20L, "orders", 30L, "order_lines", 60L);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> seeded.forEach((table, rows) ->
                assertThat(eventsOf(table).stream().filter(e -> e.op().equals("r")).count()).as(table)
                        .isEqualTo(rows)));
        Event product = eventsOf("products").stream().filter(e -> e.key().path("id").asInt() == 4).findFirst()
                .orElseThrow();
        assertThat(product.after().path("sku").asText()).isEqualTo("SKU-00004");
        assertThat(product.after().path("price").asText()).isEqualTo("12.68");
        assertThat(product.after().path("weight_kg").isNull()).isTrue();
        assertThat(product.value().path("source").path("snapshot").asText()).isIn("true", "first", "last",
                "last_in_data_collection", "first_in_data_collection");
    }

    @Test
    void shouldPublishInsertUpdateAndDeleteWithEveryDemoTypeExactly() throws Exception {
        execute(sandbox, db, """
                INSERT INTO shop.customers (id, external_ref, name, email, vip, birth_date, tags, created_at, updated_at)
                VALUES (9001, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'Zoë Ünicode', 'zoe@example.com', true,
                        DATE '2000-02-29', ARRAY['vip', 'été'], TIMESTAMPTZ '2024-03-01 12:34:56.789012+02',
                        TIMESTAMPTZ '2024-03-01 10:34:56.789012+00')""",
                """
                INSERT INTO shop.products (id, sku, title, price, weight_kg, attributes, thumbnail)
                VALUES (9001, 'SKU-TEST', 'Test', 1234567890.10, 0.500, '{"b": 1, "a": [true, null]}',
                        '\\xdeadbeef')""",
                "UPDATE shop.customers SET email = 'zoe@new.example', vip = false WHERE id = 9001",
                "INSERT INTO shop.orders (id, customer_id, status, total, ship_by) VALUES (9001, 9001, 'paid', 10.00,"
                        + " DATE '2024-12-31')",
                "UPDATE shop.orders SET status = 'shipped' WHERE id = 9001",
                "DELETE FROM shop.orders WHERE id = 9001");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(ofKey(eventsOf("orders"), 9001)).hasSize(4));
        List<Event> customer = ofKey(eventsOf("customers"), 9001);
        assertThat(customer).extracting(Event::op).containsExactly("c", "u");
        JsonNode created = customer.get(0).after();
        assertThat(created.path("external_ref").asText()).isEqualTo("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
        assertThat(created.path("name").asText()).isEqualTo("Zoë Ünicode");
        assertThat(created.path("vip").asBoolean()).isTrue();
        assertThat(created.path("birth_date").asText()).isEqualTo("2000-02-29Z"); // Debezium's isostring renders a date with a zone designator
        assertThat(created.path("tags")).hasSize(2);
        assertThat(created.path("tags").get(1).asText()).isEqualTo("été");
        assertThat(created.path("created_at").asText()).isEqualTo("2024-03-01T10:34:56.789012Z");
        assertThat(customer.get(0).before().isNull()).isTrue();
        assertThat(customer.get(1).after().path("email").asText()).isEqualTo("zoe@new.example");
        assertThat(customer.get(1).after().path("vip").asBoolean()).isFalse();

        JsonNode product = ofKey(eventsOf("products"), 9001).get(0).after();
        assertThat(product.path("price").asText()).isEqualTo("1234567890.10");
        assertThat(product.path("weight_kg").asText()).isEqualTo("0.500");
        assertThat(EngineFixture.JSON.readTree(product.path("attributes").asText()).toString())
                .isEqualTo("{\"a\":[true,null],\"b\":1}");
        assertThat(product.path("thumbnail").asText()).isEqualTo("3q2+7w==");

        List<Event> order = ofKey(eventsOf("orders"), 9001);
        assertThat(order).extracting(Event::op).containsExactly("c", "u", "d", "tombstone");
        assertThat(order.get(0).after().path("status").asText()).isEqualTo("paid");
        assertThat(order.get(0).after().path("total").asText()).isEqualTo("10.00");
        assertThat(order.get(0).after().path("ship_by").asText()).isEqualTo("2024-12-31Z");
        assertThat(order.get(1).after().path("status").asText()).isEqualTo("shipped");
        assertThat(order.get(2).before().path("id").asLong()).isEqualTo(9001);
        assertThat(order.get(2).after().isNull()).isTrue();
        assertThat(order.get(3).key().path("id").asLong()).isEqualTo(9001);
    }

    @Test
    void shouldStampIntakeHeadersWithOneTraceIdPerSourceTransaction() {
        execute(sandbox, db, """
                BEGIN;
                INSERT INTO shop.customers (id, external_ref, name, email) VALUES
                    (9101, '11111111-1111-1111-1111-111111111111', 'T', 't@example.com');
                INSERT INTO shop.orders (id, customer_id, total) VALUES (9101, 9101, 5.00);
                INSERT INTO shop.order_lines (order_id, line_no, product_id, quantity, unit_price)
                    VALUES (9101, 1, 1, 1, 5.00);
                COMMIT;""",
                "UPDATE shop.orders SET note = 'second transaction' WHERE id = 9101");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(ofKey(eventsOf("orders"), 9101)).hasSize(2));
        Event customer = ofKey(eventsOf("customers"), 9101).get(0);
        List<Event> order = ofKey(eventsOf("orders"), 9101);
        Event line = eventsOf("order_lines").stream().filter(e -> e.key().path("order_id").asLong() == 9101)
                .findFirst().orElseThrow();
        for (Event e : List.of(customer, order.get(0), line, order.get(1))) {
            assertThat(e.headers()).containsKeys(IntakeHeaderNames.INGESTED_AT, IntakeHeaderNames.TRACEPARENT,
                    IntakeHeaderNames.SOURCE_LSN, IntakeHeaderNames.SOURCE_TXID, IntakeHeaderNames.PIPELINE);
            assertThat(e.headers().get(IntakeHeaderNames.PIPELINE)).isEqualTo("streaming");
            assertThat(Long.parseLong(e.headers().get(IntakeHeaderNames.SOURCE_LSN))).isEqualTo(e.lsn());
            assertThat(Long.parseLong(e.headers().get(IntakeHeaderNames.SOURCE_TXID))).isEqualTo(e.txId());
            assertThat(Long.parseLong(e.headers().get(IntakeHeaderNames.INGESTED_AT)))
                    .isGreaterThan(e.value().path("ts_ms").asLong() - 1);
        }
        assertThat(customer.txId()).isEqualTo(order.get(0).txId()).isEqualTo(line.txId())
                .isNotEqualTo(order.get(1).txId());
        String trace = traceId(customer);
        assertThat(traceId(order.get(0))).isEqualTo(trace);
        assertThat(traceId(line)).isEqualTo(trace);
        assertThat(traceId(order.get(1))).isNotEqualTo(trace);
    }

    @Test
    void shouldAnnounceAMultiRowTransactionWithItsEventsPerTableAndMarkEachOfItsEvents() {
        execute(sandbox, db, """
                BEGIN;
                INSERT INTO shop.customers (id, external_ref, name, email) VALUES
                    (9401, '44444444-4444-4444-4444-444444444401', 'A', 'a@example.com'),
                    (9402, '44444444-4444-4444-4444-444444444402', 'B', 'b@example.com');
                INSERT INTO shop.orders (id, customer_id, total) VALUES (9401, 9401, 1.00);
                UPDATE shop.orders SET total = 2.00 WHERE id = 9401;
                DELETE FROM shop.orders WHERE id = 9401;
                COMMIT;""");
        String transactionTopic = config.transactionTopic().orElseThrow();
        assertThat(transactionTopic).isEqualTo("streaming.transaction");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(ofKey(eventsOf("orders"), 9401)).hasSize(4));
        long xid = ofKey(eventsOf("customers"), 9401).get(0).txId();
        List<Event> events = new java.util.ArrayList<>(ofKey(eventsOf("customers"), 9401));
        events.addAll(ofKey(eventsOf("customers"), 9402));
        events.addAll(ofKey(eventsOf("orders"), 9401));
        events.removeIf(e -> e.value() == null); // the tombstone after the delete is no event of its own
        assertThat(events).hasSize(5).allSatisfy(e -> {
            assertThat(e.value().path("transaction").path("id").asText()).startsWith(xid + ":");
            assertThat(e.txId()).isEqualTo(xid);
        });
        assertThat(events.stream().map(e -> e.value().path("transaction").path("total_order").asLong()))
                .containsExactlyInAnyOrder(1L, 2L, 3L, 4L, 5L);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(boundariesOf(xid, readAll(sandbox,
                List.of(transactionTopic)))).extracting(e -> e.value().path("status").asText())
                .containsExactly("BEGIN", "END"));
        List<Event> all = readAll(sandbox, List.of(transactionTopic));
        Event end = boundariesOf(xid, all).get(1);
        assertThat(end.value().path("event_count").asLong()).isEqualTo(5);
        Map<String, Long> perTable = new java.util.TreeMap<>();
        end.value().path("data_collections").forEach(c ->
                perTable.put(c.path("data_collection").asText(), c.path("event_count").asLong()));
        assertThat(perTable).containsExactly(Map.entry("shop.customers", 2L), Map.entry("shop.orders", 3L));
        assertThat(end.headers().get(IntakeHeaderNames.SOURCE_TXID)).isEqualTo(Long.toString(xid));
        assertThat(traceId(end)).as("the transaction's trace id").isEqualTo(traceId(events.get(0)));
        // heartbeats (a transaction every second here) are neither announced nor counted
        assertThat(all).filteredOn(e -> "END".equals(e.value().path("status").asText())).allSatisfy(e -> {
            assertThat(e.value().path("event_count").asLong()).isPositive();
            assertThat(e.value().path("data_collections").toString()).doesNotContain("strangler.");
        });
    }

    /** The BEGIN and END records of source transaction {@code xid}, in topic order. */
    private static List<Event> boundariesOf(long xid, List<Event> records) {
        return records.stream().filter(e -> e.value().path("id").asText().startsWith(xid + ":"))
                .sorted(java.util.Comparator.comparingLong(Event::offset)).toList();
    }

    @Test
    void shouldKeepPerKeyOrderAcrossManyUpdates() {
        execute(sandbox, db, "INSERT INTO shop.products (id, sku, title, price) VALUES (9201, 'SKU-ORDER', 'x', 0)");
        for (int i = 1; i <= 200; i++) {
            execute(sandbox, db, "UPDATE shop.products SET price = " + i + " WHERE id = 9201");
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(ofKey(eventsOf("products"), 9201)).hasSize(201));
        List<Event> events = ofKey(eventsOf("products"), 9201);
        List<Integer> prices = events.stream().skip(1).map(e -> (int) Double.parseDouble(e.after().path("price")
                .asText())).toList();
        assertThat(prices).isEqualTo(java.util.stream.IntStream.rangeClosed(1, 200).boxed().toList());
        assertThat(events.stream().map(Event::lsn).toList()).isSorted();
    }

    /**
     * An UPDATE that leaves a large out-of-line value unchanged: read back from the table where source.toast.reselect
     * names it (orders), Debezium's placeholder where it does not (products, the control).
     */
    @Test
    void shouldReadBackUnchangedToastedValuesOfTheTablesItIsToldTo() {
        String bigText = "(SELECT string_agg(md5(x::text), '') FROM generate_series(1, 1000) x)"; // 32 kB, incompressible
        execute(sandbox, db, "INSERT INTO shop.orders (id, customer_id, status, total, note) SELECT 9301, min(id), "
                        + "'paid', 1, " + bigText + " FROM shop.customers",
                "UPDATE shop.orders SET status = 'shipped' WHERE id = 9301",
                "INSERT INTO shop.products (id, sku, title, price) VALUES (9301, 'SKU-TOAST', " + bigText + ", 1)",
                "UPDATE shop.products SET price = 2 WHERE id = 9301");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(ofKey(eventsOf("orders"), 9301)).hasSize(2);
            assertThat(ofKey(eventsOf("products"), 9301)).hasSize(2);
        });
        List<Event> order = ofKey(eventsOf("orders"), 9301);
        String note = order.get(0).after().path("note").asText();
        assertThat(note).hasSize(32_000);
        assertThat(order.get(1).after().path("status").asText()).isEqualTo("shipped");
        assertThat(order.get(1).after().path("note").asText()).as("read back").isEqualTo(note);

        List<Event> product = ofKey(eventsOf("products"), 9301);
        assertThat(product.get(0).after().path("title").asText()).hasSize(32_000);
        assertThat(product.get(1).after().path("title").asText()).as("not read back: the placeholder")
                .isEqualTo("__debezium_unavailable_value");
    }

    @Test
    void shouldCreateItsSlotAsAFailoverSlotWhenAsked() {
        assertThat(queryLong(sandbox, db, "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '"
                + config.source().slot() + "' AND failover")).isEqualTo(1);
    }

    @Test
    void shouldMoveTheSlotWithHeartbeatsWhileCapturedTablesAreIdle() {
        execute(sandbox, db, "CREATE TABLE IF NOT EXISTS public.busy (id serial PRIMARY KEY, v text)");
        execute(sandbox, db, "INSERT INTO public.busy (v) SELECT md5(g::text) FROM generate_series(1, 2000) g");
        long walAfterOtherWrites = queryLong(sandbox, db, "SELECT pg_current_wal_insert_lsn() - '0/0'::pg_lsn");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(queryLong(sandbox, db,
                "SELECT confirmed_flush_lsn - '0/0'::pg_lsn FROM pg_replication_slots WHERE slot_name = '"
                        + config.source().slot() + "'")).isGreaterThanOrEqualTo(walAfterOtherWrites));
        assertThat(queryLong(sandbox, db, "SELECT beats FROM strangler.heartbeat WHERE pipeline = 'streaming'"))
                .isPositive();
    }

    @Test
    void shouldLeaveTheLegacyAppsUpdatesOnAnUncapturedTableWithoutPrimaryKeyWorking() {
        execute(sandbox, db, "INSERT INTO shop.audit_log (actor, action) VALUES ('legacy', 'login')");
        execute(sandbox, db, "UPDATE shop.audit_log SET action = 'logout' WHERE actor = 'legacy'");
        execute(sandbox, db, "DELETE FROM shop.audit_log WHERE actor = 'legacy'");
        List<String> published = queryStrings(sandbox, db, "SELECT schemaname || '.' || tablename FROM "
                + "pg_publication_tables WHERE pubname = '" + config.source().publication() + "' ORDER BY 1");
        assertThat(published).as("the captured tables, the heartbeat and the sink marker (sink.echo=drop)")
                .containsExactly("shop.customers", "shop.order_lines", "shop.orders", "shop.products",
                        "strangler.heartbeat", "strangler.sink_marker");
        assertThat(queryLong(sandbox, db, "SELECT count(*) FROM pg_publication WHERE puballtables")).isZero();
    }

    @Test
    void shouldSummariseDebeziumsLastEventByTableInsteadOfRenderingTheRow() {
        execute(sandbox, db, "INSERT INTO shop.products (id, sku, title, price) VALUES (9401, 'SKU-LAST', 'x', 1)");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(lastEvent("snapshot")).as("snapshot").matches("shop\\.[a-z_]+");
            // a row rendered by Debezium's own summary reads "key: ..., value: ...": here only the table's name
            assertThat(lastEvent("streaming")).as("streaming").matches("(shop|strangler)\\.[a-z_]+");
            // the gauge debezium_streaming_behind_source_seconds reads it; Debezium's lag statistics are off
            assertThat((Long) streamingAttribute("MilliSecondsBehindSource")).isNotNegative();
        });
    }

    private static String lastEvent(String context) throws Exception {
        return String.valueOf(debeziumAttribute(context, "LastEvent"));
    }

    private static Object streamingAttribute(String attribute) throws Exception {
        return debeziumAttribute("streaming", attribute);
    }

    private static Object debeziumAttribute(String context, String attribute) throws Exception {
        javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        var names = server.queryNames(new javax.management.ObjectName(
                "debezium.postgres:type=connector-metrics,context=" + context + ",server=streaming,*"), null);
        assertThat(names).as(context + " metrics").hasSize(1);
        return server.getAttribute(names.iterator().next(), attribute);
    }

    private static List<Event> ofKey(List<Event> events, long id) {
        return events.stream().filter(e -> e.key().path("id").asLong() == id).collect(Collectors.toList());
    }

    private static String traceId(Event e) {
        return e.headers().get(IntakeHeaderNames.TRACEPARENT).substring(3, 35);
    }
}
