package dev.strangler.parity.it;

import dev.strangler.engine.Pipeline;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.parity.ParityChecker;
import dev.strangler.parity.ParityConfig;
import dev.strangler.parity.Progress;
import dev.strangler.parity.compare.CanonicalRowCodecs;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.sandbox.Sandbox;
import dev.strangler.sql.StranglerSchema;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A legacy database with the demo schema, a running pipeline on it, and a way to run the parity check. */
final class ParityFixture implements AutoCloseable {

    static final List<String> TABLES = List.of("shop.customers", "shop.products", "shop.orders", "shop.order_lines");

    final Sandbox sandbox;
    final String db;
    final String name;
    final PipelineConfig config;
    private final Map<String, String> settings;
    private Pipeline pipeline;

    ParityFixture(Sandbox sandbox, String name) {
        this(sandbox, name, Map.of());
    }

    /** @param extraSettings pipeline settings on top of the fixture's, e.g. a {@code debezium.*} pass-through */
    ParityFixture(Sandbox sandbox, String name, Map<String, String> extraSettings) {
        this(sandbox, name, extraSettings, List.of());
    }

    /** @param beforeStart statements run on the demo schema before the pipeline starts (so they are snapshotted) */
    ParityFixture(Sandbox sandbox, String name, Map<String, String> extraSettings, List<String> beforeStart) {
        this.sandbox = sandbox;
        this.name = name;
        this.db = "legacy_" + UUID.randomUUID().toString().substring(0, 8);
        sandbox.postgres().createDatabase(db);
        for (String script : StranglerSchema.DEMO_SCRIPTS) {
            execute(StranglerSchema.classpathScript(script));
        }
        beforeStart.forEach(this::execute);
        Map<String, String> s = new HashMap<>();
        s.put("pipeline.name", name);
        s.put("source.url", sandbox.postgres().jdbcUrl(db));
        s.put("source.user", sandbox.postgres().superuser());
        s.put("source.password", sandbox.postgres().superuserPassword());
        s.put("source.tables", String.join(",", TABLES));
        s.put("kafka.bootstrap.servers", sandbox.kafka().bootstrapServers());
        s.put("heartbeat.interval", "500ms");
        s.put("offsets.flush.interval", "300ms");
        s.putAll(extraSettings);
        settings = Map.copyOf(s);
        config = new PipelineConfigLoader(Map.of()).fromMap(s);
        startPipeline();
    }

    void startPipeline() {
        pipeline = new Pipeline(config, Pipeline.Options.defaults());
        pipeline.start();
    }

    void stopPipeline() {
        pipeline.stop();
    }

    /**
     * Stops the pipeline, drops its slot and starts it with snapshot.mode=when_needed: it clears its stored position
     * and snapshots every table again into the same topics.
     */
    void startOverWithANewSnapshot() {
        startOverWithANewSnapshot(new String[0]);
    }

    /** The same, with statements run while nothing reads the WAL: their changes are never streamed. */
    void startOverWithANewSnapshot(String... whileStopped) {
        pipeline.stop();
        sandbox.postgres().dropReplicationSlot(config.source().slot());
        execute(whileStopped);
        Map<String, String> s = new HashMap<>(settings);
        s.put("snapshot.mode", "when_needed");
        pipeline = new Pipeline(new PipelineConfigLoader(Map.of()).fromMap(s), Pipeline.Options.defaults());
        pipeline.start();
    }

    ParityConfig parityConfig(String topicPrefix, Duration timeout) {
        return parityConfig(topicPrefix, timeout, null);
    }

    /** @param workDirectory where the run spills (null: the system temp directory) */
    ParityConfig parityConfig(String topicPrefix, Duration timeout, Path workDirectory) {
        return new ParityConfig(sandbox.postgres().jdbcUrl(db), sandbox.postgres().superuser(),
                sandbox.postgres().superuserPassword(), config.source().slot(), sandbox.kafka().bootstrapServers(),
                Map.of(), topicPrefix, TABLES, 0, Map.of(), timeout, 20, workDirectory,
                ParityConfig.DEBEZIUM_UNAVAILABLE_VALUE);
    }

    ParityReport check() {
        return check(parityConfig(name, Duration.ofSeconds(60)));
    }

    ParityReport check(ParityConfig parityConfig) {
        return new ParityChecker(parityConfig,
                CanonicalRowCodecs.factory(parityConfig.unavailableValuePlaceholder()), Progress.NONE).run();
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(sandbox.postgres().jdbcUrl(db), sandbox.postgres().superuser(),
                sandbox.postgres().superuserPassword());
    }

    void execute(String... statements) {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            for (String sql : statements) {
                st.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (pipeline != null) {
            pipeline.stop();
        }
    }
}
