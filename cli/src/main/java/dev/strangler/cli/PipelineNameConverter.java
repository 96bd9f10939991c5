package dev.strangler.cli;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.Map;

/**
 * {@code %pipeline} in the log pattern: which pipeline a line is about. Strangler's own threads set the MDC key
 * {@code pipeline}; Debezium's threads set their own, {@code dbz.connectorLogicalName} (the pipeline's topic prefix),
 * so lines from the connector's threads name the pipeline too instead of a generic tag.
 */
public final class PipelineNameConverter extends ClassicConverter {

    static final String NONE = "strangler";

    @Override
    public String convert(ILoggingEvent event) {
        Map<String, String> mdc = event.getMDCPropertyMap();
        String pipeline = mdc.get("pipeline");
        if (pipeline != null) {
            return pipeline;
        }
        String connector = mdc.get("dbz.connectorLogicalName");
        return connector != null ? connector : NONE;
    }
}
