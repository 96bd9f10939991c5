package dev.strangler.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs {@code strangler demo} end to end against the real sandbox (PostgreSQL, Kafka, the pipeline) and checks the
 * evidence it leaves: every change the legacy workload made is in Kafka, and exactly the outbox events the new
 * service committed (none of a rolled-back transaction), all counted by an independent consumer.
 */
class DemoCommandIT {

    /** Rows 02_seed.sql inserts; snapshot reads must match them exactly. */
    private static final Map<String, Long> SEEDED = Map.of(
            "shop.customers", 50L, "shop.products", 20L, "shop.orders", 30L, "shop.order_lines", 60L,
            "shop.web_orders", 0L);

    @TempDir
    Path out;

    @Test
    void demoStreamsEveryChangeAndLosesNothing() throws Exception {
        long started = System.nanoTime();
        int exit = DemoMain.newCommandLine().execute("demo", "--duration", "8s", "--rate", "40", "--out",
                out.toString());
        System.err.printf("demo took %d ms%n", (System.nanoTime() - started) / 1_000_000);

        assertThat(exit).isZero();
        Path summaryJson = out.resolve("summary.json");
        assertThat(summaryJson).exists();
        assertThat(out.resolve("summary.md")).exists();
        JsonNode parity = new ObjectMapper().readTree(out.resolve("parity/report.json").toFile());
        assertThat(parity.get("verdict").asText()).as("the demo's parity check").isEqualTo("GO");
        assertThat(parity.get("tables")).as("five captured tables and the sink's").hasSize(6);
        JsonNode sinkTable = parity.get("tables").get(5);
        assertThat(sinkTable.get("direction").asText()).isEqualTo("TOPIC_TO_TABLE");
        assertThat(sinkTable.get("table").asText()).isEqualTo("shop.web_orders");
        assertThat(sinkTable.get("verdict").asText()).isEqualTo("GO");
        assertThat(sinkTable.get("liveKeysInStream").asLong()).as("web orders the sink applied").isPositive();
        assertThat(Files.readString(out.resolve("parity/report.html"))).contains("GO").contains("shop.order_lines");
        JsonNode summary = new ObjectMapper().readTree(summaryJson.toFile());
        assertThat(summary.get("caughtUp").asBoolean()).as("slot confirmed the end of the workload").isTrue();
        assertThat(summary.get("censusComplete").asBoolean()).isTrue();
        assertThat(summary.get("check").asText()).isEqualTo("PASS");

        JsonNode tables = summary.get("tables");
        assertThat(tables).hasSize(5);
        for (JsonNode t : tables) {
            String table = t.get("table").asText();
            long c = t.get("c").asLong();
            long d = t.get("d").asLong();
            long r = t.get("r").asLong();
            assertThat(t.get("events").asLong()).as("events of %s", table).isPositive();
            // web orders are only inserted and updated (by the sink and the back office): no deletes
            // the snapshot reads the seeded rows: the pipeline runs before the workload writes anything
            assertThat(r).as("snapshot reads of %s", table).isEqualTo(SEEDED.get(table));
            assertThat(t.get("rowsInTable").asLong()).as("rows of %s = c + r - d from Kafka", table)
                    .isEqualTo(c + r - d);
            assertThat(t.get("tombstones").asLong()).as("a tombstone follows each delete of %s", table).isEqualTo(d);
            assertThat(t.get("other").asLong()).isZero();
        }

        JsonNode workload = summary.get("workload");
        assertThat(workload.get("operations").asLong()).isGreaterThan(100);
        assertThat(workload.get("failed").asLong()).as("no legacy statement failed").isZero();
        // the table without primary key stays writable: the publication does not cover it
        assertThat(workload.get("byKind").get("audit_update").get("completed").asLong()).isPositive();
        assertThat(summary.get("notCaptured").get("shop.audit_log").asLong()).isPositive();

        assertOutbox(summary.get("outbox"));
        assertSink(summary.get("sink"), summary.get("outbox"));

        Path properties = out.resolve("pipeline.properties");
        String text = Files.readString(properties, StandardCharsets.UTF_8);
        Properties written = new Properties();
        written.load(new java.io.StringReader(text));
        assertThat(written).doesNotContainKey("source.password");
        assertThat(text).doesNotContainPattern("(?m)^\\s*source\\.password\\s*[=:]");
        assertThat(text).contains("STRANGLER_SOURCE_PASSWORD");
        // the file is a real config: it loads, with the password from the environment
        Map<String, String> env = new HashMap<>();
        env.put("STRANGLER_SOURCE_PASSWORD", "from-env");
        PipelineConfig config = new PipelineConfigLoader(env).load(properties);
        assertThat(config.pipelineName()).isEqualTo("demo");
        assertThat(config.capturedTables()).hasSize(5);
        assertThat(config.outbox().tables()).hasToString("[orders_svc.outbox]");
        assertThat(config.source().password().reveal()).isEqualTo("from-env");
    }

