package dev.strangler.engine.doctor;

import dev.strangler.contract.ServerCapabilities;
import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.source.SourceConnections;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the running pipeline's slot for invalidation. PostgreSQL invalidates a slot at a checkpoint, possibly while
 * the pipeline is connected (it then terminates the walsender); what the connector sees next is a generic read
 * error, retried. Polling wal_status on a separate plain connection turns that into one clear error
 * ({@link LostSlot#message}) within one interval, so the pipeline stops instead of retrying or resuming past a gap.
 */
public final class SlotWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SlotWatch.class);

    private final PipelineConfig.Source source;
    private final String pipelineName;
    private final Consumer<SourceNotReadyException> onLost;
    private final AtomicBoolean reported = new AtomicBoolean();
    private ScheduledExecutorService scheduler;
    private Connection connection;
    private ServerCapabilities server;

    public SlotWatch(PipelineConfig.Source source, String pipelineName, Consumer<SourceNotReadyException> onLost) {
        this.source = source;
        this.pipelineName = pipelineName;
        this.onLost = onLost;
    }

    /** Polls every {@code interval} on a daemon thread until {@link #close()}. */
    public synchronized SlotWatch start(Duration interval) {
        if (scheduler == null) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "strangler-slot-watch-" + pipelineName);
                t.setDaemon(true);
                return t;
            });
            scheduler.scheduleWithFixedDelay(this::poll, interval.toMillis(), interval.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** One look at the slot; the error to stop with when it is lost. A failed query is no finding (retried). */
    public synchronized Optional<SourceNotReadyException> check() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = SourceConnections.open(source, "strangler-slot-watch-" + pipelineName);
                server = ServerCapabilities.probe(connection);
            }
            return SlotInspector.find(connection, server, source.slot(), null).filter(SlotState::lost)
                    .map(s -> new SourceNotReadyException(LostSlot.message(s.name())));
        } catch (SQLException | RuntimeException e) {
            LOG.debug("slot watch of '{}' could not query PostgreSQL: {}", source.slot(), e.getMessage());
            closeConnection();
            return Optional.empty();
        }
    }

    private void poll() {
        check().ifPresent(lost -> {
            if (reported.compareAndSet(false, true)) {
                LOG.error(lost.getMessage());
                onLost.accept(lost);
            }
        });
    }

    @Override
    public synchronized void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
            scheduler = null;
        }
        closeConnection();
    }

    private synchronized void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("closing the slot watch connection failed: {}", e.getMessage());
            }
            connection = null;
        }
    }
}
