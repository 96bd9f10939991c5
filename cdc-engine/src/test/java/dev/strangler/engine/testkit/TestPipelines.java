package dev.strangler.engine.testkit;

import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.sandbox.Sandbox;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pipeline settings for integration tests against a {@link Sandbox}, shared through this module's test-jar by the
 * engine's, the outbox's and the command line's tests: one place knows which keys a pipeline on the sandbox needs.
 */
public final class TestPipelines {

    private TestPipelines() {
    }

    /**
     * A pipeline named {@code name} (its slot and topics follow the name, so tests that share a sandbox never share
     * them) capturing {@code sourceTables} of database {@code db}, as the sandbox's superuser, with a 1 s heartbeat
     * and offsets flushed every 500 ms so that tests need not wait long. The map is mutable: tests add their keys.
     */
    public static Map<String, String> settings(Sandbox sandbox, String db, String name, String sourceTables) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("pipeline.name", name);
        m.put("source.url", sandbox.postgres().jdbcUrl(db));
        m.put("source.user", sandbox.postgres().superuser());
        m.put("source.password", sandbox.postgres().superuserPassword());
        m.put("source.tables", sourceTables);
        m.put("kafka.bootstrap.servers", sandbox.kafka().bootstrapServers());
        m.put("heartbeat.interval", "1s");
        m.put("offsets.flush.interval", "500ms");
        return m;
    }

    /** The settings loaded as {@code strangler run} loads a file, without the environment's overrides. */
    public static PipelineConfig config(Map<String, String> settings) {
        return new PipelineConfigLoader(Map.of()).fromMap(settings);
    }
}
