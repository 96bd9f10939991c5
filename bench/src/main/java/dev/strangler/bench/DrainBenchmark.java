package dev.strangler.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.engine.source.SchemaMigrator;
import dev.strangler.sandbox.Sandbox;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The drain benchmark. Writes a WAL backlog of N changes (3/4 inserts, 1/4 updates, in large transactions) to a
 * captured table while several pgoutput slots hold it, then drains it with each reader in turn, in the same run:
 *
 * <ol>
 *   <li>raw: PgJDBC's replication API reading a slot and discarding the messages ({@link RawPgoutputReader}), in
 *       this process: one warm-up pass, then {@code --raw-runs} measured passes whose median is RAW;</li>
 *   <li>pg_recvlogical, when it is on the PATH: the reference reader of the issue, as a calibration of this
 *       machine against the figures measured elsewhere;</li>
 *   <li>pipeline: the Strangler {@code Pipeline} (embedded Debezium) publishing a slot to the Kafka broker, in its
 *       own JVM ({@link PipelineDrainMain}), so its heap and RSS are its own.</li>
 * </ol>
 *
 * It prints, for each, events/s from launch to the last event and from the first to the last event (the streaming
 * rate), the pipeline's peak heap and RSS, its CPU and the CPU of everything around it, the ratios pipeline/RAW and
 * the verdict against the targets. Informational: it exits 0 whatever the figures, non-zero only when something
 * broke.
 *
 * <p>PostgreSQL (embedded, a child process) and the Kafka broker (in this JVM) are the sandbox's; they and their
 * temporary directories are gone when this returns.
 */
