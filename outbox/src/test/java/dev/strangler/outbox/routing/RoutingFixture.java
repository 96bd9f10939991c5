package dev.strangler.outbox.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.testkit.TestPipelines;
import dev.strangler.sandbox.Sandbox;
import dev.strangler.sandbox.SandboxSql;
import dev.strangler.sandbox.TopicContents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Helpers of the routing tests (the library against the real pipeline): a service database, pipeline settings, and
 * an independent reader of topics that keeps the raw bytes, because the exact wire format is what a consumer sees.
 * Adapted from the engine's own test fixture.
 */
final class RoutingFixture {

    static final ObjectMapper JSON = new ObjectMapper();

    private RoutingFixture() {
    }

    static String newDatabase(Sandbox sandbox, String prefix) {
        return SandboxSql.newDatabase(sandbox.postgres(), prefix).database();
    }

    static HikariDataSource pool(Sandbox sandbox, String db) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(sandbox.postgres().jdbcUrl(db));
        config.setUsername(sandbox.postgres().superuser());
        config.setPassword(sandbox.postgres().superuserPassword());
        config.setMaximumPoolSize(4);
        config.setPoolName("pool-" + db);
        return new HikariDataSource(config);
    }

    static void execute(Sandbox sandbox, String db, String... statements) {
        SandboxSql.on(sandbox.postgres(), db).execute(statements);
    }

    static long queryLong(Sandbox sandbox, String db, String sql) {
        return SandboxSql.on(sandbox.postgres(), db).queryLong(sql);
    }

    /** Pipeline settings on the service database: {@code sourceTables} as table topics, public.outbox routed. */
    static Map<String, String> settings(Sandbox sandbox, String db, String name, String sourceTables) {
        Map<String, String> m = TestPipelines.settings(sandbox, db, name, sourceTables);
        m.put("outbox.tables", "public.outbox");
        return m;
    }

    static PipelineConfig config(Map<String, String> settings) {
        return TestPipelines.config(settings);
    }

    /** One consumed record, raw: key, value and header values exactly as the consumer receives them. */
    record Received(String topic, int partition, long offset, byte[] key, byte[] value, Headers headers) {

        String keyText() {
            return key == null ? null : new String(key, StandardCharsets.UTF_8);
        }

        JsonNode valueJson() {
            try {
                return value == null ? null : JSON.readTree(value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** The last header of that name as UTF-8 text, or null. */
        String header(String name) {
            Header h = headers.lastHeader(name);
            return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }

        Map<String, String> headerMap() {
            Map<String, String> m = new HashMap<>();
            headers.forEach(h -> m.put(h.key(), h.value() == null ? null : new String(h.value(),
                    StandardCharsets.UTF_8)));
            return m;
        }

        int headerCount(String name) {
            int n = 0;
            for (Header h : headers.headers(name)) {
                n++;
            }
            return n;
        }
    }

    /** Reads every record of the topics (that exist) from the beginning to their current end offsets. */
    static List<Received> readAll(Sandbox sandbox, List<String> topics) {
        return TopicContents.readAll(sandbox.kafka().bootstrapServers(), topics).stream()
                .map(r -> new Received(r.topic(), r.partition(), r.offset(), r.key(), r.value(), r.headers()))
                .toList();
    }

    static Set<String> topics(Sandbox sandbox) {
        return TopicContents.topics(sandbox.kafka().bootstrapServers());
    }

    /** The aggregate id a record is keyed by, whether the key is raw text or a JSON string. */
    static String aggregateId(Received r) {
        String text = r.keyText();
        if (text != null && text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            try {
                return JSON.readTree(text).asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return text;
    }
}
