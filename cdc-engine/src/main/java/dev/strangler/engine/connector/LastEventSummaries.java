package dev.strangler.engine.connector;

import io.debezium.pipeline.ChangeEventSourceCoordinator;
import io.debezium.pipeline.meters.CommonEventMeter;
import io.debezium.pipeline.metrics.PipelineMetrics;
import io.debezium.pipeline.source.spi.EventMetadataProvider;
import java.lang.reflect.Field;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives the snapshot and streaming metrics of a started coordinator {@link TableOnlySummary} as the provider of their
 * {@code LastEvent}. Debezium offers no hook for it, so it is done through three fields of Debezium 3.6.1's classes
 * ({@code ChangeEventSourceCoordinator.snapshotMetrics/streamingMetrics}, {@code PipelineMetrics.commonEventMeter},
 * {@code CommonEventMeter.metadataProvider}). Should a Debezium upgrade rename them, nothing breaks: the metrics keep
 * Debezium's own summary (slower, as before) and a warning says so once per process.
 */
public final class LastEventSummaries {

    private static final Logger LOG = LoggerFactory.getLogger(LastEventSummaries.class);

    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private LastEventSummaries() {
    }

    /** @return how many of the coordinator's meters now summarise by table (2 when both were found) */
    public static int summariseByTable(ChangeEventSourceCoordinator<?, ?> coordinator) {
        int replaced = 0;
        String problem = "not the expected metrics classes";
        try {
            for (String metrics : new String[] {"snapshotMetrics", "streamingMetrics"}) {
                Object pipelineMetrics = read(ChangeEventSourceCoordinator.class, metrics, coordinator);
                if (pipelineMetrics instanceof PipelineMetrics) {
                    Object meter = read(PipelineMetrics.class, "commonEventMeter", pipelineMetrics);
                    if (meter instanceof CommonEventMeter) {
                        Field provider = field(CommonEventMeter.class, "metadataProvider");
                        Object current = provider.get(meter);
                        if (current instanceof EventMetadataProvider p && !(current instanceof TableOnlySummary)) {
                            provider.set(meter, new TableOnlySummary(p));
                            replaced++;
                        }
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            problem = e.toString();
        }
        if (replaced < 2 && !WARNED.getAndSet(true)) {
            LOG.warn("Debezium's LastEvent metric keeps rendering every row ({}): the pipeline works, its source "
                    + "thread is somewhat slower; expected with a Debezium other than 3.6.1", problem);
        }
        return replaced;
    }

    private static Object read(Class<?> owner, String name, Object instance) throws ReflectiveOperationException {
        return field(owner, name).get(instance);
    }

    private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
        Field f = owner.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
