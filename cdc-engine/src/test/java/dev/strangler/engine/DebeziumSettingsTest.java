package dev.strangler.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.contract.TopicNames;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.engine.resume.StartPlan;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class DebeziumSettingsTest {

    private static PipelineConfig config(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>();
        m.put("pipeline.name", "orders");
        m.put("topic.prefix", "legacy");
        m.put("source.url", "jdbc:postgresql://db.internal:5432/legacy");
        m.put("source.user", "strangler");
        m.put("source.tables", "shop.orders");
        m.put("kafka.bootstrap.servers", "k1:9092");
        m.putAll(extra);
        return new PipelineConfigLoader(Map.of()).fromMap(m);
    }

    private static Properties build(PipelineConfig config) {
        return DebeziumSettings.build(config, false, new StartPlan(StartPlan.Kind.FRESH, false, "fresh"), true);
    }

    @Test
    void shouldAskDebeziumForTransactionMetadataOnTheContractsTopicWhenTurnedOn() {
        Properties p = build(config(Map.of("transactions.metadata", "true")));
        assertThat(p.getProperty("provide.transaction.metadata")).isEqualTo("true");
        // Debezium names the topic <topic.prefix>.<topic.transaction>
        assertThat(p.getProperty("topic.prefix") + "." + p.getProperty("topic.transaction"))
                .isEqualTo(TopicNames.transactions("legacy")).isEqualTo("legacy.transaction");
    }

    @Test
    void shouldLeaveTransactionMetadataOffByDefault() {
        Properties p = build(config(Map.of()));
        assertThat(p.getProperty("provide.transaction.metadata")).isNull();
        assertThat(p.getProperty("topic.transaction")).isNull();
    }

    @Test
    void shouldKeepHeartbeatRecordsButNotTheHeartbeatQueryWhenTheSourceIsAStandby() {
        PipelineConfig config = config(Map.of("heartbeat.interval", "5s"));
        Properties standby = DebeziumSettings.build(config, true, new StartPlan(StartPlan.Kind.FRESH, false, "fresh"),
                true, true);
        assertThat(standby.getProperty("heartbeat.interval.ms")).isEqualTo("5000");
        assertThat(standby.getProperty("heartbeat.action.query")).as("a standby refuses every write").isNull();
        assertThat(standby.getProperty("internal.task.management.timeout.ms")).as("the slot's creation on a standby "
                + "waits for the primary").isEqualTo("90000");
        assertThat(build(config).getProperty("heartbeat.action.query")).startsWith("INSERT INTO strangler.heartbeat");
    }
}
