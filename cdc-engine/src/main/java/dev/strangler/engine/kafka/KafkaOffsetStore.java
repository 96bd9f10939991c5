package dev.strangler.engine.kafka;

import io.debezium.embedded.KafkaConnectUtil;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.KafkaOffsetBackingStore;
import org.apache.kafka.connect.util.SharedTopicAdmin;

/**
 * Kafka Connect's compacted-topic offset store, owning the admin client it uses. Debezium's built-in wiring of
 * {@link KafkaOffsetBackingStore} hands it a shared admin client that nobody closes, so every stopped pipeline leaves a
 * thread behind that keeps reconnecting (and logging) until the JVM exits. This store creates its admin client when
 * configured and closes it when stopped.
 */
public final class KafkaOffsetStore extends KafkaOffsetBackingStore {

    private final AtomicReference<SharedTopicAdmin> admin;

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
        admin.set(new SharedTopicAdmin(adminProps));
        super.configure(config);
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
