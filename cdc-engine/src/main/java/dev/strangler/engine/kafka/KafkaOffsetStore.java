package dev.strangler.engine.kafka;

import io.debezium.embedded.KafkaConnectUtil;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.KafkaOffsetBackingStore;
import org.apache.kafka.connect.util.Callback;
import org.apache.kafka.connect.util.SharedTopicAdmin;

/**
 * Kafka Connect's compacted-topic offset store, with three changes:
 * <ul>
 *   <li>it owns the admin client it uses (Debezium's built-in wiring hands it a shared admin client that nobody
 *   closes, so every stopped pipeline leaves a thread behind that keeps reconnecting and logging until the JVM
 *   exits);</li>
 *   <li>it creates the offsets topic with the pipeline's topic settings (min.insync.replicas);</li>
 *   <li>with exactly-once delivery ({@value #TRANSACTIONAL}), the engine's own offset flushes write nothing: the
 *   {@link KafkaBatchPublisher} has already written each batch's position in the batch's Kafka transaction, before
 *   the engine learns the batch was processed. What the engine would write is exactly that position again.</li>
 * </ul>
 * Positions are read with isolation.level=read_committed (set by the engine's offset settings), so a position of an
 * aborted or still open transaction is never resumed from.
 */
public final class KafkaOffsetStore extends KafkaOffsetBackingStore {

    /** Worker setting: true when positions are written by the publisher's transactions. */
    public static final String TRANSACTIONAL = "strangler.offsets.transactional";
    /** Worker setting: the offsets topic's min.insync.replicas, when one is configured. */
    public static final String MIN_INSYNC_REPLICAS = "strangler.offsets.min.insync.replicas";

    private final AtomicReference<SharedTopicAdmin> admin;
    private volatile boolean transactional;
    private volatile String minInsyncReplicas;

    public KafkaOffsetStore() {
        this(new AtomicReference<>());
    }

    private KafkaOffsetStore(AtomicReference<SharedTopicAdmin> admin) {
        super(() -> admin.get().topicAdmin(), () -> "strangler-offsets", KafkaConnectUtil.converterForOffsetStore());
        this.admin = admin;
    }

    @Override
    public void configure(WorkerConfig config) {
        Set<String> adminKeys = AdminClientConfig.configNames();
        Map<String, Object> adminProps = new HashMap<>();
        config.originals().forEach((k, v) -> {
            if (adminKeys.contains(k) || k.startsWith("ssl.") || k.startsWith("sasl.")) {
                adminProps.put(k, v);
            }
        });
        adminProps.put(AdminClientConfig.CLIENT_ID_CONFIG, "strangler-offsets-admin");
        transactional = "true".equals(String.valueOf(config.originals().get(TRANSACTIONAL)));
        Object minIsr = config.originals().get(MIN_INSYNC_REPLICAS);
        minInsyncReplicas = minIsr == null ? null : minIsr.toString();
        admin.set(new SharedTopicAdmin(adminProps));
        super.configure(config);
    }

    @Override
    protected NewTopic newTopicDescription(String topic, WorkerConfig config) {
        NewTopic description = super.newTopicDescription(topic, config);
        if (minInsyncReplicas != null) {
            Map<String, String> configs = description.configs() == null ? new HashMap<>()
                    : new HashMap<>(description.configs());
            configs.put("min.insync.replicas", minInsyncReplicas);
            description.configs(configs);
        }
        return description;
    }

    @Override
    public Future<Void> set(Map<ByteBuffer, ByteBuffer> values, Callback<Void> callback) {
        if (!transactional) {
            return super.set(values, callback);
        }
        if (callback != null) {
            callback.onCompletion(null, null);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public void stop() {
        try {
            super.stop();
        } finally {
            SharedTopicAdmin current = admin.getAndSet(null);
            if (current != null) {
                current.close(Duration.ofSeconds(5));
            }
        }
    }
}
