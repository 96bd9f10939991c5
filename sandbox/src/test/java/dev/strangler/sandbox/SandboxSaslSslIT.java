package dev.strangler.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker's optional SASL_SSL listener, with a CA and certificate made by keytool in this test: what a client needs
 * to reach it (the CA, as PEM or PKCS12, and the login) and what it refuses.
 */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SandboxSaslSslIT {

    private static final String USER = "strangler";
    private static final String PASSWORD = "sandbox-scram-pw";

    private static Path dir;
    private static SandboxKafka kafka;
    private static SandboxKafka.SaslSsl saslSsl;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("strangler-sandbox-tls-");
        saslSsl = new SandboxKafka.SaslSsl(SandboxTls.generate(dir), USER, PASSWORD);
        kafka = SandboxKafka.start(Map.of(), saslSsl);
    }

    @AfterAll
    static void stop() throws Exception {
        if (kafka != null) {
            kafka.close();
        }
        Internals.deleteRecursively(dir);
    }

    private static Map<String, Object> client(Map<String, String> settings) {
        Map<String, Object> m = new HashMap<>(settings);
        m.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.saslSslBootstrapServers());
        m.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
        m.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        return m;
    }

    private static String clusterId(Map<String, String> settings) throws Exception {
        try (Admin admin = Admin.create(client(settings))) {
            return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void a_client_that_trusts_the_ca_and_logs_in_produces_and_consumes() throws Exception {
        String topic = "tls.round-trip";
        try (Admin admin = Admin.create(client(saslSsl.clientSettings()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(client(saslSsl.clientSettings()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "over TLS")).get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> consumerSettings = client(saslSsl.clientSettings());
        consumerSettings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerSettings, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition(topic, 0)));
            List<ConsumerRecord<String, String>> read = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(read::add);
            }
            assertThat(read).extracting(ConsumerRecord::value).containsExactly("over TLS");
        }
    }

    @Test
    void the_ca_works_as_a_pkcs12_trust_store_too() throws Exception {
        Map<String, String> pkcs12 = new HashMap<>(saslSsl.clientSettings());
        pkcs12.put("ssl.truststore.type", "PKCS12");
        pkcs12.put("ssl.truststore.location", saslSsl.tls().trustStore().toString());
        pkcs12.put("ssl.truststore.password", saslSsl.tls().trustStorePassword());
        assertThat(clusterId(pkcs12)).isNotBlank();
    }

    @Test
    void a_wrong_password_is_refused_as_an_authentication_failure() {
        Map<String, String> wrong = new HashMap<>(saslSsl.clientSettings());
        wrong.put("sasl.jaas.config", SandboxKafka.SaslSsl.jaasConfig(USER, "not-the-password"));
        assertThatThrownBy(() -> clusterId(wrong)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SaslAuthenticationException.class);
    }

    @Test
    void a_client_that_does_not_trust_the_ca_fails_the_handshake() {
        Map<String, String> untrusting = new HashMap<>(saslSsl.clientSettings());
        untrusting.remove("ssl.truststore.type");
        untrusting.remove("ssl.truststore.location"); // the JVM's default CAs: not ours
        assertThatThrownBy(() -> clusterId(untrusting)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(SslAuthenticationException.class);
    }

    @Test
    void the_plaintext_listener_stays_for_tooling() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS)).isNotBlank();
        }
        assertThat(saslSsl.toString()).doesNotContain(PASSWORD);
    }
}
