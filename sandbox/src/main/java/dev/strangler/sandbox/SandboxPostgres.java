package dev.strangler.sandbox;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server (the zonky embedded binaries, PostgreSQL 17 unless
 * {@value PostgresBinaries#VERSION_PROPERTY} picks another, see {@link PostgresBinaries}) running as a child
 * process on a random loopback port, configured for logical decoding so that Debezium can stream
 * from it.
 *
 * <p>Why it exists: integration tests and {@code strangler demo} need a database that behaves like
 * production (WAL, replication slots, pgoutput, restarts), without Docker. Everything lives in a
 * fresh temporary directory that {@link #close()} deletes: the data directory and
 * {@link #logFile() postgres.log}, where the server's own output goes so it never floods stdout.
 *
 * <p>Defaults: {@code wal_level=logical}, {@code max_replication_slots=20},
 * {@code max_wal_senders=20}, {@code max_connections=100}, {@code password_encryption=scram-sha-256}, listening on
 * {@code 127.0.0.1} only.
 * Settings passed to {@link #start(Map)} override them, e.g. {@code Map.of("wal_level", "replica")}
 * for a negative test against a server that cannot do logical decoding.
 *
 * <p>Authentication is {@code trust} (zonky runs {@code initdb -A trust}), so the
 * {@link #superuserPassword() password} is accepted but never checked.
 *
 * <p>{@link #stop()} and {@link #restart()} stop and start the real server process on the same
 * port and data directory, for "database restarted" fault tests. Because the postmaster is a
 * separate OS process that would outlive the JVM, every instance also registers a JVM shutdown
 * hook that closes it if {@link #close()} was never called (e.g. on Ctrl-C); {@link Sandbox}
 * replaces it with its own ordered hook. All lifecycle methods are thread-safe and {@code close()}
 * is idempotent.
 */
public final class SandboxPostgres implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SandboxPostgres.class);
    private static final String SUPERUSER = "postgres";
    /** Never checked (trust authentication); non-empty because some tools insist on a password. */
    private static final String SUPERUSER_PASSWORD = "postgres";
    private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

    private final int port;
    private final Path rootDirectory;
    private final Path dataDirectory;
    private final Path logFile;
    private final Map<String, String> serverSettings;
    /** Null: the binaries on the classpath. */
    private final PgBinaryResolver binaries;
    private Thread shutdownHook;

    private EmbeddedPostgres server;
    private boolean closed;

    private SandboxPostgres(int port, Path rootDirectory, Map<String, String> serverSettings,
            PgBinaryResolver binaries) {
        this.port = port;
        this.binaries = binaries;
        this.rootDirectory = rootDirectory;
        this.dataDirectory = rootDirectory.resolve("data");
        this.logFile = rootDirectory.resolve("postgres.log");
        this.serverSettings = serverSettings;
        this.shutdownHook = Internals.addShutdownHook("sandbox-postgres-shutdown", this::close);
    }

    /** Starts a fresh server with the default (logical decoding) settings. */
    public static SandboxPostgres start() {
        return start(Map.of());
    }

    /**
     * Starts a fresh server; {@code extraServerSettings} ({@code postgresql.conf} names and values)
     * override the defaults.
     */
    public static SandboxPostgres start(Map<String, String> extraServerSettings) {
        return start(PostgresBinaries.requested().orElse(null), extraServerSettings);
    }

    /**
     * Starts a fresh server of that PostgreSQL version: a major ({@code "12"}) or an exact zonky binaries version
     * ({@code "12.22.0"}), found as {@link PostgresBinaries} describes; null for the default (the classpath's, or
     * {@value PostgresBinaries#VERSION_PROPERTY}'s).
     *
     * @throws IllegalStateException no binaries of that version are found (the message says how to get them)
     */
    public static SandboxPostgres start(String pgVersion, Map<String, String> extraServerSettings) {
        PgBinaryResolver binaries = PostgresBinaries.resolver(pgVersion);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("listen_addresses", Internals.LOOPBACK);
        settings.put("wal_level", "logical");
        settings.put("max_replication_slots", "20");
        settings.put("max_wal_senders", "20");
        settings.put("max_connections", "100");
        // the default from PostgreSQL 14; before, md5, and requirePasswords()' scram-sha-256 lines refused every role
        settings.put("password_encryption", "scram-sha-256");
        settings.putAll(extraServerSettings);
        int port = Internals.freeLoopbackPorts(1)[0];
        SandboxPostgres postgres = new SandboxPostgres(port, Internals.createTempDirectory("strangler-pg-"),
                Map.copyOf(settings), binaries);
        try {
            postgres.restart();
        } catch (RuntimeException e) {
            postgres.close();
            throw e;
        }
        return postgres;
    }

    /**
     * A server like this one (same binaries and settings, plus {@code extraServerSettings}) on a new port, whose data
     * directory {@code fill} writes before the first start, so that no initdb runs: how {@link SandboxStandby} starts
     * a standby from a base backup.
     */
    SandboxPostgres sibling(Map<String, String> extraServerSettings, java.util.function.Consumer<Path> fill) {
        Map<String, String> settings = new LinkedHashMap<>(serverSettings);
        settings.putAll(extraServerSettings);
        int siblingPort = Internals.freeLoopbackPorts(1)[0];
        SandboxPostgres sibling = new SandboxPostgres(siblingPort, Internals.createTempDirectory("strangler-pg-"),
                Map.copyOf(settings), binaries);
        try {
            fill.accept(sibling.dataDirectory);
            sibling.restart();
        } catch (RuntimeException e) {
            LOG.error("PostgreSQL on port {} did not start; its log (deleted now):\n{}", siblingPort, sibling.logTail());
            sibling.close();
            throw e;
        }
        return sibling;
    }

    private String logTail() {
        try {
            java.util.List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    public String host() {
        return Internals.LOOPBACK;
    }

    public int port() {
        return port;
    }

    /** JDBC URL of the {@code postgres} database; credentials are not part of the URL. */
    public String jdbcUrl() {
        return jdbcUrl("postgres");
    }

    /** JDBC URL of the given database; credentials are not part of the URL. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    public String superuser() {
        return SUPERUSER;
    }

    /** The password to pass along; the server uses trust authentication and ignores it. */
    public String superuserPassword() {
        return SUPERUSER_PASSWORD;
    }

    /** A new connection to the {@code postgres} database as the superuser; the caller closes it. */
    public Connection connect() throws SQLException {
        return connect("postgres");
    }

    /** A new connection to {@code database} as the superuser; the caller closes it. */
    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", SUPERUSER);
        properties.setProperty("password", SUPERUSER_PASSWORD);
        properties.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    /** Creates a database owned by the superuser. */
    public void createDatabase(String name) {
        execute("CREATE DATABASE " + quoteIdentifier(name));
    }

    /** Runs one SQL statement in the {@code postgres} database (autocommit); failures are unchecked. */
    public void execute(String sql) {
        try (Connection connection = connect(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    /**
     * Drops a replication slot as soon as no process reads it: a stopped pipeline's walsender may take a moment to
     * exit, and PostgreSQL refuses to drop an active slot.
     *
     * @throws IllegalStateException the slot is still active after 30 s, or the drop failed otherwise
     */
    public void dropReplicationSlot(String slot) {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
        while (true) {
            try (Connection connection = connect(); java.sql.PreparedStatement ps = connection.prepareStatement(
                    "SELECT pg_drop_replication_slot(?)")) {
                ps.setString(1, slot);
                ps.execute();
                return;
            } catch (SQLException e) {
                boolean active = "55006".equals(e.getSQLState());
                if (!active || System.nanoTime() > deadline) {
                    throw new IllegalStateException("dropping slot " + slot + " failed: " + e.getMessage(), e);
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while dropping slot " + slot, e);
            }
        }
    }

    /** Undoes a temporary server setting when closed. */
    public interface Restore extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Until closed, every role but the superuser must give its password (scram-sha-256, over TCP and for replication);
     * the superuser keeps trust authentication, so the rest of a test class is unaffected. For tests of a wrong
     * password.
     */
    public Restore requirePasswords() {
        Path hba = dataDirectory.resolve("pg_hba.conf");
        try {
            String original = Files.readString(hba);
            Files.writeString(hba, "local all all trust\n"
                    + "host all " + superuser() + " 127.0.0.1/32 trust\n"
                    + "host all all 127.0.0.1/32 scram-sha-256\n"
                    + "host replication all 127.0.0.1/32 scram-sha-256\n");
            execute("SELECT pg_reload_conf()");
            return () -> {
                try {
                    Files.writeString(hba, original);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                execute("SELECT pg_reload_conf()");
            };
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The data directory; it survives {@link #stop()} and is deleted by {@link #close()}. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** Where the server's own stdout/stderr go (deleted by {@link #close()}). */
    public Path logFile() {
        return logFile;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Stops the server process ({@code pg_ctl stop -m fast}); connections fail until {@link #restart()}. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        EmbeddedPostgres stopping = server;
        server = null;
        try {
            stopping.close();
            LOG.info("PostgreSQL on {}:{} stopped", host(), port);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not stop PostgreSQL", e);
        }
    }

    /**
     * Stops the server the way a crash does (an immediate shutdown, what {@code pg_ctl stop -m immediate} does): no
     * shutdown checkpoint, sessions cut, and nothing more sent to standbys (a fast {@link #stop()} first ships the
     * last WAL to them). For failover tests. The data directory stays, as after {@link #stop()}.
     */
    public synchronized void crash() {
        if (server == null) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
            ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException(
                    "no postmaster with pid " + pid));
            // what pg_ctl stop -m immediate sends: the postmaster SIGQUITs every child and exits without a checkpoint
            Process kill = new ProcessBuilder("kill", "-QUIT", Long.toString(pid)).redirectErrorStream(true).start();
            String said = new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -QUIT " + pid + " failed (exit " + kill.exitValue() + "): "
                        + said.strip());
            }
            postmaster.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException("could not crash PostgreSQL on port " + port, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while crashing PostgreSQL", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("PostgreSQL on port " + port + " did not exit", e);
        }
        EmbeddedPostgres crashed = server;
        server = null;
        LOG.info("PostgreSQL on {}:{} crashed on purpose (immediate shutdown)", host(), port);
        try {
            // releases zonky's lock on the data directory; its own pg_ctl stop finds no server and says so
            crashed.close();
        } catch (IOException e) {
            LOG.debug("closing the crashed server's handle: {}", e.getMessage());
        }
    }

    /**
     * Stops the server if it runs, then starts it again on the same port and data directory;
     * returns once it accepts connections. Also the way back after {@link #stop()}.
     */
    public synchronized void restart() {
        if (closed) {
            throw new IllegalStateException("SandboxPostgres is closed");
        }
        stop();
        long started = System.nanoTime();
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false) // initdb only the first time; close() deletes it
                .setRegisterShutdownHook(false) // our own hook, one per instance, see class doc
                .setPGStartupWait(STARTUP_WAIT)
                .setOutputRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .setErrorRedirector(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        if (binaries != null) {
            builder.setPgBinaryResolver(binaries);
        }
        serverSettings.forEach(builder::setServerConfig);
        try {
            server = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("PostgreSQL did not start; see " + logFile, e);
        }
        LOG.info("PostgreSQL listening on {}:{} (started in {} ms)",
                host(), port, (System.nanoTime() - started) / 1_000_000);
    }

    /** Stops the server and deletes its temporary directory. Idempotent; safe from a shutdown hook. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stop();
        } catch (RuntimeException e) {
            LOG.warn("Could not stop PostgreSQL on port {} cleanly", port, e);
        }
        try {
            Internals.deleteRecursively(rootDirectory);
        } catch (IOException e) {
            LOG.warn("Could not delete {}", rootDirectory, e);
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
        return "SandboxPostgres[" + jdbcUrl() + "]";
    }

    private static String quoteIdentifier(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("database name must not be empty");
        }
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
