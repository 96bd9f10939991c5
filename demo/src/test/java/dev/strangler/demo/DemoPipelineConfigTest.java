package dev.strangler.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.contract.TableId;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoPipelineConfigTest {

    private static final Map<String, String> SETTINGS = DemoPipelineConfig.settings(
            "jdbc:postgresql://127.0.0.1:5433/legacy", "postgres", "s3cret-Pa55", "127.0.0.1:9093");

    @Test
    void buildsAValidConfigForTheFiveShopTables() {
        PipelineConfig config = DemoPipelineConfig.load(SETTINGS);
        assertThat(config.pipelineName()).isEqualTo("demo");
        assertThat(config.capturedTables()).containsExactly(new TableId("shop", "customers"),
                new TableId("shop", "products"), new TableId("shop", "orders"), new TableId("shop", "order_lines"),
                new TableId("shop", "web_orders"));
        assertThat(config.sinkEcho()).as("the sink's writes marked: the topic still mirrors the table")
                .isEqualTo(PipelineConfig.SinkEcho.MARK);
        assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.source().password().reveal()).isEqualTo("s3cret-Pa55");
        assertThat(config.kafka().topicFor(new TableId("shop", "orders"))).isEqualTo("demo.shop.orders");
    }

    @Test
    void routesTheNewServicesOutboxWithoutATableTopic() {
        PipelineConfig config = DemoPipelineConfig.load(SETTINGS);
        assertThat(config.outbox().tables()).containsExactly(new TableId("orders_svc", "outbox"));
        assertThat(config.capturedTables()).doesNotContain(new TableId("orders_svc", "outbox"));
        assertThat(config.publishedTables(new TableId("strangler", "heartbeat")))
                .contains(new TableId("orders_svc", "outbox"))
                .doesNotContain(new TableId("orders_svc", "orders"));
        assertThat(DemoPipelineConfig.outboxTopic(config, "order")).isEqualTo("demo.outbox.order");
        assertThat(DemoPipelineConfig.outboxTopic(config, "payment")).isEqualTo("demo.outbox.payment");
    }

    @Test
    void theWrittenFileHasNoPasswordButLoadsWithOneFromTheEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pipeline.properties");
        DemoPipelineConfig.write(SETTINGS, file);
        String text = Files.readString(file);
        assertThat(text).doesNotContain("s3cret-Pa55").contains("STRANGLER_SOURCE_PASSWORD");
        Properties properties = new Properties();
        properties.load(new StringReader(text));
        assertThat(properties).doesNotContainKey("source.password")
                .containsEntry("source.url", "jdbc:postgresql://127.0.0.1:5433/legacy")
                .containsEntry("source.tables", "shop.customers,shop.products,shop.orders,shop.order_lines,shop.web_orders")
                .containsEntry("outbox.tables", "orders_svc.outbox");

        PipelineConfig loaded = new PipelineConfigLoader(Map.of("STRANGLER_SOURCE_PASSWORD", "from-env")).load(file);
        PipelineConfig original = DemoPipelineConfig.load(SETTINGS);
        assertThat(loaded.source().password().reveal()).isEqualTo("from-env");
        assertThat(loaded.capturedTables()).isEqualTo(original.capturedTables());
        assertThat(loaded.source().slot()).isEqualTo(original.source().slot());
        assertThat(loaded.kafka()).isEqualTo(original.kafka());
        assertThat(loaded.heartbeatInterval()).isEqualTo(original.heartbeatInterval());
        assertThat(loaded.outbox()).isEqualTo(original.outbox());
    }
}
