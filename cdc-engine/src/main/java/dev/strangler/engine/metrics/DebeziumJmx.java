package dev.strangler.engine.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.Set;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * Debezium's own connector metrics, which it registers as MBeans ({@code debezium.postgres:type=connector-metrics,
 * context=streaming|snapshot,server=<topic.prefix>}), read where they add something Strangler does not measure
 * itself: how far behind the source the connector's last event was, how full its queue is, whether its replication
 * connection is up, and whether a snapshot is running. Read on scrape; NaN while the engine is not running.
 */
final class DebeziumJmx {

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    private final ObjectName streaming;
    private final ObjectName snapshot;

    DebeziumJmx(String topicPrefix) {
        try {
            streaming = new ObjectName("debezium.postgres:type=connector-metrics,context=streaming,server="
                    + topicPrefix + ",*"); // letters, digits, '.', '_', '-': nothing to quote
            snapshot = new ObjectName("debezium.postgres:type=connector-metrics,context=snapshot,server="
                    + topicPrefix + ",*"); // letters, digits, '.', '_', '-': nothing to quote
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("topic prefix '" + topicPrefix + "' makes no JMX name", e);
        }
    }

    void bind(MeterRegistry registry) {
        Gauge.builder("debezium.streaming.behind.source", this,
                        j -> j.streaming("MilliSecondsBehindSource").map(ms -> ms < 0 ? Double.NaN : ms / 1000.0)
                                .orElse(Double.NaN))
                .baseUnit("seconds")
                .description("Debezium: source commit to the connector's processing of its last event")
                .register(registry);
        Gauge.builder("debezium.streaming.queue.remaining.capacity", this,
                        j -> j.streaming("QueueRemainingCapacity").orElse(Double.NaN))
                .description("Debezium: free slots in the queue between the connector and the publisher")
                .register(registry);
        Gauge.builder("debezium.streaming.queue.total.capacity", this,
                        j -> j.streaming("QueueTotalCapacity").orElse(Double.NaN))
                .description("Debezium: size of the queue between the connector and the publisher")
                .register(registry);
        Gauge.builder("debezium.streaming.connected", this,
                        j -> j.streaming("Connected").orElse(Double.NaN))
                .description("Debezium: 1 while its replication connection is up").register(registry);
    }

    /** Debezium says a snapshot is running; empty when it does not say (no MBean). */
    Optional<Boolean> snapshotRunning() {
        return attribute(snapshot, "SnapshotRunning").map(v -> v > 0);
    }

    private Optional<Double> streaming(String attribute) {
        return attribute(streaming, attribute);
    }

    private static Optional<Double> attribute(ObjectName pattern, String attribute) {
        try {
            Set<ObjectName> names = SERVER.queryNames(pattern, null);
            for (ObjectName name : names) {
                Object value = SERVER.getAttribute(name, attribute);
                if (value instanceof Number n) {
                    return Optional.of(n.doubleValue());
                }
                if (value instanceof Boolean b) {
                    return Optional.of(b ? 1.0 : 0.0);
                }
            }
        } catch (Exception e) {
            // the MBean went away between the query and the read: the engine is restarting
        }
        return Optional.empty();
    }
}
