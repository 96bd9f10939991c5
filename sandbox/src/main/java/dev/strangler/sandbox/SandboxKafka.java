package dev.strangler.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka 4.3 cluster (KRaft, combined broker and controller roles),
 * running inside this JVM from Kafka's own server classes, on random loopback ports.
 *
 * <p>Why it exists: integration tests and {@code strangler demo} need a broker that behaves like
 * production (real network protocol, real log segments, compaction, restarts) without Docker or
 * a separately installed Kafka. The storage is formatted with Kafka's own
 * {@link Formatter} (what {@code kafka-storage.sh format} does) into a fresh temporary directory
 * that {@link #close()} deletes.
 *
 * <p>Defaults suit one broker: replication factor 1 for every internal topic, no automatic topic
 * creation (the pipeline provisions its topics itself), one partition by default, no initial
 * rebalance delay, the log cleaner on (as always in Kafka 4; compacted topics work) with a small
 * dedupe buffer, small segments and few threads. Settings passed to {@link #start(Map)} override
 * them.
 *
 * <p>{@link #stop()} shuts the broker down for real (its port refuses connections afterwards);
 * {@link #restart()} brings it back on the same ports and log directory, with its topics and
 * data, for "broker stopped" fault tests. A JVM shutdown hook stops the broker and deletes the
 * temporary directory if {@link #close()} was never called; {@link Sandbox} replaces it with its
 * own ordered hook. All lifecycle methods are thread-safe and {@code close()} is idempotent.
 *
 * <p>With {@link SaslSsl} it also opens a SASL_SSL listener, the shape of a production cluster: TLS with a
 * certificate from a {@link SandboxTls} CA (clients verify it and the host name) and SCRAM-SHA-512 logins, the
 * credential created through the PLAINTEXT listener once the broker is up. The PLAINTEXT listener stays for the
 * broker's own use and for test tooling; the broker config holds no client password (SCRAM stores a salted hash).
 */
public final class SandboxKafka implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxKafka.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private static final String SASL_SSL_LISTENER = "SASL_SSL";

    /**
     * An optional SASL_SSL listener: TLS with {@code tls}'s broker certificate, and one SCRAM-SHA-512 login.
     *
     * @param user     the login's user name
     * @param password the login's password (never logged, never in {@link #toString()})
     */
    public record SaslSsl(SandboxTls tls, String user, String password) {

        public static final String MECHANISM = "SCRAM-SHA-512";

        /** What a Kafka client sets to log in over this listener; the trust store is the CA's PEM file. */
        public Map<String, String> clientSettings() {
            Map<String, String> s = new LinkedHashMap<>();
            s.put("security.protocol", "SASL_SSL");
            s.put("sasl.mechanism", MECHANISM);
            s.put("sasl.jaas.config", jaasConfig(user, password));
            s.put("ssl.truststore.type", "PEM");
            s.put("ssl.truststore.location", tls.caCertificate().toString());
            return s;
        }

        /** The client JAAS line of a SCRAM login. */
        public static String jaasConfig(String user, String password) {
            return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                    + user.replace("\"", "\\\"") + "\" password=\"" + password.replace("\"", "\\\"") + "\";";
        }

        @Override
        public String toString() {
            return "SaslSsl[user=" + user + ", " + tls + "]";
        }
    }

    private final int brokerPort;
    private final int controllerPort;
    private final int saslSslPort;
    private final Path logDirectory;
    private final String clusterId = Uuid.randomUuid().toString();
    private final SaslSsl saslSsl;
    private final Map<String, String> brokerSettings;
    private Thread shutdownHook;

    private KafkaRaftServer server;
    private boolean closed;

    private SandboxKafka(int[] ports, Path logDirectory, Map<String, String> extraSettings, SaslSsl saslSsl) {
        this.brokerPort = ports[0];
        this.controllerPort = ports[1];
        this.saslSslPort = saslSsl == null ? -1 : ports[2];
        this.logDirectory = logDirectory;
        this.saslSsl = saslSsl;
        this.brokerSettings = settings(extraSettings);
        this.shutdownHook = Internals.addShutdownHook("sandbox-kafka-shutdown", this::close);
    }

    /** Formats fresh storage and starts a broker; returns once it serves clients. */
    public static SandboxKafka start() {
        return start(Map.of());
    }

    /** Like {@link #start()}; {@code extraBrokerSettings} override the defaults. */
    public static SandboxKafka start(Map<String, String> extraBrokerSettings) {
        return start(extraBrokerSettings, null);
    }

    /** Like {@link #start(Map)}, with a SASL_SSL listener too when {@code saslSsl} is not null. */
    public static SandboxKafka start(Map<String, String> extraBrokerSettings, SaslSsl saslSsl) {
        int[] ports = Internals.freeLoopbackPorts(saslSsl == null ? 2 : 3);
        SandboxKafka kafka = new SandboxKafka(ports, Internals.createTempDirectory("strangler-kafka-"),
                extraBrokerSettings, saslSsl);
        try {
            kafka.restart();
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    /** {@code 127.0.0.1:port} of the PLAINTEXT listener. */
    public String bootstrapServers() {
        return Internals.LOOPBACK + ":" + brokerPort;
    }

    /**
     * {@code 127.0.0.1:port} of the SASL_SSL listener (its certificate names 127.0.0.1 and localhost).
     *
     * @throws IllegalStateException when started without {@link SaslSsl}
     */
    public String saslSslBootstrapServers() {
        if (saslSsl == null) {
            throw new IllegalStateException("this broker has no SASL_SSL listener; start it with SaslSsl");
        }
        return Internals.LOOPBACK + ":" + saslSslPort;
    }

    /** The broker's log directory (also the KRaft metadata directory); deleted by {@link #close()}. */
    public Path logDirectory() {
        return logDirectory;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Shuts the broker and controller down and waits until they are gone. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer stopping = server;
        server = null;
        long started = System.nanoTime();
        stopping.shutdown();
        stopping.awaitShutdown();
        LOG.info("Kafka on {} stopped in {} ms", bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
    }

    /**
     * Stops the broker if it runs, then starts it again on the same ports and log directory;
     * returns once it serves clients. Also the way back after {@link #stop()}.
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("SandboxKafka is closed");
        }
        stop();
        long started = System.nanoTime();
        Properties properties = new Properties();
        properties.putAll(brokerSettings);
        KafkaConfig config = KafkaConfig.fromProps(properties, false);
        if (!Files.exists(logDirectory.resolve("meta.properties"))) {
            format(config);
        }
        KafkaRaftServer starting = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            starting.startup();
            awaitReady();
            if (saslSsl != null) {
                enableSaslSslLogin();
            }
        } catch (RuntimeException e) {
            starting.shutdown();
            starting.awaitShutdown();
            throw e;
        }
        server = starting;
        LOG.info("Kafka listening on {} (started in {} ms)", bootstrapServers(), (System.nanoTime() - started) / 1_000_000);
    }

    /** Stops the broker and deletes its log directory. Idempotent; safe from a shutdown hook. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.warn("Could not stop Kafka on {} cleanly", bootstrapServers(), e);
        }
        try {
            Internals.deleteRecursively(logDirectory);
        } catch (IOException e) {
            LOG.warn("Could not delete {}", logDirectory, e);
        }
        removeShutdownHook();
    }

    /** Drops the safety-net hook, for an owner ({@link Sandbox}) that closes this in its own hook. */
    synchronized void removeShutdownHook() {
        Internals.removeShutdownHook(shutdownHook);
        shutdownHook = null;
    }

    @Override
    public String toString() {
        return "SandboxKafka[" + bootstrapServers() + "]";
    }

    private Map<String, String> settings(Map<String, String> extra) {
        String broker = "PLAINTEXT://" + Internals.LOOPBACK + ":" + brokerPort;
        String controller = CONTROLLER_LISTENER + "://" + Internals.LOOPBACK + ":" + controllerPort;
        Map<String, String> s = new LinkedHashMap<>();
        s.put("process.roles", "broker,controller");
        s.put("node.id", String.valueOf(NODE_ID));
        // Static single-voter quorum (kraft.version 0): no dynamic-quorum bootstrapping needed.
        s.put("controller.quorum.voters", NODE_ID + "@" + Internals.LOOPBACK + ":" + controllerPort);
        s.put("listeners", broker + "," + controller);
        s.put("advertised.listeners", broker);
        s.put("controller.listener.names", CONTROLLER_LISTENER);
        s.put("inter.broker.listener.name", "PLAINTEXT");
        s.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        if (saslSsl != null) {
            String secured = SASL_SSL_LISTENER + "://" + Internals.LOOPBACK + ":" + saslSslPort;
            s.put("listeners", broker + "," + secured + "," + controller);
            s.put("advertised.listeners", broker + "," + secured);
            s.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + SASL_SSL_LISTENER + ":SASL_SSL,"
                    + CONTROLLER_LISTENER + ":PLAINTEXT");
            String prefix = "listener.name." + SASL_SSL_LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
            s.put("sasl.enabled.mechanisms", SaslSsl.MECHANISM);
            s.put(prefix + "sasl.enabled.mechanisms", SaslSsl.MECHANISM);
            s.put(prefix + SaslSsl.MECHANISM.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            s.put(prefix + "ssl.keystore.type", "PKCS12");
            s.put(prefix + "ssl.keystore.location", saslSsl.tls().brokerKeyStore().toString());
            s.put(prefix + "ssl.keystore.password", saslSsl.tls().keyStorePassword());
            s.put(prefix + "ssl.key.password", saslSsl.tls().keyStorePassword());
        }
        s.put("log.dirs", logDirectory.toString());
        // One broker: every internal topic has one replica, and few partitions start faster.
        s.put("offsets.topic.replication.factor", "1");
        s.put("offsets.topic.num.partitions", "1");
        s.put("transaction.state.log.replication.factor", "1");
        s.put("transaction.state.log.min.isr", "1");
        s.put("transaction.state.log.num.partitions", "1");
        s.put("share.coordinator.state.topic.replication.factor", "1");
        s.put("share.coordinator.state.topic.min.isr", "1");
        s.put("share.coordinator.state.topic.num.partitions", "1");
        s.put("default.replication.factor", "1");
        s.put("min.insync.replicas", "1");
        s.put("num.partitions", "1");
        s.put("auto.create.topics.enable", "false");
        s.put("group.initial.rebalance.delay.ms", "0");
        // The cleaner is always on in Kafka 4; keep its dedupe buffer (default 128 MiB of heap) small.
        s.put("log.cleaner.threads", "1");
        s.put("log.cleaner.dedupe.buffer.size", String.valueOf(4 * 1024 * 1024));
        s.put("log.cleaner.backoff.ms", "1000");
        s.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        s.put("log.index.size.max.bytes", String.valueOf(1024 * 1024));
        s.put("num.network.threads", "2");
        s.put("num.io.threads", "2");
        s.put("background.threads", "2");
        s.put("num.recovery.threads.per.data.dir", "1");
        s.put("num.replica.fetchers", "1");
        s.put("group.coordinator.threads", "1");
        s.put("share.coordinator.threads", "1");
        s.putAll(extra);
        return Map.copyOf(s);
    }

    /** What {@code kafka-storage.sh format --cluster-id ... --config ...} does, minus the CLI. */
    private void format(KafkaConfig config) {
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(clusterId)
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setMetadataLogDirectory(config.metadataLogDir())
                .setHasDynamicQuorum(false) // controller.quorum.voters is set
                .setUnstableFeatureVersionsEnabled(false);
        formatter.addDirectory(logDirectory.toString());
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format Kafka storage in " + logDirectory, e);
        }
    }

    /** Waits until the broker is registered, unfenced and answering metadata requests. */
    private void awaitReady() {
        Map<String, Object> adminConfig = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (Admin admin = Admin.create(adminConfig)) {
            Exception last = null;
            while (System.nanoTime() < deadline) {
                try {
                    Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5_000))
                            .nodes().get(6, TimeUnit.SECONDS);
                    if (nodes.stream().anyMatch(node -> node.id() == NODE_ID)) {
                        return;
                    }
                } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for Kafka", e);
                }
                sleep(50);
            }
            throw new IllegalStateException("Kafka on " + bootstrapServers() + " not ready after " + READY_TIMEOUT, last);
        }
    }

    /**
     * Creates (or resets) the SCRAM login through the PLAINTEXT listener, then waits until a client logs in over
     * SASL_SSL: the credential reaches the broker through the metadata log, a moment after the controller took it.
     */
    private void enableSaslSslLogin() {
        Map<String, Object> plain = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        try (Admin admin = Admin.create(plain)) {
            admin.alterUserScramCredentials(java.util.List.of(new org.apache.kafka.clients.admin
                    .UserScramCredentialUpsertion(saslSsl.user(), new org.apache.kafka.clients.admin
                    .ScramCredentialInfo(org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512, 4096),
                    saslSsl.password()))).all().get(60, TimeUnit.SECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Could not create the SASL_SSL login on " + bootstrapServers(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the SASL_SSL login", e);
        }
        Map<String, Object> secured = new LinkedHashMap<>(saslSsl.clientSettings());
        secured.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, saslSslBootstrapServers());
        secured.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        secured.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try (Admin admin = Admin.create(secured)) {
                admin.describeCluster(new DescribeClusterOptions().timeoutMs(10_000)).clusterId()
                        .get(11, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the SASL_SSL listener", e);
            }
            sleep(200);
        }
        throw new IllegalStateException("SASL_SSL listener on " + saslSslBootstrapServers() + " not ready after "
                + READY_TIMEOUT, last);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Kafka", e);
        }
    }
}
