package dev.strangler.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PipelineNameConverterTest {

    private static String convert(Map<String, String> mdc) {
        LoggingEvent event = new LoggingEvent("x", new LoggerContext().getLogger("x"), Level.INFO, "m", null, null);
        event.setMDCPropertyMap(mdc);
        return new PipelineNameConverter().convert(event);
    }

    @Test
    void shouldNameThePipelineFromStranglersMdcThenDebeziumsThenFallBack() {
        assertThat(convert(Map.of("pipeline", "billing", "dbz.connectorLogicalName", "bill"))).isEqualTo("billing");
        assertThat(convert(Map.of("dbz.connectorLogicalName", "bill", "dbz.connectorContext", "streaming")))
                .isEqualTo("bill");
        assertThat(convert(Map.of())).isEqualTo(PipelineNameConverter.NONE);
    }
}
