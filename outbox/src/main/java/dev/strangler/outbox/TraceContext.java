package dev.strangler.outbox;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.regex.Pattern;

/**
 * Where {@link Outbox} finds the current W3C trace context ({@code traceparent}) of the writing request, for events
 * that do not carry one themselves. The value is stored in the outbox row and becomes the event's {@code traceparent}
 * Kafka header, so a consumer continues the producer's trace.
 *
 * <p>The default, {@link #mdc()}, reads the SLF4J MDC key {@code traceparent} when SLF4J is on the classpath (the
 * library does not depend on it). With OpenTelemetry, supply the current span instead:
 * <pre>{@code
 * TraceContext otel = () -> {
 *     SpanContext s = Span.current().getSpanContext();
 *     return s.isValid() ? "00-" + s.getTraceId() + "-" + s.getSpanId() + "-" + s.getTraceFlags().asHex() : null;
 * };
 * }</pre>
 * A value that is not a valid {@code traceparent} is ignored (the event is written without one).
 */
@FunctionalInterface
public interface TraceContext {

    /** The MDC key {@link #mdc()} reads. */
    String MDC_KEY = "traceparent";

    /** The current {@code traceparent}, or null when there is none. */
    String currentTraceparent();

    /** No trace context: events carry only the traceparent they are given. */
    static TraceContext none() {
        return () -> null;
    }

    /**
     * Reads the SLF4J MDC key {@code traceparent} (set by many tracing integrations and log filters); null when SLF4J
     * is not on the classpath or the key is not set.
     */
    static TraceContext mdc() {
        return Mdc.INSTANCE;
    }

    /**
     * Whether {@code value} is a valid W3C {@code traceparent}: {@code version-traceid-parentid-flags} in lower-case
     * hex, version not {@code ff}, trace id and parent id not all zeros; version {@code 00} has exactly these four
     * fields, a later version may append more after a {@code -}.
     */
    static boolean isValidTraceparent(String value) {
        if (value == null || value.length() < 55 || !Mdc.TRACEPARENT.matcher(value.substring(0, 55)).matches()) {
            return false;
        }
        String version = value.substring(0, 2);
        if (version.equals("ff")) {
            return false;
        }
        if (value.length() > 55 && (version.equals("00") || value.charAt(55) != '-')) {
            return false;
        }
        return !value.substring(3, 35).equals("0".repeat(32)) && !value.substring(36, 52).equals("0".repeat(16));
    }

    /** The MDC reader, looked up once by reflection so the library needs no SLF4J. */
    final class Mdc implements TraceContext {

        static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
        static final Mdc INSTANCE = new Mdc();

        private final MethodHandle get;

        private Mdc() {
            MethodHandle handle;
            try {
                Class<?> mdc = Class.forName("org.slf4j.MDC", false, TraceContext.class.getClassLoader());
                handle = MethodHandles.publicLookup().findStatic(mdc, "get",
                        MethodType.methodType(String.class, String.class));
            } catch (ReflectiveOperationException | LinkageError e) {
                handle = null;
            }
            this.get = handle;
        }

        @Override
        public String currentTraceparent() {
            if (get == null) {
                return null;
            }
            try {
                return (String) get.invokeExact(MDC_KEY);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                return null; // an MDC without a binding, or one that fails: no trace context, never a failed write
            }
        }

        @Override
        public String toString() {
            return get == null ? "TraceContext.mdc() (SLF4J absent)" : "TraceContext.mdc()";
        }
    }
}
