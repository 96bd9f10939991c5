package dev.strangler.engine.resume;

import dev.strangler.engine.SinkUnavailableException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.kafka.KafkaOffsetStore;
import io.debezium.embedded.EmbeddedWorkerConfig;
import io.debezium.embedded.KafkaConnectUtil;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.OffsetBackingStore;
import org.apache.kafka.connect.storage.OffsetStorageReaderImpl;
import org.apache.kafka.connect.storage.OffsetStorageWriter;

/**
 * This pipeline's stored position, read and written through the same offset store, namespace (the engine's name),
 * partition ({@code server} = topic prefix) and converters Debezium's embedded engine uses, so what it writes is what
 * the engine reads back.
 */
public final class OffsetStoreAccess implements AutoCloseable {

    private final OffsetBackingStore store;
    private final String namespace;
    private final Map<String, Object> partition;
    private final Converter keyConverter = converter(true);
    private final Converter valueConverter = converter(false);
    private final String description;

    private OffsetStoreAccess(OffsetBackingStore store, String namespace, Map<String, Object> partition,
                              String description) {
        this.store = store;
        this.namespace = namespace;
        this.partition = partition;
        this.description = description;
    }

    /**
     * Opens the store.
     *
     * @param storeSettings the engine's offset store settings ({@code offset.storage.*}, Kafka client settings)
     */
    public static OffsetStoreAccess open(PipelineConfig config, Properties storeSettings) {
        PipelineConfig.Offsets offsets = config.offsets();
        boolean kafka = offsets.storage() == PipelineConfig.OffsetStorage.KAFKA;
        OffsetBackingStore store = kafka ? new KafkaOffsetStore() : KafkaConnectUtil.fileOffsetBackingStore();
        Map<String, String> workerSettings = new HashMap<>();
        storeSettings.stringPropertyNames().forEach(k -> workerSettings.put(k, storeSettings.getProperty(k)));
        // the start-up's own writes (a recovery's position, a start-over's clear) must reach the topic: they are not
        // part of any batch's transaction
        workerSettings.remove(KafkaOffsetStore.TRANSACTIONAL);
        String description = kafka ? "offsets topic '" + offsets.topic() + "'"
                : "offsets file '" + offsets.file().toAbsolutePath() + "'";
        try {
            store.configure(new EmbeddedWorkerConfig(workerSettings));
            store.start();
        } catch (RuntimeException e) {
            try {
                store.stop();
            } catch (RuntimeException ignored) {
                // the start already failed; its error is the one to report
            }
            throw new SinkUnavailableException("could not read the stored position from " + description + ": "
                    + e.getMessage(), e);
        }
        return new OffsetStoreAccess(store, config.pipelineName(), Map.of("server", config.kafka().topicPrefix()),
                description);
    }

    public String description() {
        return description;
    }

    public Optional<StoredOffset> read() {
        try (OffsetStorageReaderImpl reader = new OffsetStorageReaderImpl(store, namespace, keyConverter,
                valueConverter)) {
            Map<String, Object> offset = reader.offset(partition);
            return offset == null ? Optional.empty() : Optional.of(new StoredOffset(offset));
        }
    }

    /** Stores {@code offset} as this pipeline's position; null clears it. Returns once the store has it durably. */
    public void write(Map<String, Object> offset) {
        OffsetStorageWriter writer = new OffsetStorageWriter(store, namespace, keyConverter, valueConverter);
        writer.offset(partition, offset);
        try {
            if (!writer.beginFlush(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("nothing to write");
            }
            writer.doFlush((error, ignored) -> { }).get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkUnavailableException("interrupted while writing the position to " + description, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new SinkUnavailableException("could not write the position to " + description + ": "
                    + (e.getCause() == null ? e.getMessage() : e.getCause().getMessage()), e);
        }
    }

    @Override
    public void close() {
        store.stop();
    }

    private static Converter converter(boolean isKey) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", "false"), isKey);
        return c;
    }
}
