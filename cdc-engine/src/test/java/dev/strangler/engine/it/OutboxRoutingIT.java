package dev.strangler.engine.it;

import static dev.strangler.engine.it.EngineFixture.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.strangler.contract.IntakeHeaderNames;
import dev.strangler.engine.Pipeline;
import dev.strangler.engine.kafka.IntakeHeaders;
import dev.strangler.sandbox.Sandbox;
import dev.strangler.sql.StranglerSchema;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Outbox rows routed by Debezium's EventRouter next to ordinary table topics, in one pipeline. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxRoutingIT {

    private Sandbox sandbox;
    private String db;
    private Pipeline pipeline;

    @BeforeAll
    void start() {
        sandbox = Sandbox.shared();
        db = createLegacyDatabase(sandbox, false);
        execute(sandbox, db, StranglerSchema.classpathScript("strangler/sql/outbox/V1__outbox_and_inbox.sql"));
        Map<String, String> s = settings(sandbox, db, "routing");
        s.put("source.tables", "shop.customers");
        s.put("outbox.tables", "public.outbox");
        pipeline = new Pipeline(config(s), Pipeline.Options.defaults());
        pipeline.start();
    }

    @AfterAll
    void stop() {
        pipeline.stop();
        sandbox.close();
    }

    @Test
    void shouldRouteCommittedOutboxRowsByAggregateTypeAndLeaveTableTopicsAlone() {
        execute(sandbox, db, """
                BEGIN;
                INSERT INTO shop.customers (id, external_ref, name, email) VALUES
                    (1, '22222222-2222-2222-2222-222222222222', 'A', 'a@example.com');
                INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, traceparent, headers) VALUES
                    ('00000000-0000-0000-0000-000000000001', 'order', 'o-1', 'OrderPlaced', '{"total": "10.50"}',
                     '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', '{"tenant": "eu-1"}');
                DELETE FROM outbox WHERE id = '00000000-0000-0000-0000-000000000001';
                INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload) VALUES
                    ('00000000-0000-0000-0000-000000000002', 'order', 'o-1', 'OrderPaid', '{"paid": true}');
                INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload) VALUES
                    ('00000000-0000-0000-0000-000000000003', 'invoice', 'i-9', 'InvoiceIssued', '{"n": 1}');
                COMMIT;""",
                """
                BEGIN;
                INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload) VALUES
                    ('00000000-0000-0000-0000-000000000004', 'order', 'o-2', 'OrderPlaced', '{}');
                ROLLBACK;""");
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(readAll(sandbox,
                List.of("routing.outbox.order", "routing.outbox.invoice"))).hasSize(3));
        List<Event> orders = readAll(sandbox, List.of("routing.outbox.order"));
        assertThat(orders).extracting(e -> e.headers().get("eventType")).containsExactly("OrderPlaced", "OrderPaid");
        Event placed = orders.get(0);
        assertThat(placed.key().asText()).isEqualTo("o-1");
        assertThat(placed.value().path("total").asText()).isEqualTo("10.50");
        assertThat(placed.headers().get("id")).isEqualTo("00000000-0000-0000-0000-000000000001");
        assertThat(placed.headers().get("tenant")).isEqualTo("eu-1");
        assertThat(placed.headers().get("occurredAt")).endsWith("Z");
        assertThat(placed.headers().get(IntakeHeaderNames.TRACEPARENT))
                .isEqualTo("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        assertThat(placed.headers()).containsKeys(IntakeHeaderNames.SOURCE_LSN, IntakeHeaderNames.SOURCE_TXID,
                IntakeHeaderNames.PIPELINE, IntakeHeaderNames.INGESTED_AT);
        assertThat(orders.get(1).headers().get(IntakeHeaderNames.TRACEPARENT)).as("derived when the row has none")
                .startsWith("00-");
        assertThat(readAll(sandbox, List.of("routing.outbox.invoice")).get(0).key().asText()).isEqualTo("i-9");
        List<Event> customers = readAll(sandbox, List.of("routing.shop.customers"));
        assertThat(customers).extracting(Event::op).containsExactly("c");
        assertThat(queryLong(sandbox, db, "SELECT count(*) FROM pg_publication_tables WHERE pubname = "
                + "'strangler_routing' AND tablename = 'outbox'")).isEqualTo(1);
    }
}