    /**
     * The loop closed: every order the new service committed is in the legacy back office's table (the sink applied
     * OrderPlaced and OrderConfirmed), the back office's own phone orders are there too, and the pipeline marked
     * each of the sink's writes as the sink's instead of publishing it as a legacy change.
     */
    private void assertSink(JsonNode sink, JsonNode outbox) throws Exception {
        assertThat(sink.get("matches").asBoolean()).as(sink.toString()).isTrue();
        assertThat(sink.get("caughtUp").asBoolean()).isTrue();
        assertThat(sink.get("webRows").asLong()).isEqualTo(outbox.get("ordersInTable").asLong()).isPositive();
        assertThat(sink.get("differing").asLong()).isZero();
        assertThat(sink.get("deadLettered").asLong()).isZero();
        assertThat(sink.get("byMapping").get("confirmed").get("written").asLong())
                .isEqualTo(outbox.get("byKind").get("confirm_order").get("completed").asLong());
        assertThat(sink.get("markedEvents").asLong()).isEqualTo(sink.get("written").asLong());
        assertThat(sink.get("phoneRows").asLong()).as("the back office's own rows").isPositive();
        assertThat(sink.get("otherEvents").asLong()).isEqualTo(sink.get("phoneRows").asLong());
        Properties written = new Properties();
        written.load(new java.io.StringReader(Files.readString(out.resolve("sink.properties"))));
        assertThat(written).doesNotContainKey("target.password").containsEntry("sink.name", "demo-sink");
    }

    /**
     * The new service's outbox: both topics exist, every committed event is there (by event id; duplicates would be
     * allowed), nothing else is, and none of the events of its deliberately rolled-back transactions arrived. The
     * rolled-back event ids are kept by the new service and looked for among the ids the census read.
     */
    private static void assertOutbox(JsonNode outbox) {
        assertThat(outbox.get("table").asText()).isEqualTo("orders_svc.outbox");
        assertThat(outbox.get("matches").asBoolean()).isTrue();
        JsonNode transactions = outbox.get("transactions");
        assertThat(transactions.get("committed").asLong()).as("committed transactions").isGreaterThan(20);
        assertThat(transactions.get("rolledBack").asLong()).as("deliberately rolled-back transactions").isPositive();
        assertThat(transactions.get("failed").asLong()).as("no new-service transaction failed").isZero();
        // each committed place_order wrote one row; an abandoned checkout's row was rolled back with its events
        assertThat(outbox.get("ordersInTable").asLong())
                .isEqualTo(outbox.get("byKind").get("place_order").get("completed").asLong());

        JsonNode topics = outbox.get("topics");
        assertThat(topics).hasSize(2);
        Set<String> names = new HashSet<>();
        long rolledBack = 0;
        for (JsonNode t : topics) {
            String topic = t.get("topic").asText();
            names.add(topic);
            long committed = t.get("committed").asLong();
            assertThat(t.get("partitions").asInt()).as("%s exists", topic).isPositive();
            assertThat(committed).as("events committed for %s", topic).isPositive();
            assertThat(t.get("distinctEventIds").asLong()).as("distinct event ids in %s", topic).isEqualTo(committed);
            assertThat(t.get("records").asLong()).as("records in %s", topic)
                    .isEqualTo(committed + t.get("duplicates").asLong());
            assertThat(t.get("missing").asLong()).as("committed events missing from %s", topic).isZero();
            assertThat(t.get("unexpected").asLong()).as("events in %s never committed", topic).isZero();
            assertThat(t.get("withoutIdHeader").asLong()).as("records of %s without id header", topic).isZero();
            assertThat(t.get("rolledBackInKafka").asLong()).as("rolled-back events in %s", topic).isZero();
            rolledBack += t.get("rolledBack").asLong();
        }
        assertThat(names).containsExactlyInAnyOrder("demo.outbox.order", "demo.outbox.payment");
        assertThat(rolledBack).as("events of rolled-back transactions, looked for in Kafka").isPositive();
        assertThat(outbox.get("events").get("rolledBackInKafka").asLong()).isZero();
    }
}
