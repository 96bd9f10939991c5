package dev.strangler.outbox.routing;

import static dev.strangler.outbox.routing.RoutingFixture.aggregateId;
import static dev.strangler.outbox.routing.RoutingFixture.config;
import static dev.strangler.outbox.routing.RoutingFixture.execute;
import static dev.strangler.outbox.routing.RoutingFixture.queryLong;
import static dev.strangler.outbox.routing.RoutingFixture.readAll;
import static dev.strangler.outbox.routing.RoutingFixture.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.engine.Pipeline;
import dev.strangler.outbox.Outbox;
import dev.strangler.outbox.OutboxEvent;
import dev.strangler.outbox.OutboxHeaders;
import dev.strangler.outbox.OutboxMigrations;
import dev.strangler.outbox.OutboxOptions;
import dev.strangler.outbox.TraceContext;
import dev.strangler.outbox.routing.RoutingFixture.Received;
import dev.strangler.sandbox.Sandbox;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.MDC;

/**
 * Events written with the library reach Kafka through the real pipeline (in-process, on the sandbox): each committed
 * event once, in order per aggregate, with its headers; nothing from a rolled-back transaction; table topics and
 * outbox topics from the same pipeline and the same transactions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxPipelineIT {

    private static final String PIPELINE = "outboxit";

    private Sandbox sandbox;
    private String db;
    private HikariDataSource dataSource;
    private Pipeline pipeline;
    private final Outbox outbox = new Outbox(); // defaults: delete after insert, trace context from the MDC

    @BeforeAll
    void start() {
        sandbox = Sandbox.shared();
        db = RoutingFixture.newDatabase(sandbox, "svc");
        dataSource = RoutingFixture.pool(sandbox, db);
        OutboxMigrations.apply(dataSource, null);
        execute(sandbox, db, "CREATE TABLE public.customers (id bigint PRIMARY KEY, name text NOT NULL)",
                "CREATE TABLE public.orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL, "
                        + "total numeric(12, 2) NOT NULL)");
        pipeline = new Pipeline(config(settings(sandbox, db, PIPELINE, "public.customers,public.orders")),
                Pipeline.Options.defaults());
        pipeline.start();
    }

    @AfterAll
    void stop() {
        if (pipeline != null) {
            pipeline.stop();
        }
        if (dataSource != null) {
            dataSource.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private static String topic(String aggregateType) {
        return PIPELINE + ".outbox." + aggregateType;
    }

    private static String traceparent(Random random) {
        return String.format("00-%016x%016x-%016x-01", random.nextLong() | 1, random.nextLong(),
                random.nextLong() | 1);
    }

    @Test
    void shouldDeliverEachCommittedEventOnceInOrderPerAggregateWithItsHeaders() throws Exception {
        int transactions = 20;
        List<String> aggregates = List.of("order-1", "order-2", "order-3", "order-4", "order-5");
        Map<UUID, OutboxEvent> written = new LinkedHashMap<>();
        Map<UUID, String> expectedTrace = new HashMap<>();
        Random random = new Random(7);
        for (int tx = 0; tx < transactions; tx++) {
            String mdcTrace = traceparent(random);
            String ownTrace = traceparent(random);
            List<OutboxEvent> events = new ArrayList<>();
            for (String aggregate : aggregates) {
                OutboxEvent.Builder b = OutboxEvent.builder().aggregateType("shipment").aggregateId(aggregate)
                        .type(tx == 0 ? "OrderPlaced" : "OrderChanged")
                        .payload("{\"aggregate\": \"" + aggregate + "\", \"seq\": " + tx + ", \"total\": \"" + tx
                                + ".50\", \"lines\": [{\"sku\": \"A-1\", \"qty\": 2}]}")
                        .header("tenant", "acme").header("seq", Integer.toString(tx));
                if (tx % 3 == 0) {
                    b.traceparent(ownTrace);
                }
                events.add(b.build());
            }
            MDC.put(TraceContext.MDC_KEY, mdcTrace);
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(false);
                if (tx % 2 == 0) {
                    outbox.writeAll(c, events);
                } else {
                    for (OutboxEvent e : events) {
                        outbox.write(c, e);
                    }
                }
                c.commit();
            } finally {
                MDC.remove(TraceContext.MDC_KEY);
            }
            for (OutboxEvent e : events) {
                written.put(e.id(), e);
                expectedTrace.put(e.id(), tx % 3 == 0 ? ownTrace : mdcTrace);
            }
        }

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(readAll(sandbox, List.of(topic("shipment")))).hasSizeGreaterThanOrEqualTo(written.size()));
        List<Received> received = readAll(sandbox, List.of(topic("shipment")));
        Received first = received.get(0);
        System.out.printf("outbox wire format: key bytes %s, value %s, id header bytes %s, headers %s%n",
                first.keyText(), first.valueJson(), first.header("id"), first.headerMap().keySet());

        assertThat(received).extracting(r -> OutboxHeaders.eventId(r.headers()))
                .as("every committed event exactly once").containsExactlyInAnyOrderElementsOf(written.keySet());
        Map<String, List<Integer>> seqByAggregate = new LinkedHashMap<>();
        for (Received r : received) {
            UUID id = OutboxHeaders.eventId(r.headers());
            OutboxEvent sent = written.get(id);
            assertThat(r.headerCount(OutboxHeaders.EVENT_ID)).isEqualTo(1);
            assertThat(r.header(OutboxHeaders.EVENT_ID)).as("raw UTF-8 UUID text, no JSON quotes")
                    .isEqualTo(id.toString());
            assertThat(aggregateId(r)).isEqualTo(sent.aggregateId());
            assertThat(r.valueJson()).isEqualTo(RoutingFixture.JSON.readTree(sent.payload()));
            assertThat(r.header(OutboxHeaders.EVENT_TYPE)).isEqualTo(sent.type());
            assertThat(r.header("tenant")).isEqualTo("acme");
            assertThat(r.header("seq")).isEqualTo(sent.headers().get("seq"));
            assertThat(r.headerCount(OutboxHeaders.TRACEPARENT)).isEqualTo(1);
            assertThat(r.header(OutboxHeaders.TRACEPARENT)).isEqualTo(expectedTrace.get(id));
            assertThat(r.headerMap()).containsKeys("strangler.ingested_at", "strangler.source_lsn",
                    "strangler.source_txid", "strangler.pipeline");
            assertThat(r.header("strangler.pipeline")).isEqualTo(PIPELINE);
            assertThat(Duration.between(sent.occurredAt(), java.time.Instant.parse(r.header("occurredAt"))).abs())
                    .as("occurredAt header").isLessThan(Duration.ofMillis(1));
            seqByAggregate.computeIfAbsent(aggregateId(r), k -> new ArrayList<>())
                    .add(r.valueJson().path("seq").asInt());
        }
        List<Integer> inOrder = java.util.stream.IntStream.range(0, transactions).boxed().toList();
        assertThat(seqByAggregate).hasSize(aggregates.size()).allSatisfy((aggregate, seqs) ->
                assertThat(seqs).as(aggregate).isEqualTo(inOrder));
        assertThat(queryLong(sandbox, db, "SELECT count(*) FROM outbox WHERE aggregatetype = 'order'"))
                .as("deleted after insert").isZero();
    }

    @Test
    void shouldNeverDeliverEventsOfARolledBackTransaction() throws SQLException {
        List<UUID> rolledBack = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            for (int i = 0; i < 3; i++) {
                rolledBack.add(outbox.write(c, OutboxEvent.of("payment", "p-1", "PaymentTaken", "{\"i\": " + i + "}")));
            }
            c.rollback();
        }
        execute(sandbox, db, "INSERT INTO orders VALUES (1, 1, 1.00)");
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            rolledBack.add(outbox.write(c, OutboxEvent.of("payment", "p-1", "PaymentTaken", "{}")));
            try (PreparedStatement duplicate = c.prepareStatement("INSERT INTO orders VALUES (1, 1, 1.00)")) {
                duplicate.executeUpdate(); // the business write fails: the service rolls back, event and all
            } catch (SQLException expected) {
                c.rollback();
            }
        }
        UUID marker;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            marker = outbox.write(c, OutboxEvent.of("payment", "p-1", "PaymentRefunded", "{}"));
            c.commit();
        }
        // Transactions reach the pipeline in commit order: once the marker is there, nothing earlier is missing.
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(readAll(sandbox,
                List.of(topic("payment")))).extracting(r -> OutboxHeaders.eventId(r.headers())).contains(marker));
        assertThat(readAll(sandbox, List.of(topic("payment")))).extracting(r -> OutboxHeaders.eventId(r.headers()))
                .containsExactly(marker).doesNotContainAnyElementsOf(rolledBack);
    }

    @Test
    void shouldPublishTableTopicsAndOutboxTopicsFromOnePipelineAndOneTransaction() throws Exception {
        UUID placed;
        UUID registered;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement customer = c.prepareStatement("INSERT INTO customers VALUES (7, 'Ann')");
                 PreparedStatement order = c.prepareStatement("INSERT INTO orders VALUES (7001, 7, 42.00)")) {
                customer.executeUpdate();
                order.executeUpdate();
            }
            registered = outbox.write(c, OutboxEvent.of("customer", "7", "CustomerRegistered",
                    "{\"name\": \"Ann\"}"));
            placed = outbox.write(c, OutboxEvent.of("order", "7001", "OrderPlaced",
                    "{\"customer\": 7, \"total\": \"42.00\"}"));
            c.commit();
        }
        List<String> topics = List.of(PIPELINE + ".public.customers", PIPELINE + ".public.orders", topic("customer"),
                topic("order"));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<UUID> ids = readAll(sandbox, List.of(topic("customer"), topic("order"))).stream()
                    .map(r -> OutboxHeaders.eventId(r.headers())).toList();
            assertThat(ids).contains(placed, registered);
        });
        Map<String, Received> fromTx = new HashMap<>();
        for (Received r : readAll(sandbox, topics)) {
            if (r.topic().endsWith(".public.customers") && r.valueJson().path("after").path("id").asLong() == 7
                    || r.topic().endsWith(".public.orders") && r.valueJson().path("after").path("id").asLong() == 7001
                    || r.headers().lastHeader(OutboxHeaders.EVENT_ID) != null
                    && List.of(placed, registered).contains(OutboxHeaders.eventId(r.headers()))) {
                fromTx.put(r.topic(), r);
            }
        }
        assertThat(fromTx).containsOnlyKeys(topics);
        assertThat(fromTx.get(PIPELINE + ".public.customers").valueJson().path("op").asText()).isEqualTo("c");
        assertThat(fromTx.get(PIPELINE + ".public.orders").valueJson().path("after").path("total").asText())
                .isEqualTo("42.00");
        assertThat(fromTx.get(topic("order")).valueJson().path("total").asText()).isEqualTo("42.00");
        assertThat(aggregateId(fromTx.get(topic("order")))).isEqualTo("7001");
        assertThat(fromTx.values()).extracting(r -> r.header("strangler.source_txid")).as("one source transaction")
                .containsOnly(fromTx.get(topic("order")).header("strangler.source_txid"));
        assertThat(fromTx.values()).as("no trace context in the request: the outbox events carry the pipeline's "
                + "intake traceparent, whose trace id is the transaction's, like the table events'")
                .extracting(r -> r.header("traceparent").substring(3, 35)).containsOnly(
                        fromTx.get(PIPELINE + ".public.customers").header("traceparent").substring(3, 35));
        assertThat(RoutingFixture.topics(sandbox)).as("an outbox table gets no table topic")
                .contains(topics.toArray(String[]::new)).doesNotContain(PIPELINE + ".public.outbox");
    }

    @Test
    void shouldRouteKeptRowsOnceWhenDeleteAfterInsertIsOff() throws SQLException {
        Outbox keeping = new Outbox(OutboxOptions.defaults().withDeleteAfterInsert(false));
        List<UUID> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            ids.add(keeping.write(c, OutboxEvent.of("audit", "a-1", "Checked", "{\"n\": 1}")));
            ids.add(keeping.write(c, OutboxEvent.of("audit", "a-1", "Checked", "{\"n\": 2}")));
            c.commit();
        }
        assertThat(queryLong(sandbox, db, "SELECT count(*) FROM outbox WHERE aggregatetype = 'audit'")).isEqualTo(2);
        execute(sandbox, db, "DELETE FROM outbox WHERE aggregatetype = 'audit'"); // the service's own clean-up
        UUID marker;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            marker = keeping.write(c, OutboxEvent.of("audit", "a-1", "Checked", "{\"n\": 3}"));
            c.commit();
        }
        ids.add(marker);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(readAll(sandbox,
                List.of(topic("audit")))).extracting(r -> OutboxHeaders.eventId(r.headers())).contains(marker));
        assertThat(readAll(sandbox, List.of(topic("audit")))).as("the clean-up's deletes are not events")
                .extracting(r -> OutboxHeaders.eventId(r.headers())).containsExactlyElementsOf(ids);
    }

    @Test
    void shouldDeliverALargeToastedPayloadIntactWithDeleteAfterInsert() throws Exception {
        Random random = new Random(11);
        StringBuilder blob = new StringBuilder();
        while (blob.length() < 300_000) {
            blob.append(Long.toString(random.nextLong(), 36)); // incompressible enough to be stored out of line
        }
        String payload = "{\"blob\": \"" + blob + "\"}";
        UUID id;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            id = outbox.write(c, OutboxEvent.of("document", "d-1", "DocumentStored", payload));
            c.commit();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(readAll(sandbox,
                List.of(topic("document")))).hasSize(1));
        Received r = readAll(sandbox, List.of(topic("document"))).get(0);
        assertThat(OutboxHeaders.eventId(r.headers())).isEqualTo(id);
        assertThat(r.valueJson().path("blob").asText()).isEqualTo(blob.toString());
    }
}
