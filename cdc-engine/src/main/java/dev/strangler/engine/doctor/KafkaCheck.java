package dev.strangler.engine.doctor;

import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.kafka.KafkaClientSettings;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * Opens an admin client with the pipeline's own Kafka settings (bootstrap servers and every kafka.client.* setting:
 * TLS, SASL) and asks for the cluster: the check that the credentials, the trust store and the listener fit together
 * before the pipeline needs them. A failure names which of them to fix, from Kafka's exception types.
 */
final class KafkaCheck {

    static final String NAME = "kafka";
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private KafkaCheck() {
    }

    static Check run(PipelineConfig config) {
        PipelineConfig.Kafka kafka = config.kafka();
        String protocol = kafka.clientOverrides().getOrDefault("security.protocol", "PLAINTEXT");
        Map<String, Object> props = KafkaClientSettings.common(kafka, "strangler-doctor-" + config.pipelineName());
        int millis = (int) TIMEOUT.toMillis();
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        try (Admin admin = Admin.create(props)) {
            DescribeClusterResult cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(millis));
            String id = cluster.clusterId().get(millis + 1000L, TimeUnit.MILLISECONDS);
            Collection<Node> nodes = cluster.nodes().get(millis + 1000L, TimeUnit.MILLISECONDS);
            return Check.pass(NAME, "reached cluster " + id + " at " + kafka.bootstrapServers() + " (" + nodes.size()
                    + (nodes.size() == 1 ? " broker" : " brokers") + ") over " + protocol);
        } catch (ExecutionException e) {
            return failed(kafka, protocol, e.getCause() == null ? e : e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            return failed(kafka, protocol, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Check.warn(NAME, "interrupted while asking Kafka at " + kafka.bootstrapServers(), "");
        } catch (KafkaException | IllegalArgumentException e) {
            return Check.fail(NAME, "cannot create a Kafka client for " + kafka.bootstrapServers() + ": "
                    + firstLine(e), "check the kafka.client.* settings (trust store path and type, SASL mechanism "
                    + "and JAAS config)");
        }
    }

    private static Check failed(PipelineConfig.Kafka kafka, String protocol, Throwable cause) {
        String where = "Kafka at " + kafka.bootstrapServers();
        if (cause instanceof SaslAuthenticationException) {
            return Check.fail(NAME, where + " refused the SASL credentials (" + firstLine(cause) + ")",
                    "check the username and password in kafka.client.sasl.jaas.config and that "
                            + "kafka.client.sasl.mechanism is one the broker's listener enables");
        }
        if (cause instanceof SslAuthenticationException) {
            return Check.fail(NAME, "the TLS handshake with " + where + " failed (" + firstLine(cause) + ")",
                    "set kafka.client.ssl.truststore.location (and ssl.truststore.type PEM or PKCS12) to the CA that "
                            + "signed the brokers' certificates; each certificate must name its host as "
                            + "kafka.bootstrap.servers and the brokers advertise it");
        }
        if (cause instanceof AuthorizationException) {
            return Check.fail(NAME, where + " refused: " + firstLine(cause), "grant the pipeline's principal "
                    + "DESCRIBE on the cluster (and what README 'Delivery guarantees' lists for its topics)");
        }
        return Check.fail(NAME, "no answer from " + where + " within " + TIMEOUT.toSeconds() + "s over " + protocol
                + " (" + firstLine(cause) + ")", "check kafka.bootstrap.servers, that the brokers are up and "
                + "reachable from here, and that kafka.client.security.protocol is the listener's (a TLS client on "
                + "a PLAINTEXT port, or the other way round, only times out)");
    }

    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
