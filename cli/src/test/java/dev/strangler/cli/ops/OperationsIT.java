package dev.strangler.cli.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.strangler.cli.ExitCodes;
import dev.strangler.cli.StranglerCommand;
import dev.strangler.cli.dba.CliRun;
import dev.strangler.engine.Pipeline;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.sandbox.Sandbox;
import dev.strangler.sandbox.TopicContents;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The operations surface of a real pipeline (embedded PostgreSQL and Kafka, the endpoint wired as strangler run wires
 * it): /status during a paced snapshot, counters equal to what Kafka holds, the slot's lag and readiness through a
 * Kafka outage, the password nowhere, every metric and label the compose alert rules and dashboard use present in a
 * parsed /metrics, strangler status from the endpoint and from the database, and a port in use refused up front.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OperationsIT {

    private static final String PASSWORD = "pw-ops-must-never-show-7731";
    private static final int SEED_ROWS = 20_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Sandbox sandbox;
    private ServedPipeline served;
    private String base;
    private Path configFile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong nextId = new AtomicLong(SEED_ROWS + 1);
    private Path dir;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("operations-it");
        sandbox = Sandbox.start();
        sandbox.postgres().createDatabase("ops");
        execute("CREATE SCHEMA shop",
                "CREATE TABLE shop.items (id bigint PRIMARY KEY, name text NOT NULL, note text)",
                "CREATE TABLE shop.tags (id bigint PRIMARY KEY, label text)",
                "INSERT INTO shop.items SELECT g, 'item ' || g, NULL FROM generate_series(1, " + SEED_ROWS + ") g",
                "INSERT INTO shop.tags SELECT g, 'tag ' || g FROM generate_series(1, 50) g",
                "ANALYZE shop.items", "ANALYZE shop.tags",
                // 40 ms every 100 rows: the snapshot of shop.items takes 8 s or more however fast the machine
                "CREATE FUNCTION public.paced(id bigint) RETURNS boolean LANGUAGE plpgsql AS $$ BEGIN "
                        + "IF id % 100 = 0 THEN PERFORM pg_sleep(0.04); END IF; RETURN true; END $$");
        configFile = config("ops", Map.of());
        PipelineConfig config = PipelineConfigLoader.withSystemEnvironment().load(configFile);
        served = ServedPipeline.create(config, Pipeline.Options.defaults());
        base = served.endpoint().orElseThrow().url();
        served.pipeline().start();
    }

    @AfterAll
    void stop() {
        if (served != null) {
            served.close();
        }
        if (sandbox != null) {
            sandbox.close();
        }
    }

    private Path config(String name, Map<String, String> overrides) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("pipeline.name", name);
        m.put("source.url", sandbox.postgres().jdbcUrl("ops"));
        m.put("source.user", sandbox.postgres().superuser());
        m.put("source.password", PASSWORD); // the sandbox trusts local connections: any password works
        m.put("source.tables", "shop.items,shop.tags");
        m.put("kafka.bootstrap.servers", sandbox.kafka().bootstrapServers());
        m.put("heartbeat.interval", "1s");
        m.put("monitor.interval", "1s");
        m.put("snapshot.progress.interval", "2s");
        m.put("health.ready.max.lag", "20s");
        m.put("http.port", "0");
        m.put("http.bind", "127.0.0.1");
        m.put("debezium.snapshot.select.statement.overrides", "shop.items");
        m.put("debezium.snapshot.select.statement.overrides.shop.items",
                "SELECT * FROM shop.items WHERE public.paced(id)");
        m.putAll(overrides);
        StringBuilder text = new StringBuilder();
        m.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        Path file = dir.resolve(name + ".properties");
        Files.writeString(file, text);
        return file;
    }

    private void execute(String... statements) throws Exception {
        try (Connection c = sandbox.postgres().connect("ops"); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        }
    }

    private record Reply(int code, String body) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    private Reply get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    private PrometheusText scrape() throws Exception {
        Reply r = get("/metrics");
        assertThat(r.code()).isEqualTo(200);
        return PrometheusText.parse(r.body());
    }

    @Test
    @Order(1)
    void shouldShowSnapshotProgressDuringAPacedSnapshotAndNotBeReady() throws Exception {
        JsonNode during = await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> get("/status").json(), s -> "snapshotting".equals(s.path("state").asText())
                        && tableOf(s, "shop.items").path("rows").asLong() > 0
                        && tableOf(s, "shop.items").path("rows").asLong() < SEED_ROWS
                        // percent is rounded to 0.1 %: the first and last few rows of 20,000 show 0.0 and 100.0
                        && tableOf(s, "shop.items").path("percent").asDouble() > 0
                        && tableOf(s, "shop.items").path("percent").asDouble() < 100);
        JsonNode items = tableOf(during, "shop.items");
        assertThat(items.path("estimatedRows").asLong()).isEqualTo(SEED_ROWS);
        assertThat(items.path("percent").asDouble()).isGreaterThan(0).isLessThan(100);
        assertThat(during.path("snapshot").path("running").asBoolean()).isTrue();
        Reply ready = get("/health/ready");
        assertThat(ready.code()).as(ready.body()).isEqualTo(503);
        assertThat(ready.json().path("status").asText()).isEqualTo("DOWN");
        assertThat(ready.body()).contains("snapshotting");
        Reply live = get("/health/live");
        assertThat(live.code()).isEqualTo(200);
        assertThat(live.json().path("status").asText()).isEqualTo("UP");
        PrometheusText metrics = scrape();
        assertThat(metrics.value("strangler_snapshot_running", Map.of())).isEqualTo(1.0);
        assertThat(metrics.value("strangler_pipeline_state", Map.of("state", "snapshotting"))).isEqualTo(1.0);
        assertThat(metrics.value("strangler_snapshot_rows_estimated", Map.of("table", "shop.items")))
                .isEqualTo(SEED_ROWS);

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .until(() -> get("/health/ready").code() == 200);
        JsonNode after = get("/status").json();
        assertThat(after.path("state").asText()).isEqualTo("streaming");
        assertThat(tableOf(after, "shop.items").path("rows").asLong()).isEqualTo(SEED_ROWS);
        assertThat(tableOf(after, "shop.items").path("percent").asDouble()).isEqualTo(100.0);
        assertThat(after.path("snapshot").path("running").asBoolean()).isFalse();
    }

    private static JsonNode tableOf(JsonNode status, String table) {
        for (JsonNode t : status.path("snapshot").path("tables")) {
            if (table.equals(t.path("table").asText())) {
                return t;
            }
        }
        return JSON.createObjectNode();
    }

    @Test
    @Order(2)
    void shouldCountExactlyTheEventsKafkaHolds() throws Exception {
        for (int i = 0; i < 30; i++) {
            long id = nextId.getAndIncrement();
            execute("INSERT INTO shop.items VALUES (" + id + ", 'new " + id + "', NULL)",
                    "UPDATE shop.items SET note = 'touched' WHERE id = " + (id - SEED_ROWS),
                    "UPDATE shop.tags SET label = label || '!' WHERE id = " + (1 + i % 50));
        }
        execute("DELETE FROM shop.items WHERE id <= 10", "DELETE FROM shop.tags WHERE id = 50");
        Map<String, Map<String, Long>> inKafka = await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofSeconds(1)).until(this::eventsInKafka,
                        m -> m.getOrDefault("shop.items", Map.of()).getOrDefault("delete", 0L) == 10);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            PrometheusText metrics = scrape();
            Map<String, Map<String, Long>> counted = new TreeMap<>();
            for (PrometheusText.Sample s : metrics.samples("strangler_events_published_total")) {
                counted.computeIfAbsent(s.labels().get("table"), t -> new TreeMap<>())
                        .put(s.labels().get("op"), (long) s.value());
            }
            assertThat(counted).isEqualTo(eventsInKafka());
        });
        assertThat(inKafka.get("shop.items")).containsEntry("read", (long) SEED_ROWS).containsEntry("create", 30L)
                .containsEntry("update", 30L).containsEntry("delete", 10L).containsEntry("tombstone", 10L);
        PrometheusText metrics = scrape();
        assertThat(metrics.value("strangler_batches_total", Map.of())).isPositive();
        assertThat(metrics.value("strangler_commit_to_ack_seconds_count", Map.of())).isPositive();
        assertThat(metrics.value("strangler_lag_seconds", Map.of())).isBetween(0.0, 20.0);
        assertThat(metrics.value("strangler_ready", Map.of())).isEqualTo(1.0);
        assertThat(metrics.value("strangler_slot_active", Map.of())).isEqualTo(1.0);
        assertThat(metrics.value("strangler_slot_wal_status", Map.of("status", "reserved"))).isEqualTo(1.0);
        assertThat(metrics.value("strangler_heartbeat_age_seconds", Map.of())).isBetween(0.0, 30.0);
        assertThat(metrics.sum("kafka_producer_record_send_total", Map.of())).isPositive();
        assertThat(metrics.sampleNames()).contains("jvm_memory_used_bytes", "process_cpu_usage",
                "debezium_streaming_queue_total_capacity");
        JsonNode status = get("/status").json();
        assertThat(status.path("events").path("perTable").path("shop.items").path("create").asLong()).isEqualTo(30);
        assertThat(status.path("position").path("lastLsn").asText()).contains("/");
        assertThat(status.path("versions").path("postgresql").asText()).startsWith("17");
    }

    /** Per table and operation, the events a read_committed consumer finds in the table topics. */
    private Map<String, Map<String, Long>> eventsInKafka() throws Exception {
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        for (String table : List.of("shop.items", "shop.tags")) {
            for (ConsumerRecord<byte[], byte[]> r : TopicContents.readAll(sandbox.kafka().bootstrapServers(),
                    List.of("ops." + table))) {
                String op = r.value() == null ? "tombstone" : switch (JSON.readTree(r.value()).path("op").asText()) {
                    case "c" -> "create";
                    case "u" -> "update";
                    case "d" -> "delete";
                    case "r" -> "read";
                    default -> "other";
                };
                counts.computeIfAbsent(table, t -> new TreeMap<>()).merge(op, 1L, Long::sum);
            }
        }
        return counts;
    }

    @Test
    @Order(3)
    void shouldServeEveryMetricAndLabelTheAlertRulesAndTheDashboardUse() throws Exception {
        Path compose = Path.of("..", "compose").toAbsolutePath().normalize();
        List<String> expressions = new ArrayList<>();
        JsonNode rules = new ObjectMapper(new YAMLFactory()).readTree(compose.resolve("prometheus/alerts.yml")
                .toFile());
        for (JsonNode group : rules.path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                expressions.add(rule.path("expr").asText());
            }
        }
        JsonNode dashboard = JSON.readTree(compose.resolve("grafana/dashboards/strangler.json").toFile());
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.add(target.path("expr").asText());
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            expressions.add(variable.path("query").path("query").asText());
        }
        assertThat(expressions).hasSizeGreaterThan(20);

        PrometheusText metrics = await().atMost(Duration.ofSeconds(30)).until(this::scrape,
                m -> !m.samples("strangler_commit_to_ack_seconds_bucket").isEmpty());
        Map<String, Set<String>> labelsOf = new HashMap<>();
        for (PrometheusText.Sample s : metrics.samples()) {
            labelsOf.computeIfAbsent(s.name(), n -> new java.util.TreeSet<>()).addAll(s.labels().keySet());
        }
        Set<String> prometheusOwn = Set.of("up"); // added by Prometheus to every target, with job and instance
        List<String> missing = new ArrayList<>();
        for (String expr : expressions) {
            PromQlReferences refs = PromQlReferences.of(expr);
            assertThat(refs.metrics()).as(expr).isNotEmpty();
            Set<String> available = new java.util.TreeSet<>(Set.of("job", "instance"));
            for (String metric : refs.metrics()) {
                if (prometheusOwn.contains(metric)) {
                    continue;
                }
                if (!labelsOf.containsKey(metric)) {
                    missing.add("metric " + metric + " in: " + expr);
                } else {
                    available.addAll(labelsOf.get(metric));
                }
            }
            for (String label : refs.labels()) {
                if (!available.contains(label)) {
                    missing.add("label " + label + " in: " + expr);
                }
            }
        }
        assertThat(missing).as("served: " + labelsOf.keySet()).isEmpty();
        assertThat(metrics.families().get("strangler_commit_to_ack_seconds").type()).isEqualTo("histogram");
        assertThat(metrics.families().get("strangler_events_published_total").type()).isEqualTo("counter");
        assertThat(labelsOf.get("strangler_events_published_total")).contains("pipeline", "table", "op");
    }

    @Test
    @Order(4)
    void shouldNeverShowThePassword() throws Exception {
        for (String path : List.of("/metrics", "/status", "/health/live", "/health/ready", "/nothing")) {
            Reply r = get(path);
            assertThat(r.body()).as(path).isNotBlank().doesNotContain(PASSWORD);
        }
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "/status"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        CliRun text = cli("status", "--config", configFile.toString(), "--url", base);
        CliRun json = cli("status", "--config", configFile.toString(), "--url", base, "--json");
        assertThat(text.out() + text.err() + json.out() + json.err()).doesNotContain(PASSWORD);
    }

    @Test
    @Order(5)
    void shouldReportTheStatusFromTheEndpointAndFromTheDatabaseWhenNotRunning() throws Exception {
        CliRun text = cli("status", "--config", configFile.toString(), "--url", base);
        assertThat(text.exit()).as(text.err()).isZero();
        assertThat(text.out()).contains("pipeline ops: streaming (ready: streaming").contains("slot:")
                .contains("active, wal_status reserved").contains("events:").contains("from:", base + "/status");
        CliRun json = cli("status", "--config", configFile.toString(), "--url", base, "--json");
        assertThat(JSON.readTree(json.out()).path("state").asText()).isEqualTo("streaming");

        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Path other = config("idle", Map.of("http.port", Integer.toString(closed)));
        CliRun offline = cli("status", "--config", other.toString());
        assertThat(offline.exit()).as(offline.err()).isZero();
        assertThat(offline.out()).contains("pipeline idle: not running").contains("does not exist")
                .contains("PostgreSQL and Kafka");
        CliRun offlineJson = cli("status", "--config", configFile.toString(), "--url", "http://127.0.0.1:" + closed,
                "--json");
        JsonNode o = JSON.readTree(offlineJson.out());
        assertThat(o.path("state").asText()).as(offlineJson.out()).isEqualTo("active_elsewhere");
        assertThat(o.path("slot").path("active").asBoolean()).isTrue();
        assertThat(o.path("position").path("lastLsn").asText()).contains("/");
    }

    @Test
    @Order(5)
    void shouldRefuseAPortInUseBeforeAnythingStarts() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            Path busy = config("busy", Map.of("http.port", Integer.toString(taken.getLocalPort())));
            CliRun r = cli("run", "--config", busy.toString());
            assertThat(r.exit()).as(r.err()).isEqualTo(ExitCodes.CONFIG);
            assertThat(r.err().lines().filter(l -> l.startsWith("strangler: error: ")).toList()).singleElement()
                    .asString().contains("http.port=" + taken.getLocalPort()).contains("http.enabled=false");
        }
        try (Connection c = sandbox.postgres().connect("ops"); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'strangler_busy'")) {
            rs.next();
            assertThat(rs.getLong(1)).as("nothing was created").isZero();
        }
    }

    /** strangler snapshot: an ad-hoc incremental snapshot of a subset, followed to its end, while the pipeline runs. */
    @Test
    @Order(6)
    void shouldRepublishTheRowsAConditionSelectsWhileThePipelineStreams() throws Exception {
        long readsBefore = eventsInKafka().get("shop.tags").getOrDefault("read", 0L);
        CliRun r = cli("snapshot", "--config", configFile.toString(), "--tables", "shop.tags", "--where",
                "id BETWEEN 11 AND 15");
        assertThat(r.exit()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).contains("requested snapshot strangler-", "of shop.tags where id BETWEEN 11 AND 15",
                "started: shop.tags", "shop.tags: 5 rows read (succeeded)", "completed");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(eventsInKafka().get("shop.tags")
                .getOrDefault("read", 0L)).isEqualTo(readsBefore + 5));

        CliRun uncaptured = cli("snapshot", "--config", configFile.toString(), "--tables", "shop.nope");
        assertThat(uncaptured.exit()).isEqualTo(ExitCodes.CONFIG);
        assertThat(uncaptured.err()).contains("table shop.nope is not captured by pipeline 'ops'").doesNotContain(
                "\tat ");
        CliRun badCondition = cli("snapshot", "--config", configFile.toString(), "--tables", "shop.tags",
                "--where", "idd = 1");
        assertThat(badCondition.exit()).isEqualTo(ExitCodes.CONFIG);
        assertThat(badCondition.err()).contains("--where is not a valid condition on shop.tags", "idd");
    }

    @Test
    @Order(7)
    void shouldShowTheSlotLagRisingWhileKafkaIsDownAndReadinessFollowingKafka() throws Exception {
        double before = scrape().value("strangler_slot_lag_bytes", Map.of());
        sandbox.kafka().stop();
        try {
            long writeUntil = System.nanoTime() + Duration.ofSeconds(8).toNanos();
            while (System.nanoTime() < writeUntil) {
                long id = nextId.getAndAdd(500);
                execute("INSERT INTO shop.items SELECT g, 'outage ' || g, repeat('x', 500) FROM generate_series("
                        + id + ", " + (id + 499) + ") g");
            }
            // the Kafka watch ends the attempt after 15 s without an answer: the pipeline then waits for Kafka
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> get("/status").json().path("state").asText(), "waiting_for_kafka"::equals);
            Reply ready = get("/health/ready");
            assertThat(ready.code()).as(ready.body()).isEqualTo(503);
            assertThat(ready.body()).contains("waiting for Kafka");
            assertThat(scrape().value("strangler_ready", Map.of())).isZero();
            double during = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> scrape().value("strangler_slot_lag_bytes", Map.of()), v -> v > before + 1_000_000);
            assertThat(during).isGreaterThan(1_000_000);
            assertThat(get("/health/live").code()).as("waiting is alive").isEqualTo(200);
        } finally {
            sandbox.kafka().restart();
        }
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofSeconds(1))
                .until(() -> get("/health/ready").code() == 200);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> scrape().value("strangler_slot_lag_bytes", Map.of()), v -> v < 256 * 1024);
        JsonNode back = get("/status").json();
        assertThat(back.path("state").asText()).isEqualTo("streaming");
        assertThat(back.path("lastError").path("kind").asText()).isEqualTo("kafka_unavailable");
    }

    private static CliRun cli(String... args) {
        return CliRun.of(StranglerCommand.newCommandLine(), args);
    }

    static String read(Path p) throws Exception {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
