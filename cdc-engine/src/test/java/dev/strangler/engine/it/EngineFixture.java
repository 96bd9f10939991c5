package dev.strangler.engine.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.testkit.TestPipelines;
import dev.strangler.sandbox.Sandbox;
import dev.strangler.sandbox.SandboxSql;
import dev.strangler.sandbox.TopicContents;
import dev.strangler.sql.StranglerSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Shared helpers of the engine's integration tests: a database with the demo schema, configs, a topic reader. */
final class EngineFixture {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String CAPTURED = "shop.customers,shop.products,shop.orders,shop.order_lines";

    private EngineFixture() {
    }

    /** Creates a fresh database with the demo legacy schema (and its seed rows when asked). */
    static String createLegacyDatabase(Sandbox sandbox, boolean seed) {
        SandboxSql db = SandboxSql.newDatabase(sandbox.postgres(), "legacy");
        db.execute(classpathSql("strangler/sql/demo/01_legacy_schema.sql"));
        if (seed) {
            db.execute(classpathSql("strangler/sql/demo/02_seed.sql"));
        }
        return db.database();
    }

    static Connection connect(Sandbox sandbox, String db) throws SQLException {
        return sandbox.postgres().connect(db);
    }

    static String classpathSql(String path) {
        return StranglerSchema.classpathScript(path);
    }

    /** Settings for a pipeline on the given database, unique names so tests never share a slot or topic. */
    static Map<String, String> settings(Sandbox sandbox, String db, String name) {
        return TestPipelines.settings(sandbox, db, name, CAPTURED);
    }

    static PipelineConfig config(Map<String, String> settings) {
        return TestPipelines.config(settings);
    }

    static void execute(Sandbox sandbox, String db, String... statements) {
        SandboxSql.on(sandbox.postgres(), db).execute(statements);
    }

    static long queryLong(Sandbox sandbox, String db, String sql) {
        return SandboxSql.on(sandbox.postgres(), db).queryLong(sql);
    }

    static List<String> queryStrings(Sandbox sandbox, String db, String sql) {
        return SandboxSql.on(sandbox.postgres(), db).queryStrings(sql);
    }

    /** One record as a test sees it: parsed key and value (null for a tombstone) and headers as text. */
    record Event(String topic, int partition, long offset, JsonNode key, JsonNode value, Map<String, String> headers) {
        String op() {
            return value == null ? "tombstone" : value.path("op").asText();
        }

        JsonNode after() {
            return value.path("after");
        }

        JsonNode before() {
            return value.path("before");
        }

        long lsn() {
            return value.path("source").path("lsn").asLong();
        }

        long txId() {
            return value.path("source").path("txId").asLong();
        }
    }

    /** Reads every record of the topics (that exist) from the beginning to their current end offsets. */
    static List<Event> readAll(Sandbox sandbox, List<String> topics) {
        List<Event> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicContents.readAll(sandbox.kafka().bootstrapServers(), topics)) {
            Map<String, String> headers = new HashMap<>();
            r.headers().forEach(h -> headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8)));
            events.add(new Event(r.topic(), r.partition(), r.offset(), parse(r.key()), parse(r.value()), headers));
        }
        return events;
    }

    static Map<String, List<Event>> byTopic(List<Event> events) {
        return events.stream().collect(Collectors.groupingBy(Event::topic));
    }

    /** JSON, or the raw text as a text node (an outbox key is the aggregate id's plain UTF-8). */
    private static JsonNode parse(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            return com.fasterxml.jackson.databind.node.TextNode.valueOf(new String(bytes, StandardCharsets.UTF_8));
        }
    }
}
