package dev.strangler.outbox.routing;

import static dev.strangler.outbox.routing.RoutingFixture.config;
import static dev.strangler.outbox.routing.RoutingFixture.readAll;
import static dev.strangler.outbox.routing.RoutingFixture.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.engine.Pipeline;
import dev.strangler.outbox.Outbox;
import dev.strangler.outbox.OutboxEvent;
import dev.strangler.outbox.OutboxHeaders;
import dev.strangler.outbox.OutboxMigrations;
import dev.strangler.outbox.routing.RoutingFixture.Received;
import dev.strangler.sandbox.Sandbox;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Any JSON object a service writes reaches the consumer as the same JSON: numbers keep their value and scale, nulls,
 * empty and mixed-type arrays, nested arrays and objects whose fields differ from element to element. Its own class
 * (own pipeline), because a payload the pipeline cannot carry stops that pipeline.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboxPayloadFidelityIT {

    private static final String PIPELINE = "fidelity";

    private Sandbox sandbox;
    private HikariDataSource dataSource;
    private Pipeline pipeline;
    private final Outbox outbox = new Outbox();

    @BeforeAll
    void start() {
        sandbox = Sandbox.shared();
        String db = RoutingFixture.newDatabase(sandbox, "svc");
        dataSource = RoutingFixture.pool(sandbox, db);
        OutboxMigrations.apply(dataSource, null);
        RoutingFixture.execute(sandbox, db, "CREATE TABLE public.orders (id bigint PRIMARY KEY)");
        pipeline = new Pipeline(config(settings(sandbox, db, PIPELINE, "public.orders")), Pipeline.Options.defaults());
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

    /** JSON equality where numbers compare by value (jsonb writes 1e3 as 1000, the same number). */
    private static final java.util.Comparator<JsonNode> SAME_JSON = (a, b) ->
            a.isNumber() && b.isNumber() ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1;

    private static String topic(String aggregateType) {
        return PIPELINE + ".outbox." + aggregateType;
    }

    @Test
    void shouldDeliverEveryJsonObjectAsWritten() throws Exception {
        Map<UUID, String> payloads = new LinkedHashMap<>();
        List<String> samples = List.of(
                "{\"price\": \"19.90\", \"qty\": 3, \"ratio\": 0.25, \"big\": 9007199254740993, \"ok\": true, "
                        + "\"note\": \"Zoë ✓ 😀\", \"tags\": [\"a\", \"b\"], \"nested\": {\"deep\": {\"x\": -1}}}",
                "{\"missing\": null, \"present\": 1}",
                "{\"empty\": [], \"obj\": {}}",
                "{\"mixed\": [1, \"two\", true]}",
                "{\"amount\": 10.50, \"huge\": 123456789012345678901234567890, \"exp\": 1e3}",
                "{\"objs\": [{\"a\": 1}, {\"b\": \"x\"}]}",
                "{\"objs\": [{\"a\": 1}, {\"a\": \"x\"}]}",
                "{\"nums\": [1, 2.5, 3]}",
                "{\"nested\": [[1, 2], [\"a\"]]}",
                "{\"withnull\": [1, null, 3]}");
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            for (String sample : samples) {
                payloads.put(outbox.write(c, OutboxEvent.of("fidelity", "f-1", "Sample", sample)), sample);
            }
            c.commit();
        }
        await().atMost(Duration.ofSeconds(60))
                .failFast("the pipeline stopped", () -> pipeline.failure().isPresent())
                .untilAsserted(() -> assertThat(readAll(sandbox, List.of(topic("fidelity")))).hasSize(samples.size()));
        Map<String, String> differences = new LinkedHashMap<>();
        for (Received r : readAll(sandbox, List.of(topic("fidelity")))) {
            String sent = payloads.get(OutboxHeaders.eventId(r.headers()));
            JsonNode expected = RoutingFixture.JSON.readTree(sent);
            String got = r.value() == null ? "null (tombstone)" : new String(r.value(), StandardCharsets.UTF_8);
            if (r.value() == null || !r.valueJson().equals(SAME_JSON, expected)) {
                differences.put(sent, got);
            }
        }
        differences.forEach((sent, got) -> System.out.printf("payload changed on the way: %s  ->  %s%n", sent, got));
        assertThat(differences).isEmpty();
        String amount = readAll(sandbox, List.of(topic("fidelity"))).stream()
                .map(r -> new String(r.value(), StandardCharsets.UTF_8)).filter(v -> v.contains("amount"))
                .findFirst().orElseThrow();
        assertThat(amount).as("a decimal keeps its scale").contains("10.50")
                .contains("123456789012345678901234567890");
    }
}
