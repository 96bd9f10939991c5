package dev.strangler.engine.kafka;

import dev.strangler.engine.SinkUnavailableException;
import dev.strangler.engine.config.PipelineConfig;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Checks that the Kafka cluster answers before the pipeline creates anything in PostgreSQL. */
public final class KafkaPreflight {

    private KafkaPreflight() {
    }

    public static void check(PipelineConfig.Kafka kafka, String pipelineName, Duration timeout) {
        Map<String, Object> props = KafkaClientSettings.common(kafka, "strangler-preflight-" + pipelineName);
        int millis = (int) timeout.toMillis();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        try (Admin admin = Admin.create(props)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis)).clusterId()
                    .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new SinkUnavailableException("cannot reach Kafka at " + kafka.bootstrapServers() + " within "
                    + timeout.toSeconds() + "s: check kafka.bootstrap.servers, that the brokers are up, and the "
                    + "kafka.client.* security settings", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkUnavailableException("interrupted while checking Kafka at " + kafka.bootstrapServers(), e);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new SinkUnavailableException("cannot create a Kafka client for " + kafka.bootstrapServers() + ": "
                    + e.getMessage(), e);
        }
    }
}
