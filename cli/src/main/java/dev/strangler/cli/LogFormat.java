package dev.strangler.cli;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.strangler.engine.config.PipelineConfig;
import java.io.IOException;
import java.util.Map;
import net.logstash.logback.composite.AbstractFieldJsonProvider;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.LoggerFactory;

/**
 * {@code log.format}: text (logback.xml's pattern, the default) or JSON, one object per line on stderr, through the
 * Logstash encoder. JSON lines carry the standard fields ({@code @timestamp}, {@code level}, {@code logger_name},
 * {@code thread_name}, {@code message}, {@code stack_trace}) and, where a line is about them, {@code pipeline}
 * (also on Debezium's threads, from its own MDC), {@code table}, {@code lsn} and {@code trace_id}.
 */
public final class LogFormat {

    /** MDC keys that become JSON fields of their own. */
    static final String[] FIELDS = {"table", "lsn", "trace_id"};

    private LogFormat() {
    }

    /** Switches stderr's encoder to JSON when asked; call once the config is loaded. */
    public static void apply(PipelineConfig.LogFormat format) {
        if (format != PipelineConfig.LogFormat.JSON
                || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Appender<ILoggingEvent> old = root.getAppender("STDERR");
        LogstashEncoder encoder = jsonEncoder(context);
        ConsoleAppender<ILoggingEvent> json = new ConsoleAppender<>();
        json.setName("STDERR");
        json.setContext(context);
        json.setTarget("System.err");
        json.setEncoder(encoder);
        json.start();
        root.addAppender(json);
        if (old != null) {
            root.detachAppender(old);
            old.stop();
        }
    }

    /** The JSON encoder: Logstash's standard fields, the MDC keys of {@link #FIELDS}, and {@code pipeline}. */
    static LogstashEncoder jsonEncoder(LoggerContext context) {
        LogstashEncoder encoder = new LogstashEncoder();
        encoder.setContext(context);
        encoder.setIncludeMdc(true);
        for (String key : FIELDS) {
            encoder.addIncludeMdcKeyName(key);
        }
        encoder.addProvider(new PipelineField());
        encoder.start();
        return encoder;
    }

    /** {@code "pipeline"}: Strangler's MDC key, or on Debezium's threads its logical name (the topic prefix). */
    static final class PipelineField extends AbstractFieldJsonProvider<ILoggingEvent> {
        PipelineField() {
            setFieldName("pipeline");
        }

        @Override
        public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
            Map<String, String> mdc = event.getMDCPropertyMap();
            String pipeline = mdc.getOrDefault("pipeline", mdc.get("dbz.connectorLogicalName"));
            if (pipeline != null) {
                generator.writeStringField(getFieldName(), pipeline);
            }
        }
    }
}
