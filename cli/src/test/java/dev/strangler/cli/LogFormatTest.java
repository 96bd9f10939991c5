package dev.strangler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.Test;

class LogFormatTest {

    private static JsonNode encode(Map<String, String> mdc) throws Exception {
        LoggerContext context = new LoggerContext();
        LogstashEncoder encoder = LogFormat.jsonEncoder(context);
        LoggingEvent event = new LoggingEvent("x", context.getLogger("dev.strangler.engine.metrics.StreamMeters"),
                Level.INFO, "published transaction {}", null, new Object[] {771});
        event.setMDCPropertyMap(mdc);
        byte[] line = encoder.encode(event);
        String text = new String(line, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n").hasLineCount(1);
        return new ObjectMapper().readTree(text);
    }

    @Test
    void shouldWriteOneJsonObjectPerLineWithThePipelineTableLsnAndTraceIdAsFields() throws Exception {
        JsonNode json = encode(Map.of("pipeline", "billing", "table", "shop.orders", "lsn", "0/16B3748",
                "trace_id", "4bf92f3577b34da6a3ce929d0e0e4736", "unrelated", "x"));
        assertThat(json.path("message").asText()).isEqualTo("published transaction 771");
        assertThat(json.path("level").asText()).isEqualTo("INFO");
        assertThat(json.path("logger_name").asText()).endsWith("StreamMeters");
        assertThat(json.has("@timestamp")).isTrue();
        assertThat(json.path("pipeline").asText()).isEqualTo("billing");
        assertThat(json.path("table").asText()).isEqualTo("shop.orders");
        assertThat(json.path("lsn").asText()).isEqualTo("0/16B3748");
        assertThat(json.path("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(json.has("unrelated")).isFalse();
    }

    @Test
    void shouldNameThePipelineOnDebeziumsThreadsToo() throws Exception {
        JsonNode json = encode(Map.of("dbz.connectorLogicalName", "billing"));
        assertThat(json.path("pipeline").asText()).isEqualTo("billing");
        assertThat(json.has("table")).isFalse();
    }
}
