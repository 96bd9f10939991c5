package dev.strangler.demo;

import static dev.strangler.engine.config.PipelineKeys.HEARTBEAT_INTERVAL;
import static dev.strangler.engine.config.PipelineKeys.HTTP_BIND;
import static dev.strangler.engine.config.PipelineKeys.HTTP_PORT;
import static dev.strangler.engine.config.PipelineKeys.KAFKA_BOOTSTRAP;
import static dev.strangler.engine.config.PipelineKeys.OUTBOX_TABLES;
import static dev.strangler.engine.config.PipelineKeys.PIPELINE_NAME;
import static dev.strangler.engine.config.PipelineKeys.SOURCE_PASSWORD;
import static dev.strangler.engine.config.PipelineKeys.SOURCE_TABLES;
import static dev.strangler.engine.config.PipelineKeys.SOURCE_URL;
import static dev.strangler.engine.config.PipelineKeys.SOURCE_USER;

import dev.strangler.contract.TableId;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.engine.config.PipelineKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The demo pipeline's configuration, built from the same key-value map a user would write, so the file the demo
 * leaves behind is exactly what ran (minus the password) and can be edited into a real pipeline.properties.
 */
public final class DemoPipelineConfig {

    public static final String PIPELINE = "demo";
    /** Short, so that after the workload the slot moves past the last change within seconds (see SlotMonitor). */
    public static final String HEARTBEAT = "2s";

    private DemoPipelineConfig() {
    }

    /** The settings in the order a person reads them. */
    public static Map<String, String> settings(String jdbcUrl, String user, String password, String bootstrap) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(PIPELINE_NAME.name(), PIPELINE);
        s.put(SOURCE_URL.name(), jdbcUrl);
        s.put(SOURCE_USER.name(), user);
        s.put(SOURCE_PASSWORD.name(), password);
        s.put(SOURCE_TABLES.name(),
                DemoDatabase.CAPTURED.stream().map(TableId::toString).collect(Collectors.joining(",")));
        // the new service's outbox: routed to demo.outbox.<aggregatetype>, not published as a table topic
        s.put(OUTBOX_TABLES.name(), DemoDatabase.OUTBOX.toString());
        s.put(KAFKA_BOOTSTRAP.name(), bootstrap);
        s.put(HEARTBEAT_INTERVAL.name(), HEARTBEAT);
        // the endpoint on any free port of this host only: the demo prints where (a fixed port may be taken)
        s.put(HTTP_PORT.name(), "0");
        s.put(HTTP_BIND.name(), "127.0.0.1");
        return s;
    }

    /** Validated like any pipeline.properties; the environment is ignored so a stray STRANGLER_* cannot redirect it. */
    public static PipelineConfig load(Map<String, String> settings) {
        return new PipelineConfigLoader(Map.of()).fromMap(settings);
    }

    /** The topic the pipeline routes an outbox event of this aggregate type to (outbox.topic). */
    public static String outboxTopic(PipelineConfig config, String aggregateType) {
        return dev.strangler.contract.TopicNames.outbox(config.outbox().topicPattern(), aggregateType);
    }

    /** Writes the settings as a properties file; every key that looks secret is left out. */
    public static void write(Map<String, String> settings, Path file) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append("# The configuration `strangler demo` ran its pipeline with.\n");
        text.append("# source.url and kafka.bootstrap.servers pointed at the demo's sandbox, which is gone now:\n");
        text.append("# change them to your servers and run `strangler run --config ").append(file.getFileName())
                .append("`.\n");
        text.append("# source.password is not written here: set it in the environment as ")
                .append(SOURCE_PASSWORD.environmentVariable()).append(".\n");
        settings.forEach((key, value) -> {
            if (!PipelineKeys.looksSecret(key)) {
                text.append(escapeKey(key)).append('=').append(escapeValue(value)).append('\n');
            }
        });
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private static String escapeKey(String key) {
        return escapeValue(key).replace("=", "\\=").replace(":", "\\:").replace(" ", "\\ ");
    }

    /** Enough of java.util.Properties' format for values: backslashes, line breaks, a leading blank. */
    private static String escapeValue(String value) {
        String escaped = value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
        return escaped.startsWith(" ") ? "\\" + escaped : escaped;
    }
}
