package dev.strangler.demo;

import dev.strangler.sink.config.SinkConfig;
import dev.strangler.sink.config.SinkConfigLoader;
import dev.strangler.sink.config.SinkKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The demo sink's configuration, from the same key-value map a user would write: the new service's order events
 * (OrderPlaced, OrderConfirmed on demo.outbox.order) applied to the legacy back office's shop.web_orders. The file the
 * demo leaves behind is exactly what ran (minus the password).
 */
public final class DemoSinkConfig {

    public static final String SINK = "demo-sink";
    public static final String ORDER_TOPIC = "demo.outbox.order";

    private DemoSinkConfig() {
    }

    /** The settings in the order a person reads them. */
    public static Map<String, String> settings(String jdbcUrl, String user, String password, String bootstrap) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put(SinkKeys.SINK_NAME.name(), SINK);
        s.put(SinkKeys.TARGET_URL.name(), jdbcUrl);
        s.put(SinkKeys.TARGET_USER.name(), user);
        s.put(SinkKeys.TARGET_PASSWORD.name(), password);
        s.put(SinkKeys.KAFKA_BOOTSTRAP.name(), bootstrap);
        // the order topic appears with the new service's first event, after the sink subscribed: look for it often
        // (Kafka's consumer otherwise refreshes its metadata every 5 minutes)
        s.put(SinkKeys.CLIENT_PREFIX + "metadata.max.age.ms", "2000");
        s.put(SinkKeys.SINK_MAPPINGS.name(), "placed,confirmed,other");
        // OrderPlaced: a new web order row, its columns picked from the payload by JSON pointer
        s.put("mapping.placed.topic", ORDER_TOPIC);
        s.put("mapping.placed.format", "outbox");
        s.put("mapping.placed.event.type", "OrderPlaced");
        s.put("mapping.placed.table", DemoDatabase.WEB_ORDERS.toString());
        s.put("mapping.placed.column.order_ref", "/orderId");
        s.put("mapping.placed.column.customer_ref", "/customerRef");
        s.put("mapping.placed.column.total", "/total");
        s.put("mapping.placed.column.currency", "/currency");
        s.put("mapping.placed.column.updated_at", "header:occurredAt");
        s.put("mapping.placed.constant.status", "placed");
        s.put("mapping.placed.constant.channel", "web");
        // the back office may change a row too while both systems write: its newer change wins
        s.put("mapping.placed.conflict", "keep-newer");
        s.put("mapping.placed.version.column", "updated_at");
        // OrderConfirmed: the row must exist (an update, not an upsert of a half row)
        s.put("mapping.confirmed.topic", ORDER_TOPIC);
        s.put("mapping.confirmed.format", "outbox");
        s.put("mapping.confirmed.event.type", "OrderConfirmed");
        s.put("mapping.confirmed.table", DemoDatabase.WEB_ORDERS.toString());
        s.put("mapping.confirmed.action", "update");
        s.put("mapping.confirmed.column.order_ref", "/orderId");
        s.put("mapping.confirmed.column.updated_at", "header:occurredAt");
        s.put("mapping.confirmed.constant.status", "confirmed");
        s.put("mapping.confirmed.conflict", "keep-newer");
        s.put("mapping.confirmed.version.column", "updated_at");
        // any other order event: passed over on purpose, counted (nothing is skipped silently)
        s.put("mapping.other.topic", ORDER_TOPIC);
        s.put("mapping.other.format", "outbox");
        s.put("mapping.other.table", DemoDatabase.WEB_ORDERS.toString());
        s.put("mapping.other.action", "ignore");
        return s;
    }

    /** Validated like any sink.properties; the environment is ignored so a stray STRANGLER_* cannot redirect it. */
    public static SinkConfig load(Map<String, String> settings) {
        return new SinkConfigLoader(Map.of()).fromMap(settings);
    }

    /** Writes the settings as a properties file; every key that looks secret is left out. */
    public static void write(Map<String, String> settings, Path file) throws IOException {
        StringBuilder text = new StringBuilder();
        text.append("# The configuration `strangler demo` ran its sink with (README, 'Keep the lights on: the sink').\n");
        text.append("# target.password is not written here: set it in the environment as ")
                .append(SinkKeys.TARGET_PASSWORD.environmentVariable()).append(".\n");
        settings.forEach((key, value) -> {
            if (!SinkKeys.looksSecret(key)) {
                text.append(key).append('=').append(value).append('\n');
            }
        });
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
