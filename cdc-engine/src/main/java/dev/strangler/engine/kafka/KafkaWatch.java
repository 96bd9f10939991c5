package dev.strangler.engine.kafka;

import dev.strangler.engine.SinkUnavailableException;
import dev.strangler.engine.config.PipelineConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches that the Kafka cluster answers while the pipeline runs. When no broker answers, the engine does not always
 * fail: Debezium's commit reads the offsets topic and waits for it indefinitely, so the pipeline would sit silent
 * with a status that says nothing. After {@code unreachableFor} without an answer this reports it once, and the
 * pipeline ends the attempt and waits for Kafka like any other transient failure, saying so.
 */
public final class KafkaWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaWatch.class);

    private final PipelineConfig.Kafka kafka;
    private final Duration unreachableFor;
    private final Consumer<SinkUnavailableException> onUnreachable;
    private final AtomicBoolean reported = new AtomicBoolean();
    private final Admin admin;
    private ScheduledExecutorService scheduler;
    private long unreachableSince = -1;

    public KafkaWatch(PipelineConfig.Kafka kafka, String pipelineName, Duration unreachableFor,
                      Consumer<SinkUnavailableException> onUnreachable) {
        this.kafka = kafka;
        this.unreachableFor = unreachableFor;
        this.onUnreachable = onUnreachable;
        Map<String, Object> props = KafkaClientSettings.common(kafka, "strangler-watch-" + pipelineName);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
        this.admin = Admin.create(props);
    }

    /** Looks every {@code interval} on a daemon thread until {@link #close()}. */
    public synchronized KafkaWatch start(Duration interval, String pipelineName) {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "strangler-kafka-watch-" + pipelineName);
                t.setDaemon(true);
                return t;
            });
            scheduler.scheduleWithFixedDelay(this::poll, interval.toMillis(), interval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private void poll() {
        boolean answers;
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000)).clusterId()
                    .get(6, TimeUnit.SECONDS);
            answers = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            answers = false;
        }
        long now = System.nanoTime();
        if (answers) {
            unreachableSince = -1;
            return;
        }
        if (unreachableSince < 0) {
            unreachableSince = now;
        }
        if (now - unreachableSince >= unreachableFor.toNanos() && reported.compareAndSet(false, true)) {
            SinkUnavailableException down = new SinkUnavailableException("no Kafka broker at "
                    + kafka.bootstrapServers() + " has answered for " + unreachableFor.toSeconds() + " s",
                    new org.apache.kafka.common.errors.TimeoutException("Kafka unreachable"));
            LOG.warn("{}: ending this attempt to wait for Kafka", down.getMessage());
            onUnreachable.accept(down);
        }
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
        admin.close(Duration.ofSeconds(2));
    }
}
