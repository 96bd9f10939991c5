package dev.strangler.engine.metrics;

import java.lang.management.ManagementFactory;
import java.util.Set;
import java.util.function.LongSupplier;
import javax.management.MBeanServer;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * How many records Debezium has queued for the publisher and not handed over yet, from its streaming metrics MBean
 * (QueueTotalCapacity − QueueRemainingCapacity). Asked once per batch, so the MBean's name is looked up once and
 * kept; 0 while the MBean is not there (the engine starting or stopping): then nothing waits for a next batch.
 */
public final class DebeziumQueue implements LongSupplier {

    private static final MBeanServer SERVER = ManagementFactory.getPlatformMBeanServer();

    private final ObjectName pattern;
    private ObjectName resolved;

    public DebeziumQueue(String topicPrefix) {
        try {
            pattern = new ObjectName("debezium.postgres:type=connector-metrics,context=streaming,server="
                    + topicPrefix + ",*"); // letters, digits, '.', '_', '-': nothing to quote
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("topic prefix '" + topicPrefix + "' makes no JMX name", e);
        }
    }

    @Override
    public long getAsLong() {
        try {
            if (resolved == null) {
                Set<ObjectName> names = SERVER.queryNames(pattern, null);
                if (names.isEmpty()) {
                    return 0;
                }
                resolved = names.iterator().next();
            }
            Object total = SERVER.getAttribute(resolved, "QueueTotalCapacity");
            Object remaining = SERVER.getAttribute(resolved, "QueueRemainingCapacity");
            if (total instanceof Number t && remaining instanceof Number r) {
                return Math.max(0, t.longValue() - r.longValue());
            }
        } catch (Exception e) {
            resolved = null; // unregistered by a restart of the engine: look it up again next time
        }
        return 0;
    }
}
