package dev.strangler.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.AppenderBase;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.LoggerFactory;

/**
 * Watches everything a test produces for secrets: every log event of this JVM (a logback appender on the root
 * logger, message, arguments, MDC and stack trace), everything written to System.out and System.err, and any text a
 * test hands to {@link #scan} (command output, report files, a child process's output, exception traces, an HTTP
 * response). Each secret is watched by a distinctive core of letters and digits, so escaped forms (JSON, HTML, SQL
 * quoting) are caught too.
 *
 * <p>Adding a new output is one line: {@code watch.scan("GET /metrics", body)}.
 */
final class LeakWatch implements AutoCloseable {

    /** Where a secret was seen: the source, which secret, and the line around it. */
    record Leak(String where, String secret, String line) {
    }

    private final Map<String, String> secrets;
    private final List<Leak> leaks = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<String, AtomicLong> scanned = new java.util.concurrent.ConcurrentHashMap<>();
    private final Appender appender = new Appender();
    private final Map<String, Level> levelsBefore = new LinkedHashMap<>();
    private final PrintStream stdout = System.out;
    private final PrintStream stderr = System.err;

    /**
     * @param secrets name to distinctive core (letters and digits, long enough never to occur by chance)
     * @param levels  logger levels to raise for the watch (more output watched than production writes)
     */
    LeakWatch(Map<String, String> secrets, Map<String, Level> levels) {
        this.secrets = Map.copyOf(secrets);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        levels.forEach((name, level) -> {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            levelsBefore.put(name, logger.getLevel());
            logger.setLevel(level);
        });
        appender.setContext(root.getLoggerContext());
        appender.setName("leak-watch");
        appender.start();
        root.addAppender(appender);
        System.setOut(new PrintStream(new Tee(stdout, "System.out"), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(stderr, "System.err"), true, StandardCharsets.UTF_8));
    }

    /** Checks a text; {@code where} names it in a failure. */
    void scan(String where, String text) {
        if (text == null) {
            return;
        }
        scanned.computeIfAbsent(where.replaceAll("\\s.*", ""), k -> new AtomicLong()).incrementAndGet();
        secrets.forEach((name, core) -> {
            int at = text.indexOf(core);
            if (at >= 0) {
                int from = Math.max(0, text.lastIndexOf('\n', at) + 1);
                int to = text.indexOf('\n', at);
                leaks.add(new Leak(where, name, text.substring(from, to < 0 ? text.length() : to)));
            }
        });
    }

    /** Checks an exception as a stack trace prints it: every message, cause and suppressed exception. */
    void scan(String where, Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        scan(where, trace.toString());
    }

    /** True when the text holds a watched secret: for checking that the watch can see what it looks for. */
    boolean wouldFlag(String text) {
        return secrets.values().stream().anyMatch(text::contains);
    }

    List<Leak> leaks() {
        return List.copyOf(leaks);
    }

    /** How many texts each kind of source contributed (log events, System.err writes, commands...). */
    Map<String, Long> scannedCounts() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        scanned.forEach((k, v) -> counts.put(k, v.get()));
        return counts;
    }

    @Override
    public void close() {
        System.setOut(stdout);
        System.setErr(stderr);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.detachAppender(appender);
        appender.stop();
        levelsBefore.forEach((name, level) -> ((Logger) LoggerFactory.getLogger(name)).setLevel(level));
    }

    private final class Appender extends AppenderBase<ILoggingEvent> {
        @Override
        protected void append(ILoggingEvent event) {
            StringBuilder text = new StringBuilder();
            text.append(event.getLoggerName()).append(' ').append(event.getFormattedMessage());
            if (event.getArgumentArray() != null) {
                for (Object argument : event.getArgumentArray()) {
                    text.append(' ').append(argument);
                }
            }
            event.getMDCPropertyMap().forEach((k, v) -> text.append(' ').append(k).append('=').append(v));
            if (event.getThrowableProxy() != null) {
                text.append('\n').append(ThrowableProxyUtil.asString(event.getThrowableProxy()));
            }
            scan("log " + event.getLoggerName(), text.toString());
        }
    }

    /** Passes writes through to the real stream and scans each line. */
    private final class Tee extends OutputStream {
        private final PrintStream target;
        private final String name;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        Tee(PrintStream target, String name) {
            this.target = target;
            this.name = name;
        }

        @Override
        public synchronized void write(int b) {
            target.write(b);
            line.write(b);
            if (b == '\n' || line.size() > 64 * 1024) {
                flushLine();
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public synchronized void flush() {
            target.flush();
        }

        private void flushLine() {
            scan(name, line.toString(StandardCharsets.UTF_8));
            line.reset();
        }
    }
}