public final class DrainBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(DrainBenchmark.class);

    static final double TARGET_RATIO = 0.15;
    static final long TARGET_RSS_BYTES = 600L * 1024 * 1024;

    private static final String DATABASE = "bench";
    private static final String TABLE = "bench.items";
    private static final String PUBLICATION = "bench_pub";
    private static final String RAW_WARMUP_SLOT = "bench_raw_warmup";
    private static final String RAW_SLOT_PREFIX = "bench_raw_";
    private static final String RECVLOGICAL_SLOT = "bench_recvlogical";
    private static final String PIPELINE_SLOT = "bench_pipeline";
    private static final String PIPELINE_NAME = "drain";

    /** Command-line options. */
    static final class Options {
        long changes = 200_000;
        int rowsPerTransaction = 10_000;
        String childXmx = "384m";
        List<String> childJvmArgs = new ArrayList<>();
        Map<String, String> pipelineOverrides = new LinkedHashMap<>();
        Duration timeout = Duration.ofMinutes(15);
        boolean skipRaw;
        int rawRuns = 3;
        boolean noRecvlogical;
        boolean skipPipeline;
        Duration waitQuiet = Duration.ZERO;
        boolean threadDump;
        Path out;
        /** items (the default: inserts and updates of bench.items) or toast (see ToastWorkload) */
        String workload = "items";
        ToastWorkload.Fix toastFix = ToastWorkload.Fix.NONE;
        int toastRows = 20_000;
        int toastBytes = 4096;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--changes" -> { o.changes = Long.parseLong(require(a, value).replace("_", "")); i++; }
                    case "--rows-per-tx" -> { o.rowsPerTransaction = Integer.parseInt(require(a, value)); i++; }
                    case "--xmx" -> { o.childXmx = require(a, value); i++; }
                    case "--jvm-arg" -> { o.childJvmArgs.add(require(a, value)); i++; }
                    case "--set" -> {
                        String kv = require(a, value);
                        int eq = kv.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--set takes key=value, got '" + kv + "'");
                        }
                        o.pipelineOverrides.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
                        i++;
                    }
                    case "--timeout-seconds" -> { o.timeout = Duration.ofSeconds(Long.parseLong(require(a, value))); i++; }
                    case "--skip-raw" -> o.skipRaw = true;
                    case "--raw-runs" -> { o.rawRuns = Math.max(1, Integer.parseInt(require(a, value))); i++; }
                    case "--no-recvlogical" -> o.noRecvlogical = true;
                    case "--skip-pipeline" -> o.skipPipeline = true;
                    case "--wait-quiet" -> { o.waitQuiet = Duration.ofSeconds(Long.parseLong(require(a, value))); i++; }
                    case "--thread-dump" -> o.threadDump = true;
                    case "--out" -> { o.out = Path.of(require(a, value)); i++; }
                    case "--workload" -> {
                        o.workload = require(a, value);
                        if (!List.of("items", "toast").contains(o.workload)) {
                            throw new IllegalArgumentException("--workload takes items or toast, got '" + o.workload
                                    + "'");
                        }
                        i++;
                    }
                    case "--toast-fix" -> { o.toastFix = ToastWorkload.Fix.parse(require(a, value)); i++; }
                    case "--toast-rows" -> { o.toastRows = Integer.parseInt(require(a, value).replace("_", "")); i++; }
                    case "--toast-bytes" -> {
                        o.toastBytes = Integer.parseInt(require(a, value).replace("_", ""));
                        i++;
                    }
                    case "-h", "--help" -> {
                        System.out.println(usage());
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + a + "'\n" + usage());
                }
            }
            if (o.changes < 4) {
                throw new IllegalArgumentException("--changes must be at least 4");
            }
            if (o.toast() && o.toastFix == ToastWorkload.Fix.NONE
                    && !o.pipelineOverrides.getOrDefault("source.toast.reselect", "").isBlank()) {
                o.toastFix = ToastWorkload.Fix.RESELECT; // --set source.toast.reselect=bench.docs says the same
            }
            if (o.toast() && o.toastFix == ToastWorkload.Fix.RESELECT) {
                o.pipelineOverrides.putIfAbsent("source.toast.reselect", ToastWorkload.TABLE);
            }
            if (!o.toast() && o.toastFix != ToastWorkload.Fix.NONE) {
                throw new IllegalArgumentException("--toast-fix goes with --workload toast");
            }
            return o;
        }

        boolean toast() {
            return workload.equals("toast");
        }

        String table() {
            return toast() ? ToastWorkload.TABLE : TABLE;
        }

        private static String require(String option, String value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }

        static String usage() {
            return """
                    DrainBenchmark [options]
                      --changes N            backlog size: 3/4 inserts, 1/4 updates (default 200000);
                                             with --workload toast: N updates
                      --workload W           items (default): inserts and updates of bench.items;
                                             toast: updates that leave a TOASTed value unchanged
                                             (bench.docs, loaded before the slots exist)
                      --toast-fix F          with --workload toast: none (default; events carry
                                             __debezium_unavailable_value), reselect
                                             (source.toast.reselect=bench.docs) or full (REPLICA
                                             IDENTITY FULL before the backlog)
                      --toast-rows N         rows of bench.docs, updated in turn (default 20000)
                      --toast-bytes N        size of each row's out-of-line body (default 4096)
                      --rows-per-tx N        rows per backlog transaction (default 10000)
                      --xmx SIZE             -Xmx of the pipeline's JVM (default 384m; none: the JVM's
                                             default, a quarter of the machine's memory)
                      --jvm-arg ARG          extra JVM argument for the pipeline's JVM (repeatable),
                                             e.g. -XX:StartFlightRecording=filename=/tmp/p.jfr,settings=profile
                      --set KEY=VALUE        pipeline property for the run (repeatable), e.g.
                                             --set debezium.max.batch.size=8192 --set kafka.producer.linger.ms=20
                      --timeout-seconds N    bound of each drain (default 900)
                      --raw-runs N           measured raw-reader passes, after one warm-up pass; RAW is
                                             their median (default 3)
                      --skip-raw             drain only with the pipeline (tuning runs)
                      --no-recvlogical       do not run pg_recvlogical even when it is on the PATH
                      --skip-pipeline        run only the reference readers (calibration runs)
                      --wait-quiet SECONDS   before each measured drain, wait up to this long until the
                                             machine is quiet (other processes below 1/4 core), for shared
                                             machines (default 0: do not wait)
                      --thread-dump          jcmd Thread.print of the pipeline halfway, into --out
                      --out DIR              keep the pipeline's log, properties and thread dump here
                                             (default: a temporary directory, deleted at the end)""";
        }
    }

    /** The pipeline JVM's report plus what this process measured around it. */
    record PipelineRun(Map<String, Long> child, long launchMillis, long orchestratorCpuMillis,
                       long walsenderCpuMillis, long postgresCpuMillis, long machineBusyMillis, long topicRecords,
                       List<ThreadDump> threadDumps, Streaming streaming) {

        /**
         * CPU the machine spent on anything but the benchmark's processes from launch to the result: the pipeline JVM,
         * this JVM (the broker) and the PostgreSQL server (every process of it, the walsender and the backends the
         * pipeline queries included; only the walsender when the server's CPU could not be read).
         */
        long foreignCpuMillis() {
            return machineBusyMillis - get("cpuMillis") - orchestratorCpuMillis
                    - (postgresCpuMillis >= 0 ? postgresCpuMillis : Math.max(0, walsenderCpuMillis));
        }

        long get(String key) {
            Long v = child.get(key);
            if (v == null) {
                throw new IllegalStateException("the pipeline's result has no " + key + ": " + child);
            }
            return v;
        }

        /** Events per second from the launch of the pipeline's JVM to the acknowledgement of the last event. */
        double launchRate() {
            return get("published") * 1000.0 / Math.max(1, get("lastEventAtMillis") - launchMillis);
        }

        /**
         * Events per second from the first to the last event. The pipeline stamps its first event time when the
         * first batch is acknowledged, so that batch's events are not counted in the interval.
         */
        double streamRate() {
            return (get("published") - get("firstBatchEvents")) * 1000.0
                    / Math.max(1, get("lastEventAtMillis") - get("firstEventAtMillis"));
        }

        /** The PostgreSQL server's CPU but the walsender's (backends the pipeline queries, background work), or -1. */
        long postgresOtherCpuMillis() {
            return postgresCpuMillis < 0 ? -1 : Math.max(0, postgresCpuMillis - Math.max(0, walsenderCpuMillis));
        }

        long peakRss() {
            return Math.max(get("vmHwmBytes"), get("rssPeakSampledBytes"));
        }
    }

    /**
     * CPU from the first acknowledged batch to the result, without the start-up: the pipeline JVM, the PostgreSQL
     * server (all its processes), its walsender and the whole machine; -1 where unknown. {@code events} is what was
     * published in between.
     */
    record Streaming(long events, long pipelineCpuMillis, long postgresCpuMillis, long walsenderCpuMillis,
                     long machineBusyMillis) {

        double perEventMicros(long cpuMillis) {
            return cpuMillis < 0 ? Double.NaN : cpuMillis * 1000.0 / Math.max(1, events);
        }
    }

    /** A jcmd Thread.print of the pipeline's JVM, taken at {@code atNanos}. */
    record ThreadDump(long atNanos, Path file) {
    }

    /** The backlog as written. */
    record Backlog(long inserts, long updates, long relationId, String startLsn, String endLsn, long walBytes,
                   long writeMillis) {
        long changes() {
            return inserts + updates;
        }
    }

    /** pg_recvlogical's drain: wall time from launch to its exit at the last change (no per-event times). */
    record RecvlogicalRun(String version, long launchNanos, long exitNanos) {
    }

    private final Options options;
    /** --workload toast, or null */
    private final ToastWorkload toast;
    /** --workload toast: the table's counters on the source just before the pipeline's launch */
    private ToastWorkload.TableStats toastStatsBefore;
    private final PrintStream out = System.out;
    /** pg_recvlogical on the PATH, the reference reader, or null. */
    private final Path recvlogical;

    DrainBenchmark(Options options) {
        this.options = options;
        this.toast = options.toast()
                ? new ToastWorkload(options.toastRows, options.toastBytes, options.toastFix) : null;
        this.recvlogical = options.noRecvlogical ? null : onPath("pg_recvlogical");
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        int code;
        try {
            code = new DrainBenchmark(options).run();
        } catch (Exception e) {
            LOG.error("the benchmark broke: {}", e.toString(), e);
            code = 1;
        }
        System.exit(code);
    }

    int run() throws Exception {
        Path work = options.out != null ? Files.createDirectories(options.out)
                : Files.createTempDirectory("strangler-bench-");
        Sandbox sandbox = null;
        try {
            long t0 = System.nanoTime();
            sandbox = Sandbox.start().registerShutdownHook();
            LOG.info("sandbox up in {} ms: {}", (System.nanoTime() - t0) / 1_000_000, sandbox);
            Map<String, String> settings = pipelineSettings(sandbox);
            PipelineConfig config = new PipelineConfigLoader(Map.of()).fromMap(settings);

            sandbox.postgres().createDatabase(DATABASE);
            ToastWorkload.Loaded loaded = prepareSource(sandbox, config);
            Backlog backlog = writeBacklog(sandbox);
            LOG.info("backlog written in {} ms: {} inserts + {} updates, {} of WAL ({} -> {})", backlog.writeMillis(),
                    backlog.inserts(), backlog.updates(), mb(backlog.walBytes()), backlog.startLsn(),
                    backlog.endLsn());

            RawPgoutputReader.Result rawCold = null;
            List<RawPgoutputReader.Result> raws = new ArrayList<>();
            RecvlogicalRun recv = null;
            if (!options.skipRaw) {
                RawPgoutputReader reader = new RawPgoutputReader(sandbox.postgres().jdbcUrl(DATABASE),
                        sandbox.postgres().superuser(), sandbox.postgres().superuserPassword());
                // A first pass on its own slot warms this JVM up (JIT), so the measured passes show the reader's
                // real rate, the closer stand-in for pg_recvlogical (native code, nothing to warm up). Several
                // measured passes, because the walsender's decoding speed varies from pass to pass.
                LOG.info("raw reader: warm-up pass on slot {} ...", RAW_WARMUP_SLOT);
                rawCold = reader.drain(RAW_WARMUP_SLOT, PUBLICATION, backlog.relationId(), backlog.changes(),
                        options.timeout);
                dropSlot(sandbox, RAW_WARMUP_SLOT);
                for (int run = 1; run <= options.rawRuns; run++) {
                    awaitQuietMachine();
                    String slot = RAW_SLOT_PREFIX + run;
                    RawPgoutputReader.Result r = reader.drain(slot, PUBLICATION, backlog.relationId(),
                            backlog.changes(), options.timeout);
                    LOG.info("raw reader: pass {} on slot {}: {} changes in {} ms", run, slot, r.events(),
                            (r.lastEventNanos() - r.launchNanos()) / 1_000_000);
                    dropSlot(sandbox, slot); // release its WAL before the next drain
                    raws.add(r);
                }
                if (recvlogical != null) {
                    awaitQuietMachine();
                    recv = runRecvlogical(sandbox, rawCold.lastChange(), work);
                    dropSlot(sandbox, RECVLOGICAL_SLOT);
                }
            }

            PipelineRun pipeline = null;
            if (!options.skipPipeline) {
                Path propertiesFile = work.resolve("pipeline.properties");
                writeProperties(propertiesFile, settings);
                awaitQuietMachine();
                if (toast != null) {
                    Thread.sleep(2000); // the loading and backlog backends have exited and flushed their statistics
                    try (Connection c = connect(sandbox)) {
                        toastStatsBefore = ToastWorkload.stats(c);
                    }
                }
                LOG.info("pipeline: draining slot {} in its own JVM (-Xmx {}) ...", PIPELINE_SLOT, options.childXmx);
                pipeline = runPipeline(sandbox, propertiesFile, backlog.changes(), work);
            }

            report(backlog, rawCold, raws, recv, pipeline);
            boolean valid = toast == null || pipeline == null || reportToast(sandbox, loaded, backlog, pipeline);
            if (options.out != null) {
                out.println("pipeline log, properties" + (options.threadDump ? " and thread dumps" : "") + ": "
                        + work.toAbsolutePath());
            }
            return valid ? 0 : 3;
        } finally {
            if (sandbox != null) {
                sandbox.close();
            }
            if (options.out == null) {
                deleteRecursively(work);
            }
        }
    }

    /** With --wait-quiet: waits (bounded) until the machine is quiet, so a drain does not share it (see Quiet). */
    private void awaitQuietMachine() throws InterruptedException {
        Quiet.await(options.waitQuiet);
    }

    private Map<String, String> pipelineSettings(Sandbox sandbox) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("pipeline.name", PIPELINE_NAME);
        m.put("source.url", sandbox.postgres().jdbcUrl(DATABASE));
        m.put("source.user", sandbox.postgres().superuser());
        m.put("source.password", sandbox.postgres().superuserPassword());
        m.put("source.tables", options.table());
        m.put("source.slot", PIPELINE_SLOT);
        m.put("source.publication", PUBLICATION);
        m.put("kafka.bootstrap.servers", sandbox.kafka().bootstrapServers());
        m.put("snapshot.mode", "no_data");
        // metrics on, as strangler run ships: the endpoint on a free port, scraped by PipelineDrainMain every 5 s;
        // --set http.enabled=false measures the pipeline without any meter
        m.put("http.port", "0");
        m.put("http.bind", "127.0.0.1");
        m.putAll(options.pipelineOverrides);
        return m;
    }

    /**
     * The captured table, Strangler's schema (for strangler.heartbeat), the publication and both slots: all before
     * the backlog, so both slots hold it.
     */
    private ToastWorkload.Loaded prepareSource(Sandbox sandbox, PipelineConfig config) throws SQLException {
        ToastWorkload.Loaded loaded = null;
        try (Connection c = connect(sandbox); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA bench");
            if (toast != null) {
                loaded = toast.createAndLoad(c);
                LOG.info("bench.docs loaded in {} ms: {} rows, body {} bytes ({} stored), TOAST relation {}, table {}",
                        loaded.loadMillis(), loaded.rows(), loaded.bodyBytes(), loaded.bodyColumnBytes(),
                        mb(loaded.toastRelationBytes()), mb(loaded.tableBytes()));
            } else {
                st.execute("""
                        CREATE TABLE bench.items (
                            id          bigint        PRIMARY KEY,
                            sku         text          NOT NULL,
                            name        text          NOT NULL,
                            price       numeric(12,2) NOT NULL,
                            quantity    integer       NOT NULL,
                            updated_at  timestamptz   NOT NULL DEFAULT now(),
                            attrs       jsonb         NOT NULL
                        )""");
                // No autovacuum/autoanalyze of the fresh rows in the middle of a drain: same conditions for every
                // reader.
                st.execute("ALTER TABLE bench.items SET (autovacuum_enabled = false)");
            }
        }
        SchemaMigrator.migrate(config.source());
        try (Connection c = connect(sandbox); Statement st = c.createStatement()) {
            st.execute("CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + options.table()
                    + ", strangler.heartbeat");
            if (!options.skipRaw) {
                st.execute("SELECT pg_create_logical_replication_slot('" + RAW_WARMUP_SLOT + "', 'pgoutput')");
                for (int run = 1; run <= options.rawRuns; run++) {
                    st.execute("SELECT pg_create_logical_replication_slot('" + RAW_SLOT_PREFIX + run
                            + "', 'pgoutput')");
                }
                if (recvlogical != null) {
                    st.execute("SELECT pg_create_logical_replication_slot('" + RECVLOGICAL_SLOT + "', 'pgoutput')");
                }
            }
            st.execute("SELECT pg_create_logical_replication_slot('" + PIPELINE_SLOT + "', 'pgoutput')");
        }
        return loaded;
    }

    /** 3/4 inserts then 1/4 updates of the first rows, each statement a transaction of rowsPerTransaction rows. */
    private Backlog writeBacklog(Sandbox sandbox) throws SQLException {
        if (toast != null) {
            return writeToastBacklog(sandbox);
        }
        long inserts = options.changes * 3 / 4;
        long updates = options.changes - inserts;
        int perTx = options.rowsPerTransaction;
        long started = System.nanoTime();
        try (Connection c = connect(sandbox);
             PreparedStatement insert = c.prepareStatement("""
                     INSERT INTO bench.items (id, sku, name, price, quantity, updated_at, attrs)
                     SELECT g, 'SKU-' || lpad(g::text, 9, '0'), 'Drain benchmark item number ' || g,
                            round((random() * 1000)::numeric, 2), (g % 500)::int, now(),
                            jsonb_build_object('color', (ARRAY['red','green','blue','black'])[1 + (g % 4)::int],
                                               'tags', jsonb_build_array('bench', 'drain', 'wal'),
                                               'weight_g', g % 5000, 'fragile', g % 7 = 0)
                     FROM generate_series(?::bigint, ?::bigint) AS g""");
             PreparedStatement update = c.prepareStatement("""
                     UPDATE bench.items SET price = price + 1, quantity = quantity + 1, updated_at = now(),
                            attrs = attrs || jsonb_build_object('revision', 2)
                     WHERE id BETWEEN ? AND ?""")) {
            String startLsn = queryString(c, "SELECT confirmed_flush_lsn::text FROM pg_replication_slots "
                    + "WHERE slot_name = '" + PIPELINE_SLOT + "'");
            long relationId = Long.parseLong(queryString(c, "SELECT 'bench.items'::regclass::oid::text"));
            long written = 0;
            for (long from = 1; from <= inserts; from += perTx) {
                long to = Math.min(inserts, from + perTx - 1);
                insert.setLong(1, from);
                insert.setLong(2, to);
                written += insert.executeUpdate();
            }
            for (long from = 1; from <= updates; from += perTx) {
                long to = Math.min(updates, from + perTx - 1);
                update.setLong(1, from);
                update.setLong(2, to);
                written += update.executeUpdate();
            }
            if (written != inserts + updates) {
                throw new IllegalStateException("wrote " + written + " changes, expected " + (inserts + updates));
            }
            String endLsn = queryString(c, "SELECT pg_current_wal_lsn()::text");
            long walBytes = Long.parseLong(queryString(c, "SELECT pg_wal_lsn_diff('" + endLsn + "', '" + startLsn
                    + "')::bigint::text"));
            return new Backlog(inserts, updates, relationId, startLsn, endLsn, walBytes,
                    (System.nanoTime() - started) / 1_000_000);
        }
    }

    /** --workload toast: N updates of the small columns of bench.docs; the WAL from just before the first one. */
    private Backlog writeToastBacklog(Sandbox sandbox) throws SQLException {
        try (Connection c = connect(sandbox)) {
            toast.beforeBacklog(c);
            long relationId = Long.parseLong(queryString(c, "SELECT 'bench.docs'::regclass::oid::text"));
            String startLsn = queryString(c, "SELECT pg_current_wal_insert_lsn()::text");
            long started = System.nanoTime();
            long written = toast.writeUpdates(c, options.changes, options.rowsPerTransaction);
            if (written != options.changes) {
                throw new IllegalStateException("wrote " + written + " updates, expected " + options.changes);
            }
            long writeMillis = (System.nanoTime() - started) / 1_000_000;
            String endLsn = queryString(c, "SELECT pg_current_wal_lsn()::text");
            long walBytes = Long.parseLong(queryString(c, "SELECT pg_wal_lsn_diff('" + endLsn + "', '" + startLsn
                    + "')::bigint::text"));
            return new Backlog(0, written, relationId, startLsn, endLsn, walBytes, writeMillis);
        }
    }

    private PipelineRun runPipeline(Sandbox sandbox, Path propertiesFile, long expected, Path work)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java));
        if (!options.childXmx.equals("none")) {
            command.add("-Xmx" + options.childXmx);
        }
        command.addAll(options.childJvmArgs);
        if (System.getProperty("logback.configurationFile") != null) { // the bench's logback.xml, not the CLI's
            command.add("-Dlogback.configurationFile=" + System.getProperty("logback.configurationFile"));
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), PipelineDrainMain.class.getName(),
                propertiesFile.toString(), Long.toString(expected), Long.toString(options.timeout.toSeconds())));
        Path log = work.resolve("pipeline.log");

        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long orchestratorCpuAtLaunch = os.getProcessCpuTime();
        long machineAtLaunch = Proc.machineBusyMillis();
        AtomicLong machineAtResult = new AtomicLong(-1);
        long postmaster = postmasterPid(sandbox);
        long postgresAtLaunch = Proc.treeCpuMillis(postmaster);
        AtomicLong postgresAtResult = new AtomicLong(-1);
        AtomicLong walsenderAtResult = new AtomicLong(-1);
        // at the child's "BENCH first" line: pipeline CPU, PostgreSQL CPU, walsender CPU, machine busy
        long[] atFirst = {-1, -1, -1, -1};
        WalsenderWatch walsender = new WalsenderWatch(sandbox, PIPELINE_SLOT);
        walsender.start();
        long launchMillis = System.currentTimeMillis();
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        // Ctrl-C of the benchmark must not leave the pipeline's JVM behind.
        Thread killChild = new Thread(child::destroyForcibly, "pipeline-process-kill");
        Runtime.getRuntime().addShutdownHook(killChild);

        AtomicReference<Map<String, Long>> result = new AtomicReference<>();
        AtomicReference<String> error = new AtomicReference<>();
        AtomicLong orchestratorCpuAtResult = new AtomicLong(-1);
        CountDownLatch done = new CountDownLatch(1);
        Deque<String> tail = new ArrayDeque<>();
        List<ThreadDump> threadDumps = new java.util.concurrent.CopyOnWriteArrayList<>();
        Thread pump = new Thread(() -> {
            int dumps = 0;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                    StandardCharsets.UTF_8)); var w = Files.newBufferedWriter(log)) {
                String line;
                while ((line = r.readLine()) != null) {
                    w.write(line);
                    w.newLine();
                    w.flush();
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > 80) {
                            tail.removeFirst();
                        }
                    }
                    if (line.startsWith("BENCH result ")) {
                        orchestratorCpuAtResult.set(os.getProcessCpuTime());
                        machineAtResult.set(Proc.machineBusyMillis());
                        postgresAtResult.set(Proc.treeCpuMillis(postmaster));
                        walsenderAtResult.set(walsender.cpuMillisNow());
                        result.set(parseResult(line.substring("BENCH result ".length())));
                        done.countDown();
                    } else if (line.startsWith("BENCH error ")) {
                        error.set(line.substring("BENCH error ".length()));
                        done.countDown();
                    } else if (line.startsWith("BENCH first ")) {
                        atFirst[1] = Proc.treeCpuMillis(postmaster);
                        atFirst[2] = walsender.cpuMillisNow();
                        atFirst[3] = Proc.machineBusyMillis();
                        atFirst[0] = parseResult(line.substring("BENCH first ".length())).get("cpuMillis");
                    } else if (line.startsWith("BENCH running ")) {
                        LOG.info("pipeline: running {} ms after launch",
                                parseResult(line.substring("BENCH running ".length())).get("atMillis")
                                        - launchMillis);
                    } else if (line.startsWith("BENCH progress ")) {
                        Map<String, Long> p = parseResult(line.substring("BENCH progress ".length()));
                        LOG.info("pipeline: {} published, heap used {}, RSS {}", p.get("published"),
                                mb(p.get("heapUsedBytes")), mb(p.get("rssBytes")));
                        // Two dumps, at 1/3 and 2/3 of the drain: their per-thread CPU times give each thread's
                        // share of a core in the middle of the stream.
                        if (options.threadDump && dumps < 2 && p.get("published") >= expected * (dumps + 1) / 3) {
                            dumps++;
                            Path file = work.resolve("pipeline-threads-" + dumps + ".txt");
                            long at = System.nanoTime();
                            threadDump(child.pid(), file);
                            threadDumps.add(new ThreadDump(at, file));
                        }
                    }
                }
            } catch (IOException e) {
                LOG.warn("reading the pipeline's output failed: {}", e.toString());
            } finally {
                done.countDown();
            }
        }, "pipeline-output");
        pump.setDaemon(true);
        pump.start();

        try {
            if (!done.await(options.timeout.toSeconds() + 180, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the pipeline process reported nothing within "
                        + (options.timeout.toSeconds() + 180) + "s" + tail(tail));
            }
            if (result.get() == null) {
                throw new IllegalStateException("the pipeline process failed: "
                        + (error.get() != null ? error.get() : "it exited without a result") + tail(tail));
            }
            long walsenderCpu = walsender.lastCpuMillis();
            if (!child.waitFor(120, TimeUnit.SECONDS)) {
                LOG.warn("the pipeline process did not exit within 120s of its result; killing it");
            } else if (child.exitValue() != 0) {
                LOG.warn("the pipeline process exited with {} after its result", child.exitValue());
            }
            long topicRecords = topicRecords(sandbox, PIPELINE_NAME + "." + options.table());
            long postgresCpu = postgresAtLaunch < 0 || postgresAtResult.get() < 0 ? -1
                    : postgresAtResult.get() - postgresAtLaunch;
            Map<String, Long> r = result.get();
            Streaming streaming = new Streaming(r.get("published") - r.get("firstBatchEvents"),
                    atFirst[0] < 0 ? -1 : r.get("cpuMillis") - atFirst[0],
                    atFirst[1] < 0 || postgresAtResult.get() < 0 ? -1 : postgresAtResult.get() - atFirst[1],
                    atFirst[2] < 0 || walsenderAtResult.get() < 0 ? -1 : walsenderAtResult.get() - atFirst[2],
                    atFirst[3] < 0 ? -1 : machineAtResult.get() - atFirst[3]);
            return new PipelineRun(r, launchMillis,
                    (orchestratorCpuAtResult.get() - orchestratorCpuAtLaunch) / 1_000_000, walsenderCpu, postgresCpu,
                    machineAtResult.get() - machineAtLaunch, topicRecords, List.copyOf(threadDumps), streaming);
        } finally {
            walsender.interrupt();
            if (child.isAlive()) {
                child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
            try {
                Runtime.getRuntime().removeShutdownHook(killChild);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs anyway
            }
        }
    }

    /** The PostgreSQL server's postmaster (first line of postmaster.pid), or -1. */
    private static long postmasterPid(Sandbox sandbox) {
        try {
            return Long.parseLong(Files.readAllLines(sandbox.postgres().dataDirectory().resolve("postmaster.pid"))
                    .get(0).trim());
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not read the postmaster's pid: {}", e.toString());
            return -1;
        }
    }

    /**
     * Runs pg_recvlogical on its own slot (pgoutput, same options) up to the last change, writing to /dev/null: the
     * calibration against the reference figures measured with it elsewhere.
     */
    private RecvlogicalRun runRecvlogical(Sandbox sandbox, org.postgresql.replication.LogSequenceNumber endpos,
                                          Path work) throws IOException, InterruptedException {
        String version = firstLine(new ProcessBuilder(recvlogical.toString(), "--version"));
        List<String> command = List.of(recvlogical.toString(),
                "--dbname=host=" + sandbox.postgres().host() + " port=" + sandbox.postgres().port() + " dbname="
                        + DATABASE + " user=" + sandbox.postgres().superuser(),
                "--slot=" + RECVLOGICAL_SLOT, "--start", "--no-loop", "--endpos=" + endpos.asString(),
                "--option=proto_version=1", "--option=publication_names=" + PUBLICATION,
                "--status-interval=1", "--fsync-interval=0", "--file=/dev/null");
        LOG.info("pg_recvlogical: draining slot {} up to {} ...", RECVLOGICAL_SLOT, endpos.asString());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("pg_recvlogical.log").toFile());
        pb.environment().put("PGPASSWORD", sandbox.postgres().superuserPassword());
        long launch = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(options.timeout.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            throw new IllegalStateException("pg_recvlogical did not reach " + endpos.asString() + " within "
                    + options.timeout.toSeconds() + "s");
        }
        long exit = System.nanoTime();
        if (p.exitValue() != 0) {
            throw new IllegalStateException("pg_recvlogical failed with exit code " + p.exitValue() + ": "
                    + Files.readString(work.resolve("pg_recvlogical.log")).strip());
        }
        LOG.info("pg_recvlogical: done in {} ms", (exit - launch) / 1_000_000);
        return new RecvlogicalRun(version, launch, exit);
    }

    private static String firstLine(ProcessBuilder pb) {
        try {
            Process p = pb.redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor(10, TimeUnit.SECONDS);
            return text.lines().findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    private static Path onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static final java.util.regex.Pattern DUMP_THREAD = java.util.regex.Pattern.compile(
            "^\"(.+?)\" (#\\d+ )?.*?cpu=([0-9.]+)ms");

    /** Each thread's share of one core between two thread dumps (jcmd prints every thread's CPU time). */
    static String threadShares(ThreadDump from, ThreadDump to) {
        try {
            Map<String, Double> before = threadCpu(from.file());
            Map<String, Double> after = threadCpu(to.file());
            double wallMillis = (to.atNanos() - from.atNanos()) / 1e6;
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT,
                    "pipeline threads between the dumps at 1/3 and 2/3 of the drain (%.1f s), share of one core:",
                    wallMillis / 1000));
            after.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0.0)))
                    .filter(e -> e.getValue() / wallMillis >= 0.02)
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .forEach(e -> sb.append(String.format(Locale.ROOT, "%n  %4.0f%%  %s", 100 * e.getValue() / wallMillis,
                            e.getKey())));
            return sb.toString();
        } catch (IOException | RuntimeException e) {
            return "pipeline threads: could not compare the thread dumps: " + e;
        }
    }

    private static Map<String, Double> threadCpu(Path dump) throws IOException {
        Map<String, Double> cpu = new LinkedHashMap<>();
        for (String line : Files.readAllLines(dump)) {
            var m = DUMP_THREAD.matcher(line);
            if (m.find()) {
                String name = m.group(1) + (m.group(2) == null ? "" : " " + m.group(2).trim());
                cpu.put(name, Double.parseDouble(m.group(3)));
            }
        }
        return cpu;
    }

    private static String tail(Deque<String> tail) {
        synchronized (tail) {
            return tail.isEmpty() ? "" : "\n--- last lines of the pipeline's output ---\n" + String.join("\n", tail);
        }
    }

    private static Map<String, Long> parseResult(String text) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String pair : text.trim().split("\\s+")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                try {
                    m.put(pair.substring(0, eq), Long.parseLong(pair.substring(eq + 1)));
                } catch (NumberFormatException ignored) {
                    // not a number: not needed
                }
            }
        }
        return m;
    }

    private static void threadDump(long pid, Path file) {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        try {
            Process p = new ProcessBuilder(jcmd, Long.toString(pid), "Thread.print")
                    .redirectErrorStream(true).redirectOutput(file.toFile()).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            LOG.info("thread dump of the pipeline written to {}", file);
        } catch (IOException e) {
            LOG.warn("thread dump failed: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The sum of the pipeline's table topic's end offsets: a cross-check of what the pipeline reported (with
     * exactly-once delivery each committed batch also leaves a transaction marker, which takes an offset).
     */
    static long topicRecords(Sandbox sandbox, String topic) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                sandbox.kafka().bootstrapServers()))) {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(topic).partitions();
            Map<TopicPartition, OffsetSpec> specs = new LinkedHashMap<>();
            partitions.forEach(p -> specs.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS).values().stream()
                    .mapToLong(info -> info.offset()).sum();
        } catch (Exception e) {
            LOG.warn("could not read the end offsets of {}: {}", topic, e.toString());
            return -1;
        }
    }

    /** Follows the walsender of a slot (its active_pid) and its CPU time while the pipeline streams. */
    private static final class WalsenderWatch extends Thread {
        private final Sandbox sandbox;
        private final String slot;
        private volatile long pid = -1;
        private volatile long lastCpuMillis = -1;

        WalsenderWatch(Sandbox sandbox, String slot) {
            super("walsender-watch");
            setDaemon(true);
            this.sandbox = sandbox;
            this.slot = slot;
        }

        @Override
        public void run() {
            try (Connection c = sandbox.postgres().connect(DATABASE);
                 PreparedStatement ps = c.prepareStatement(
                         "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ? AND active")) {
                ps.setString(1, slot);
                while (!isInterrupted()) {
                    if (pid < 0) {
                        try (ResultSet rs = ps.executeQuery()) {
                            if (rs.next()) {
                                pid = rs.getLong(1);
                            }
                        }
                    }
                    if (pid > 0) {
                        long cpu = Proc.cpuMillis(pid);
                        if (cpu >= 0) {
                            lastCpuMillis = cpu; // a fresh process for this stream: all its CPU is the drain's
                        }
                    }
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                // done
            } catch (SQLException e) {
                LOG.warn("walsender watch failed: {}", e.toString());
            }
        }

        long lastCpuMillis() {
            return lastCpuMillis;
        }

        /** The walsender's CPU now (not the last 200 ms sample), or -1 before it is known. */
        long cpuMillisNow() {
            long p = pid;
            return p > 0 ? Proc.cpuMillis(p) : -1;
        }
    }

    private void report(Backlog backlog, RawPgoutputReader.Result rawCold, List<RawPgoutputReader.Result> raws,
                        RecvlogicalRun recv, PipelineRun p) {
        long n = backlog.changes();

        out.println();
        out.printf(Locale.ROOT, "Drain benchmark, %s, %d cores, %s %s, Java %s%n", LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.version"));
        out.printf(Locale.ROOT, "backlog: %,d changes (%,d inserts + %,d updates) on %s in transactions of %,d rows; "
                + "%s of WAL, written in %.1f s%n", n, backlog.inserts(), backlog.updates(), options.table(),
                options.rowsPerTransaction, mb(backlog.walBytes()), backlog.writeMillis() / 1000.0);
        out.printf(Locale.ROOT, "pipeline JVM: %s%s%n",
                options.childXmx.equals("none") ? "no -Xmx (the JVM's default)" : "-Xmx" + options.childXmx,
                options.childJvmArgs.isEmpty() ? "" : " " + String.join(" ", options.childJvmArgs));
        if (!options.pipelineOverrides.isEmpty()) {
            out.println("pipeline overrides: " + options.pipelineOverrides);
        }
        out.println();
        String fmt = "%-36s | %9s | %17s | %16s | %10s | %10s%n";
        out.printf(Locale.ROOT, fmt, "reader", "events", "launch->last ev/s", "first->last ev/s", "peak heap",
                "peak RSS");
        out.println("-".repeat(36) + "-+-" + "-".repeat(9) + "-+-" + "-".repeat(17) + "-+-" + "-".repeat(16) + "-+-"
                + "-".repeat(10) + "-+-" + "-".repeat(10));
        if (recv != null) {
            out.printf(Locale.ROOT, fmt, "pg_recvlogical (reference, to exit)", String.format(Locale.ROOT, "%,d",
                    n), rate(n * 1e9 / Math.max(1, recv.exitNanos() - recv.launchNanos())), "n/a", "n/a", "n/a");
        }
        if (rawCold != null) {
            out.printf(Locale.ROOT, fmt, "raw pgoutput, PgJDBC (cold JVM)", String.format(Locale.ROOT, "%,d",
                    rawCold.events()), rate(launchRate(rawCold)), rate(streamRate(rawCold)), "n/a", "n/a");
        }
        double rawLaunch = median(raws.stream().mapToDouble(DrainBenchmark::launchRate).toArray());
        double rawStream = median(raws.stream().mapToDouble(DrainBenchmark::streamRate).toArray());
        if (!raws.isEmpty()) {
            out.printf(Locale.ROOT, fmt, "raw pgoutput, PgJDBC (warm) = RAW", String.format(Locale.ROOT, "%,d",
                    raws.get(0).events()), rate(rawLaunch), rate(rawStream), "n/a", "n/a");
        }
        if (p != null) {
            out.printf(Locale.ROOT, fmt, "pipeline -> Kafka (own JVM)", String.format(Locale.ROOT, "%,d",
                    p.get("published")), rate(p.launchRate()), rate(p.streamRate()), mb(p.get("heapUsedPeakBytes")),
                    mb(p.peakRss()));
        }
        out.println();

        if (recv != null) {
            out.printf(Locale.ROOT, "pg_recvlogical: %s, %d ms from launch to exit at the last change%n",
                    recv.version(), (recv.exitNanos() - recv.launchNanos()) / 1_000_000);
        }
        for (int i = 0; i < raws.size(); i++) {
            RawPgoutputReader.Result r = raws.get(i);
            out.printf(Locale.ROOT, "raw reader pass %d/%d: %s ev/s first->last (%s launch->last), last change %d ms "
                            + "after launch; %,d messages, %s; CPU: reader thread %.1f s, walsender %.1f s, "
                            + "other processes %.1f s%n",
                    i + 1, raws.size(), rate(streamRate(r)), rate(launchRate(r)),
                    (r.lastEventNanos() - r.launchNanos()) / 1_000_000, r.messages(), mb(r.bytes()),
                    r.readerCpuMillis() / 1000.0, r.walsenderCpuMillis() / 1000.0,
                    Math.max(0, r.foreignCpuMillis()) / 1000.0);
        }
        if (!raws.isEmpty()) {
            out.println("RAW = the median of those passes");
        }
        if (p == null) {
            out.println("pipeline: not run (--skip-pipeline)");
            out.flush();
            return;
        }
        long launch = p.launchMillis();
        long first = p.get("firstEventAtMillis");
        long last = p.get("lastEventAtMillis");
        long rss = p.peakRss();
        out.printf(Locale.ROOT, "pipeline: JVM up %d ms after launch, running at %d ms, first batch acknowledged at "
                        + "%d ms (%,d events), last event at %d ms; %,d batches%n",
                p.get("mainStartMillis") - launch, p.get("runningAtMillis") - launch, first - launch,
                p.get("firstBatchEvents"), last - launch, p.get("batches"));
        out.printf(Locale.ROOT, "pipeline memory: heap used peak %s (sampled every 100 ms), heap committed peak %s, "
                        + "non-heap committed peak %s, RSS peak %s (VmHWM %s, sampled %s); %d threads%n",
                mb(p.get("heapUsedPeakBytes")), mb(p.get("heapCommittedPeakBytes")),
                mb(p.get("nonHeapCommittedPeakBytes")), mb(rss), mb(p.get("vmHwmBytes")),
                mb(p.get("rssPeakSampledBytes")), p.get("threads"));
        out.printf(Locale.ROOT, "pipeline CPU from launch to last event: pipeline JVM %.1f s (GC %.1f s in %d "
                        + "collections), walsender %.1f s, other PostgreSQL processes %.1f s, broker (orchestrator "
                        + "JVM) %.1f s, other processes %.1f s; wall %.1f s on %d cores%n",
                p.get("cpuMillis") / 1000.0, p.get("gcMillis") / 1000.0, p.get("gcCount"),
                p.walsenderCpuMillis() / 1000.0, p.postgresOtherCpuMillis() / 1000.0,
                p.orchestratorCpuMillis() / 1000.0,
                Math.max(0, p.foreignCpuMillis()) / 1000.0,
                (last - launch) / 1000.0, Runtime.getRuntime().availableProcessors());
        if (p.threadDumps().size() == 2) {
            out.println(threadShares(p.threadDumps().get(0), p.threadDumps().get(1)));
        }
        long foreign = Math.max(0, p.foreignCpuMillis())
                + raws.stream().mapToLong(r -> Math.max(0, r.foreignCpuMillis())).sum();
        long measuredWall = (last - launch) + raws.stream()
                .mapToLong(r -> (r.lastEventNanos() - r.launchNanos()) / 1_000_000).sum();
        if (foreign > 0.10 * measuredWall) {
            out.printf(Locale.ROOT, "WARNING: other processes used %.1f CPU-seconds during the %.1f s measured "
                    + "(%.0f%% of one core): the machine was not quiet, the figures are low and noisy%n",
                    foreign / 1000.0, measuredWall / 1000.0, 100.0 * foreign / measuredWall);
        }
        out.printf(Locale.ROOT, "Kafka topic %s.%s ends at offset %,d (records, plus one transaction marker per batch "
                + "with exactly-once delivery)%s%n", PIPELINE_NAME, options.table(), p.topicRecords(),
                p.topicRecords() >= 0 && p.topicRecords() < n ? " (FEWER than the backlog!)" : "");
        out.println();

        if (!raws.isEmpty()) {
            double launchRatio = p.launchRate() / rawLaunch;
            double streamRatio = p.streamRate() / rawStream;
            out.printf(Locale.ROOT, "ratio pipeline/RAW: launch->last %.3f, first->last (streaming) %.3f%n",
                    launchRatio, streamRatio);
            out.printf(Locale.ROOT, "target streaming ratio >= %.2f: %s (%.3f)%n", TARGET_RATIO,
                    streamRatio >= TARGET_RATIO ? "PASS" : "MISS", streamRatio);
        } else {
            out.println("ratio pipeline/RAW: n/a (--skip-raw)");
        }
        out.printf(Locale.ROOT, "target peak RSS < %s: %s (%s)%n", mb(TARGET_RSS_BYTES),
                rss < TARGET_RSS_BYTES ? "PASS" : "MISS", mb(rss));
        out.flush();
    }

    /**
     * --workload toast: what the fix cost the source (its counters of bench.docs over the drain, the WAL of the
     * backlog) and the pipeline (CPU per event), and whether the events are what the fix promises. Returns false,
     * after saying why, when they are not: the run is invalid.
     */
    private boolean reportToast(Sandbox sandbox, ToastWorkload.Loaded loaded, Backlog backlog, PipelineRun p)
            throws SQLException, InterruptedException {
        Thread.sleep(1500); // the pipeline's backends have exited: their statistics are flushed
        ToastWorkload.TableStats d;
        try (Connection c = connect(sandbox)) {
            d = ToastWorkload.stats(c).minus(toastStatsBefore);
        }
        ToastWorkload.EventCheck check = toast.check(sandbox.kafka().bootstrapServers(),
                PIPELINE_NAME + "." + options.table(), backlog.updates());
        long n = p.get("published");
        double pipelineUs = p.get("cpuMillis") * 1000.0 / n;
        double walsenderUs = Math.max(0, p.walsenderCpuMillis()) * 1000.0 / n;
        double postgresOtherUs = Math.max(0, p.postgresOtherCpuMillis()) * 1000.0 / n;
        long measuredWall = p.get("lastEventAtMillis") - p.launchMillis();
        double foreignPct = 100.0 * Math.max(0, p.foreignCpuMillis()) / Math.max(1, measuredWall);
        Streaming st = p.streaming();
        double sPipelineUs = st.perEventMicros(st.pipelineCpuMillis());
        double sWalsenderUs = st.perEventMicros(st.walsenderCpuMillis());
        double sPostgresOtherUs = st.postgresCpuMillis() < 0 ? Double.NaN
                : st.perEventMicros(st.postgresCpuMillis() - Math.max(0, st.walsenderCpuMillis()));
        long streamWall = p.get("lastEventAtMillis") - p.get("firstEventAtMillis");
        // the broker (this JVM) is not in the streaming figures: other processes = machine - pipeline - PostgreSQL
        // - this JVM's share, approximated by its share over the whole run
        double orchestratorShare = p.orchestratorCpuMillis() / (double) Math.max(1, measuredWall);
        double sForeignPct = st.machineBusyMillis() < 0 || st.postgresCpuMillis() < 0 ? Double.NaN
                : 100.0 * Math.max(0, st.machineBusyMillis() - st.pipelineCpuMillis() - st.postgresCpuMillis()
                        - orchestratorShare * streamWall) / Math.max(1, streamWall);
        boolean valid = check.problems().isEmpty();

        out.println();
        out.printf(Locale.ROOT, "TOAST workload, fix: %s%s%n", toast.fix().label(), switch (toast.fix()) {
            case NONE -> " (events carry " + ToastWorkload.PLACEHOLDER + ")";
            case RESELECT -> " (source.toast.reselect=" + options.pipelineOverrides.get("source.toast.reselect")
                    + ")";
            case FULL -> " (REPLICA IDENTITY FULL before the backlog)";
        });
        out.printf(Locale.ROOT, "%s: %,d rows loaded before the slots, body %,d bytes of md5 hex (pg_column_size %,d: "
                        + "uncompressed, out of line), TOAST relation %s, table %s; %,d updates of the small columns, "
                        + "%,d rows per transaction%n", ToastWorkload.TABLE, loaded.rows(), loaded.bodyBytes(),
                loaded.bodyColumnBytes(), mb(loaded.toastRelationBytes()), mb(loaded.tableBytes()),
                backlog.updates(), Math.min(loaded.rows(), options.rowsPerTransaction));
        out.printf(Locale.ROOT, "backlog WAL: %,d bytes = %,.0f bytes per update%n", backlog.walBytes(),
                backlog.walBytes() / (double) backlog.updates());
        out.printf(Locale.ROOT, "source reads of %s during the drain (pg_stat_user_tables, pg_statio_user_tables): "
                        + "idx_scan %+,d, idx_tup_fetch %+,d, seq_scan %+,d; blocks: heap %+,d, index %+,d, TOAST "
                        + "%+,d (%+,d not in shared buffers), TOAST index %+,d%n", ToastWorkload.TABLE,
                d.get("idx_scan"), d.get("idx_tup_fetch"), d.get("seq_scan"), d.get("heap_blks"), d.get("idx_blks"),
                d.get("toast_blks"), d.get("toast_blks_read"), d.get("toast_idx_blks"));
        out.printf(Locale.ROOT, "CPU per event while streaming (first batch acknowledged to last event, %,d events, "
                        + "%.1f s): pipeline JVM %.1f us, walsender %.1f us, other PostgreSQL processes %.1f us (the "
                        + "pipeline's queries among them), total %.1f us; other processes on the machine meanwhile: "
                        + "%.0f%% of a core%n", st.events(), streamWall / 1000.0, sPipelineUs, sWalsenderUs,
                sPostgresOtherUs, sPipelineUs + sWalsenderUs + sPostgresOtherUs, sForeignPct);
        out.printf(Locale.ROOT, "CPU per event, launch to last event (start-up included): pipeline JVM %.1f us, "
                        + "walsender %.1f us, other PostgreSQL processes %.1f us, total %.1f us%n",
                pipelineUs, walsenderUs, postgresOtherUs, pipelineUs + walsenderUs + postgresOtherUs);
        out.printf(Locale.ROOT, "events: %,d records, %,d updates: %,d with the loaded body, %,d with the placeholder, "
                        + "%,d wrong; %,d with the old body in \"before\"; %,.0f bytes per record value%n",
                check.records(), check.updates(), check.withValue(), check.withPlaceholder(), check.wrong(),
                check.beforeWithBody(), check.valueBytes() / (double) Math.max(1, check.records()));
        if (valid) {
            out.printf(Locale.ROOT, "VALID: every update event carries %s%n", toast.fix() == ToastWorkload.Fix.NONE
                    ? "the placeholder, as it must without a fix" : "the loaded body, as the fix promises");
        } else {
            out.println("INVALID: the events are not what fix " + toast.fix().label() + " promises:");
            check.problems().forEach(problem -> out.println("  " + problem));
        }
        out.printf(Locale.ROOT, "RESULT workload=toast fix=%s rows=%d bodyBytes=%d updates=%d streamEvps=%.0f "
                        + "launchEvps=%.0f pipelineCpuUs=%.1f walsenderCpuUs=%.1f pgOtherCpuUs=%.1f "
                        + "streamForeignPctOfCore=%.0f walBytesPerUpdate=%.0f backlogWriteMs=%d idxScan=%d seqScan=%d "
                        + "toastBlks=%d heapBlks=%d idxBlks=%d toastIdxBlks=%d valueBytes=%.0f foreignPctOfCore=%.0f "
                        + "valid=%s%n",
                toast.fix().label(), loaded.rows(), loaded.bodyBytes(), backlog.updates(), p.streamRate(),
                p.launchRate(), sPipelineUs, sWalsenderUs, sPostgresOtherUs, sForeignPct,
                backlog.walBytes() / (double) backlog.updates(), backlog.writeMillis(), d.get("idx_scan"),
                d.get("seq_scan"), d.get("toast_blks"), d.get("heap_blks"), d.get("idx_blks"),
                d.get("toast_idx_blks"), check.valueBytes() / (double) Math.max(1, check.records()),
                foreignPct, valid);
        out.flush();
        return valid;
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static double launchRate(RawPgoutputReader.Result r) {
        return r.events() * 1e9 / Math.max(1, r.lastEventNanos() - r.launchNanos());
    }

    private static double streamRate(RawPgoutputReader.Result r) {
        return (r.events() - 1) * 1e9 / Math.max(1, r.lastEventNanos() - r.firstEventNanos());
    }

    private static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    static String mb(long bytes) {
        return bytes < 0 ? "n/a" : String.format(Locale.ROOT, "%.0f MB", bytes / (1024.0 * 1024.0));
    }

    static void writeProperties(Path file, Map<String, String> settings) throws IOException {
        Properties p = new Properties();
        settings.forEach(p::setProperty);
        try (var w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            p.store(w, "benchmark pipeline");
        }
    }

    private static void dropSlot(Sandbox sandbox, String slot) throws SQLException {
        try (Connection c = connect(sandbox); Statement st = c.createStatement()) {
            // The walsender may need a moment to release the slot after the stream closed.
            for (int attempt = 0; ; attempt++) {
                try {
                    st.execute("SELECT pg_drop_replication_slot('" + slot + "')");
                    return;
                } catch (SQLException e) {
                    if (attempt >= 50) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Connection connect(Sandbox sandbox) throws SQLException {
        return DriverManager.getConnection(sandbox.postgres().jdbcUrl(DATABASE), sandbox.postgres().superuser(),
                sandbox.postgres().superuserPassword());
    }

    private static String queryString(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            if (!rs.next()) {
                throw new IllegalStateException("no row: " + sql);
            }
            return rs.getString(1);
        }
    }

    static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("could not delete " + root, e);
        }
    }
}
