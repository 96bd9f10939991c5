package dev.strangler.bench;

import dev.strangler.sandbox.Sandbox;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parity benchmark: can the parity check handle a large table within a 512 MB heap, and how fast are its two
 * sides compared with what PostgreSQL itself does with the same table in the same run?
 *
 * <ol>
 *   <li>Loads N rows (default 10 million) of typical columns into a table, then VACUUM ANALYZE.</li>
 *   <li>The real pipeline ({@link PipelineDrainMain}, own JVM, snapshot.mode=initial) publishes the table's initial
 *       snapshot to Kafka, then keeps running ({@code --hold}) so its heartbeat moves the slot past the cut.</li>
 *   <li>Once the slot has confirmed a position past the current WAL (the check would not have to wait), the
 *       reference: {@code COPY (SELECT * FROM t) TO STDOUT} through PgJDBC's CopyManager, output discarded.</li>
 *   <li>The parity check ({@link ParityCheckMain}) in its own JVM with {@code -Xmx512m}: verdict, phase times,
 *       peak heap and RSS. The verdict must be GO with every row matched: anything else invalidates the run
 *       (exit code 1).</li>
 *   <li>COPY again, and a plain JDBC scan (the checker's fetch size, every column read as text, nothing else done
 *       with it) to split the table side's cost between the driver and the checker's own work.</li>
 * </ol>
 */
public final class ParityBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(ParityBenchmark.class);

    static final long HEAP_LIMIT_BYTES = 512L * 1024 * 1024;
    private static final String DATABASE = "bench";
    private static final String TABLE = "bench.parity_items";
    private static final String PIPELINE_NAME = "parity";
    private static final String SLOT = "bench_parity";

    static final class Options {
        long rows = 10_000_000;
        long rowsPerTransaction = 1_000_000;
        String checkXmx = "512m";
        List<String> checkJvmArgs = new ArrayList<>();
        String pipelineXmx = "512m";
        Map<String, String> pipelineOverrides = new LinkedHashMap<>();
        Duration timeout = Duration.ofMinutes(60);
        Duration waitQuiet = Duration.ZERO;
        boolean jdbcBaseline = true;
        Path out;
        /** The check runs once per mode, in this order, each in its own JVM, on the same data. */
        List<String> tableCompare = List.of("scan");
        /** Steps: before each, rows are changed behind the pipeline until this many differ; then every mode runs. */
        List<Long> differences = List.of(0L);
        /** The scan at the first step only: its cost does not depend on how many rows differ. */
        boolean scanOnce;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--rows" -> { o.rows = Long.parseLong(require(a, value).replace("_", "")); i++; }
                    case "--rows-per-tx" -> { o.rowsPerTransaction = Long.parseLong(require(a, value)); i++; }
                    case "--check-xmx" -> { o.checkXmx = require(a, value); i++; }
                    case "--check-jvm-arg" -> { o.checkJvmArgs.add(require(a, value)); i++; }
                    case "--pipeline-xmx" -> { o.pipelineXmx = require(a, value); i++; }
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
                    case "--wait-quiet" -> { o.waitQuiet = Duration.ofSeconds(Long.parseLong(require(a, value))); i++; }
                    case "--no-jdbc-baseline" -> o.jdbcBaseline = false;
                    case "--scan-once" -> o.scanOnce = true;
                    case "--table-compare" -> {
                        o.tableCompare = List.of(require(a, value).split(","));
                        o.tableCompare.forEach(dev.strangler.parity.TableCompare.Mode::parse);
                        i++;
                    }
                    case "--differences" -> {
                        o.differences = java.util.Arrays.stream(require(a, value).replace("_", "").split(","))
                                .map(Long::parseLong).toList();
                        i++;
                    }
                    case "--out" -> { o.out = Path.of(require(a, value)); i++; }
                    case "-h", "--help" -> {
                        System.out.println(usage());
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + a + "'\n" + usage());
                }
            }
            if (o.rows < 1) {
                throw new IllegalArgumentException("--rows must be at least 1");
            }
            for (int d = 0; d < o.differences.size(); d++) {
                long n = o.differences.get(d);
                if (n < 0 || n > o.rows || (d > 0 && n < o.differences.get(d - 1))) {
                    throw new IllegalArgumentException("--differences takes rising counts between 0 and --rows ("
                            + o.rows + "), not " + o.differences);
                }
            }
            return o;
        }

        private static String require(String option, String value) {
            if (value == null) {
                throw new IllegalArgumentException(option + " needs a value");
            }
            return value;
        }

        static String usage() {
            return """
                    ParityBenchmark [options]
                      --rows N               rows in the table (default 10000000)
                      --rows-per-tx N        rows per loading transaction (default 1000000)
                      --check-xmx SIZE       -Xmx of the parity check's JVM (default 512m)
                      --check-jvm-arg ARG    extra JVM argument for the parity check (repeatable); without a
                                             -XX:+Use...GC among them the check runs with -XX:+UseG1GC, as
                                             `./strangler parity` ships (-XX:+UseParallelGC to compare)
                      --pipeline-xmx SIZE    -Xmx of the pipeline's JVM (default 512m)
                      --set KEY=VALUE        pipeline property (repeatable)
                      --timeout-seconds N    bound of the snapshot and of the check, each (default 3600)
                      --wait-quiet SECONDS   before each measurement, wait up to this long until other
                                             processes use less than 1/4 of a core (default 0)
                      --no-jdbc-baseline     skip the plain JDBC scan after the check
                      --table-compare MODES  the check once per mode, comma-separated, in this order: scan,
                                             in-database (default scan); ratios against the first scan
                      --differences N,...    rising counts of rows changed behind the pipeline's back (the
                                             table out of its publication meanwhile), spread evenly over the
                                             keys: before each step more rows are changed until N differ, then
                                             every mode runs and must find exactly those rows (default 0)
                      --scan-once            the scan at the first step only (its cost does not depend on the
                                             differences), the other modes at every step
                      --out DIR              keep logs, properties (and the spill, while it runs) here
                                             (default: a temporary directory, deleted at the end)""";
        }
    }

    /** One COPY ... TO STDOUT or plain JDBC scan of the table. */
    record Scan(String what, long rows, long bytes, long millis, CpuAccount.Usage cpu) {
        double rowsPerSecond() {
            return rows * 1000.0 / Math.max(1, millis);
        }
    }

    record Load(long rows, long millis, long tableBytes, long totalBytes) {
    }

    private final Options options;
    private final PrintStream out = System.out;

    ParityBenchmark(Options options) {
        this.options = options;
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
            code = new ParityBenchmark(options).run();
        } catch (Exception e) {
            LOG.error("the benchmark broke: {}", e.toString(), e);
            code = 3;
        }
        System.exit(code);
    }

    int run() throws Exception {
        Path work = options.out != null ? Files.createDirectories(options.out)
                : Files.createTempDirectory("strangler-bench-parity-");
        Sandbox sandbox = null;
        ChildJvm pipeline = null;
        try {
            sandbox = Sandbox.start().registerShutdownHook();
            sandbox.postgres().createDatabase(DATABASE);
            Load load = load(sandbox);
            LOG.info("table {}: {} rows loaded in {} s, {} (with indexes {})", TABLE, load.rows(),
                    load.millis() / 1000, DrainBenchmark.mb(load.tableBytes()), DrainBenchmark.mb(load.totalBytes()));

            // The pipeline: initial snapshot of the table, then held running (heartbeats) during the check.
            Path properties = work.resolve("pipeline.properties");
            DrainBenchmark.writeProperties(properties, pipelineSettings(sandbox));
            LOG.info("pipeline: snapshot of {} rows in its own JVM (-Xmx{}) ...", options.rows, options.pipelineXmx);
            long[] lastLog = {0};
            pipeline = ChildJvm.launch("pipeline", options.pipelineXmx, List.of(), PipelineDrainMain.class,
                    List.of(properties.toString(), Long.toString(options.rows),
                            Long.toString(options.timeout.toSeconds()), "--hold"),
                    work.resolve("pipeline.log"), line -> {
                        if (line.kind().equals("progress") && line.atMillis() - lastLog[0] >= 15_000) {
                            lastLog[0] = line.atMillis();
                            LOG.info("pipeline: {} published, heap used {}, RSS {}", line.str("published"),
                                    DrainBenchmark.mb(line.num("heapUsedBytes")),
                                    DrainBenchmark.mb(line.num("rssBytes")));
                        }
                    });
            CpuAccount.Tracker snapshotCpu = new CpuAccount()
                    .group("pipeline JVM", CpuAccount.pid(pipeline.pid()))
                    .group("PostgreSQL", CpuAccount.postgres(sandbox.postgres().dataDirectory()))
                    .group("this JVM (Kafka broker)", CpuAccount.self()).track();
            ChildJvm.Line snapshot = pipeline.awaitResult(options.timeout.plusMinutes(3));
            CpuAccount.Usage snapshotUsage = snapshotCpu.finish();
            LOG.info("pipeline: snapshot published in {} s", (snapshot.num("lastEventAtMillis")
                    - pipeline.launchMillis()) / 1000);
            long topicRecords = DrainBenchmark.topicRecords(sandbox, PIPELINE_NAME + "." + TABLE);
            long topicBytes = ParityCheckMain.directorySize(sandbox.kafka().logDirectory()
                    .resolve(PIPELINE_NAME + "." + TABLE + "-0"));
            long slotWaitMillis = awaitSlotPastCurrentWal(sandbox);

            CpuAccount cpu = new CpuAccount()
                    .group("this JVM (Kafka broker)", CpuAccount.self())
                    .group("PostgreSQL", CpuAccount.postgres(sandbox.postgres().dataDirectory()))
                    .group("pipeline JVM (idle, heartbeats)", CpuAccount.pid(pipeline.pid()));
            Quiet.await(options.waitQuiet, pipeline.pid());
            Scan copy1 = copy(sandbox, cpu, "COPY, before the check");

            List<List<CheckRun>> steps = new ArrayList<>();
            for (long differences : options.differences) {
                long changed = differences == 0 ? 0 : changeBehindThePipeline(sandbox, differences);
                awaitSlotPastCurrentWal(sandbox);
                List<CheckRun> checks = new ArrayList<>();
                for (String mode : options.tableCompare) {
                    if (options.scanOnce && mode.equals("scan") && !steps.isEmpty()) {
                        continue;
                    }
                    Quiet.await(options.waitQuiet, pipeline.pid());
                    checks.add(runCheck(sandbox, work, pipeline.pid(), mode, changed));
                }
                steps.add(checks);
            }

            Quiet.await(options.waitQuiet, pipeline.pid());
            Scan copy2 = copy(sandbox, cpu, "COPY, after the check");
            Scan jdbc = null;
            if (options.jdbcBaseline) {
                Quiet.await(options.waitQuiet, pipeline.pid());
                jdbc = jdbcScan(sandbox, cpu);
            }
            pipeline.release();
            pipeline.awaitExit(Duration.ofSeconds(120));

            boolean valid = true;
            for (List<CheckRun> checks : steps) {
                for (CheckRun check : checks) {
                    valid &= report(load, snapshot, snapshotUsage, pipeline.launchMillis(), topicRecords, topicBytes,
                            slotWaitMillis, copy1, copy2, jdbc, check);
                }
            }
            CheckRun firstScan = steps.stream().flatMap(List::stream).filter(c -> c.mode().equals("scan")).findFirst()
                    .orElse(null);
            for (List<CheckRun> checks : steps) {
                compareModes(checks, firstScan);
            }
            if (options.out != null) {
                out.println("logs and properties: " + work.toAbsolutePath());
            }
            return valid ? 0 : 1;
        } finally {
            if (pipeline != null) {
                pipeline.close();
            }
            if (sandbox != null) {
                sandbox.close();
            }
            if (options.out == null) {
                DrainBenchmark.deleteRecursively(work);
            }
        }
    }

    private Map<String, String> pipelineSettings(Sandbox sandbox) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("pipeline.name", PIPELINE_NAME);
        m.put("source.url", sandbox.postgres().jdbcUrl(DATABASE));
        m.put("source.user", sandbox.postgres().superuser());
        m.put("source.password", sandbox.postgres().superuserPassword());
        m.put("source.tables", TABLE);
        m.put("source.slot", SLOT);
        m.put("kafka.bootstrap.servers", sandbox.kafka().bootstrapServers());
        m.put("snapshot.mode", "initial");
        m.put("heartbeat.interval", "1s");
        m.put("offsets.flush.interval", "1s");
        m.putAll(options.pipelineOverrides);
        return m;
    }

    /**
     * bigint key, text, a nullable text, numeric, timestamptz and a small jsonb; loaded without the primary key
     * (added afterwards: faster), then VACUUM ANALYZE, so that no scan sets hint bits for the others and reltuples
     * is right for the checker's estimate.
     */
    private Load load(Sandbox sandbox) throws SQLException {
        long started = System.nanoTime();
        try (Connection c = sandbox.postgres().connect(DATABASE); Statement st = c.createStatement()) {
            st.execute("CREATE SCHEMA bench");
            st.execute("""
                    CREATE TABLE bench.parity_items (
                        id          bigint        NOT NULL,
                        name        text          NOT NULL,
                        description text,
                        price       numeric(12,2) NOT NULL,
                        updated_at  timestamptz   NOT NULL,
                        attrs       jsonb         NOT NULL
                    )""");
            try (PreparedStatement insert = c.prepareStatement("""
                    INSERT INTO bench.parity_items (id, name, description, price, updated_at, attrs)
                    SELECT g, 'Item ' || g,
                           CASE WHEN g % 10 = 0 THEN NULL
                                ELSE 'Parity benchmark row ' || g || ', a typical description of some length' END,
                           ((g * 7919) % 1000000) / 100.0,
                           timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second'
                               + (g % 1000) * interval '1 millisecond',
                           jsonb_build_object('color', (ARRAY['red','green','blue','black'])[1 + (g % 4)::int],
                                              'qty', g % 100, 'tags', jsonb_build_array('bench', 'parity'),
                                              'fragile', g % 7 = 0)
                    FROM generate_series(?::bigint, ?::bigint) AS g""")) {
                for (long from = 1; from <= options.rows; from += options.rowsPerTransaction) {
                    long to = Math.min(options.rows, from + options.rowsPerTransaction - 1);
                    insert.setLong(1, from);
                    insert.setLong(2, to);
                    insert.executeUpdate();
                    LOG.info("loaded {} of {} rows", to, options.rows);
                }
            }
            st.execute("ALTER TABLE bench.parity_items ADD PRIMARY KEY (id)");
            st.execute("VACUUM (ANALYZE) bench.parity_items");
            long millis = (System.nanoTime() - started) / 1_000_000;
            try (ResultSet rs = st.executeQuery("SELECT pg_table_size('bench.parity_items'), "
                    + "pg_total_relation_size('bench.parity_items')")) {
                rs.next();
                return new Load(options.rows, millis, rs.getLong(1), rs.getLong(2));
            }
        }
    }

    /**
     * Waits until the slot has confirmed a position past the current WAL: the check then finds the pipeline caught
     * up at its cut (after one more heartbeat), as it would be at a real cut-over.
     */
    private static long awaitSlotPastCurrentWal(Sandbox sandbox) throws SQLException, InterruptedException {
        long started = System.nanoTime();
        try (Connection c = sandbox.postgres().connect(DATABASE); Statement st = c.createStatement()) {
            String target;
            try (ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
                rs.next();
                target = rs.getString(1);
            }
            while (true) {
                try (ResultSet rs = st.executeQuery("SELECT confirmed_flush_lsn > '" + target + "'::pg_lsn FROM "
                        + "pg_replication_slots WHERE slot_name = '" + SLOT + "'")) {
                    if (rs.next() && rs.getBoolean(1)) {
                        return (System.nanoTime() - started) / 1_000_000;
                    }
                }
                if (System.nanoTime() - started > Duration.ofMinutes(5).toNanos()) {
                    throw new IllegalStateException("the pipeline's slot did not pass " + target + " within 5 min");
                }
                Thread.sleep(200);
            }
        }
    }

    /** Discards COPY's output, counting bytes. */
    private static final class Discard extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }

    private Scan copy(Sandbox sandbox, CpuAccount cpu, String what) throws SQLException, IOException {
        LOG.info("{}: COPY (SELECT * FROM {}) TO STDOUT ...", what, TABLE);
        try (Connection c = sandbox.postgres().connect(DATABASE)) {
            Discard sink = new Discard();
            CpuAccount.Sample from = cpu.sample();
            long t0 = System.nanoTime();
            long rows = c.unwrap(PGConnection.class).getCopyAPI()
                    .copyOut("COPY (SELECT * FROM " + TABLE + ") TO STDOUT", sink);
            long millis = (System.nanoTime() - t0) / 1_000_000;
            Scan s = new Scan(what, rows, sink.bytes, millis, CpuAccount.between(from, cpu.sample()));
            LOG.info("{}: {} rows, {} in {} ms", what, rows, DrainBenchmark.mb(sink.bytes), millis);
            return s;
        }
    }

    /** What the checker's table side does minus its own work: same fetch size, every column as text. */
    private Scan jdbcScan(Sandbox sandbox, CpuAccount cpu) throws SQLException {
        LOG.info("plain JDBC scan of {} (fetch size 5000, getString of every column) ...", TABLE);
        try (Connection c = sandbox.postgres().connect(DATABASE)) {
            c.setAutoCommit(false);
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            CpuAccount.Sample from = cpu.sample();
            long t0 = System.nanoTime();
            long rows = 0;
            long chars = 0;
            try (PreparedStatement ps = c.prepareStatement("SELECT * FROM " + TABLE)) {
                ps.setFetchSize(5_000);
                try (ResultSet rs = ps.executeQuery()) {
                    int columns = rs.getMetaData().getColumnCount();
                    while (rs.next()) {
                        for (int i = 1; i <= columns; i++) {
                            String v = rs.getString(i);
                            chars += v == null ? 0 : v.length();
                        }
                        rows++;
                    }
                }
            }
            c.rollback();
            long millis = (System.nanoTime() - t0) / 1_000_000;
            LOG.info("plain JDBC scan: {} rows in {} ms", rows, millis);
            return new Scan("plain JDBC scan (this JVM)", rows, chars, millis, CpuAccount.between(from, cpu.sample()));
        }
    }

    /**
     * Changes {@code n} rows, spread evenly over the keys, while the table is out of the pipeline's publication: the
     * pipeline never sees these changes, as with a write that bypassed it, so the check must report each of them.
     */
    private static long changeBehindThePipeline(Sandbox sandbox, long n) throws SQLException {
        try (Connection c = sandbox.postgres().connect(DATABASE); Statement st = c.createStatement()) {
            String publication;
            try (ResultSet rs = st.executeQuery("SELECT pubname FROM pg_publication_tables WHERE schemaname = 'bench' "
                    + "AND tablename = 'parity_items'")) {
                if (!rs.next()) {
                    throw new IllegalStateException("no publication holds " + TABLE);
                }
                publication = rs.getString(1);
            }
            st.execute("ALTER PUBLICATION \"" + publication + "\" DROP TABLE " + TABLE);
            long total;
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + TABLE)) {
                rs.next();
                total = rs.getLong(1);
            }
            long step = total / n;
            // keys 1, 1 + step, ...: a later step's keys include an earlier one's when its step divides the earlier
            int added = st.executeUpdate("UPDATE " + TABLE + " SET name = name || ' (changed behind the pipeline)' "
                    + "WHERE id % " + step + " = 1 % " + step + " AND id <= " + (step * (n - 1) + 1)
                    + " AND name NOT LIKE '%(changed behind the pipeline)'");
            st.execute("ALTER PUBLICATION \"" + publication + "\" ADD TABLE " + TABLE);
            long changed;
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + TABLE + " WHERE name LIKE "
                    + "'%(changed behind the pipeline)'")) {
                rs.next();
                changed = rs.getLong(1);
            }
            LOG.info("{} more rows changed behind the pipeline (every {}th key, the table out of publication {}): {} "
                    + "in all", added, step, publication, changed);
            return changed;
        }
    }

    /** The in-database runs against the first scan of the same run: time, CPU, rows fetched. */
    private void compareModes(List<CheckRun> checks, CheckRun firstScan) {
        CheckRun scan = checks.stream().filter(c -> c.mode().equals("scan")).findFirst().orElse(firstScan);
        if (scan == null || checks.isEmpty()) {
            return;
        }
        out.println();
        out.printf(Locale.ROOT, "%,d rows changed behind the pipeline; x scan: against the scan with %,d:%n",
                checks.get(0).differences(), scan.differences());
        String fmt = "%-12s | %9s | %9s | %12s | %9s | %12s | %9s | %12s | %10s | %10s%n";
        out.printf(Locale.ROOT, fmt, "mode", "run() s", "x scan", "check CPU s", "x scan", "PG CPU s", "x scan",
                "rows fetched", "buckets", "differing");
        double scanCheckCpu = scan.cpu().groups().getOrDefault("parity check JVM", 0L);
        double scanPgCpu = scan.cpu().groups().getOrDefault("PostgreSQL", 0L);
        for (CheckRun c : checks) {
            long run = c.num("runEndMillis") - c.num("runStartMillis");
            long scanRun = scan.num("runEndMillis") - scan.num("runStartMillis");
            long checkCpu = c.cpu().groups().getOrDefault("parity check JVM", 0L);
            long pgCpu = c.cpu().groups().getOrDefault("PostgreSQL", 0L);
            out.printf(Locale.ROOT, fmt, c.mode(), secs(run), String.format(Locale.ROOT, "%.2f",
                            (double) run / Math.max(1, scanRun)), secs(checkCpu),
                    String.format(Locale.ROOT, "%.2f", checkCpu / Math.max(1, scanCheckCpu)), secs(pgCpu),
                    String.format(Locale.ROOT, "%.2f", pgCpu / Math.max(1, scanPgCpu)),
                    String.format(Locale.ROOT, "%,d", c.num("rowsFetched")),
                    String.format(Locale.ROOT, "%,d", c.num("buckets")),
                    String.format(Locale.ROOT, "%,d", c.num("differingBuckets")));
        }
        out.flush();
    }

    record CheckRun(String mode, long differences, ChildJvm.Line result, long launchMillis, CpuAccount.Usage cpu) {
        long num(String key) {
            return result.num(key);
        }
    }

    private CheckRun runCheck(Sandbox sandbox, Path work, long pipelinePid, String mode, long differences)
            throws Exception {
        Properties p = new Properties();
        p.setProperty("jdbcUrl", sandbox.postgres().jdbcUrl(DATABASE));
        p.setProperty("user", sandbox.postgres().superuser());
        p.setProperty("password", sandbox.postgres().superuserPassword());
        p.setProperty("slot", SLOT);
        p.setProperty("bootstrapServers", sandbox.kafka().bootstrapServers());
        p.setProperty("topicPrefix", PIPELINE_NAME);
        p.setProperty("table", TABLE);
        p.setProperty("workDirectory", work.resolve("spill").toAbsolutePath().toString());
        p.setProperty("timeoutSeconds", "300");
        p.setProperty("tableCompare", mode);
        Path file = work.resolve("check.properties");
        try (var w = Files.newBufferedWriter(file)) {
            p.store(w, "parity benchmark check");
        }
        List<String> jvmArgs = checkJvmArgs(options.checkJvmArgs);
        LOG.info("parity check ({}) in its own JVM (-Xmx{}{}) ...", mode, options.checkXmx,
                jvmArgs.isEmpty() ? "" : " " + String.join(" ", jvmArgs));
        long[] lastLog = {0};
        ChildJvm check = ChildJvm.launch("parity-check", options.checkXmx, jvmArgs, ParityCheckMain.class,
                List.of(file.toString()), work.resolve("check.log"), line -> {
                    if (line.kind().equals("progress") && line.atMillis() - lastLog[0] >= 15_000) {
                        lastLog[0] = line.atMillis();
                        LOG.info("parity check: {}", line.text());
                    }
                });
        try {
            CpuAccount cpu = new CpuAccount()
                    .group("parity check JVM", CpuAccount.pid(check.pid()))
                    .group("PostgreSQL", CpuAccount.postgres(sandbox.postgres().dataDirectory()))
                    .group("this JVM (Kafka broker)", CpuAccount.self())
                    .group("pipeline JVM (idle, heartbeats)", CpuAccount.pid(pipelinePid));
            CpuAccount.Tracker tracker = cpu.track();
            ChildJvm.Line result = check.awaitResult(options.timeout.plusMinutes(3));
            // The child reports its own CPU: it may have exited before the tracker's last sample.
            CpuAccount.Usage usage = tracker.finish().withGroup("parity check JVM", result.num("cpuMillis"));
            check.awaitExit(Duration.ofSeconds(60));
            return new CheckRun(mode, differences, result, check.launchMillis(), usage);
        } finally {
            check.close();
        }
    }

    private boolean report(Load load, ChildJvm.Line snap, CpuAccount.Usage snapCpu, long pipelineLaunch,
                           long topicRecords, long topicBytes, long slotWaitMillis, Scan copy1, Scan copy2,
                           Scan jdbc, CheckRun check) {
        long n = load.rows();
        out.println();
        out.printf(Locale.ROOT, "Parity benchmark, check with --table-compare %s and %,d rows changed behind the "
                + "pipeline, %s, %d cores, %s %s, Java %s%n", check.mode(), check.differences(), LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.version"));
        out.printf(Locale.ROOT, "table %s: %,d rows (bigint pk, text, nullable text, numeric(12,2), timestamptz, "
                + "small jsonb), %s (%s with its index), loaded and vacuumed in %.0f s%n", TABLE, n,
                DrainBenchmark.mb(load.tableBytes()), DrainBenchmark.mb(load.totalBytes()), load.millis() / 1000.0);
        long snapMillis = snap.num("lastEventAtMillis") - pipelineLaunch;
        out.printf(Locale.ROOT, "initial snapshot by the pipeline (own JVM, -Xmx%s): %,d events in %.0f s = %,.0f "
                        + "ev/s launch->last (%,.0f ev/s first->last); peak heap %s, peak RSS %s%n",
                options.pipelineXmx, snap.num("published"), snapMillis / 1000.0,
                snap.num("published") * 1000.0 / Math.max(1, snapMillis),
                (snap.num("published") - snap.num("firstBatchEvents")) * 1000.0
                        / Math.max(1, snap.num("lastEventAtMillis") - snap.num("firstEventAtMillis")),
                DrainBenchmark.mb(snap.num("heapUsedPeakBytes")),
                DrainBenchmark.mb(Math.max(snap.num("vmHwmBytes"), snap.num("rssPeakSampledBytes"))));
        out.printf(Locale.ROOT, "CPU during the snapshot (launch to last event): %s%n", snapCpu.describe());
        out.printf(Locale.ROOT, "topic %s.%s: end offsets %,d (records and transaction markers), %s on disk; slot past the current WAL %.1f s after the "
                + "snapshot's last event%n", PIPELINE_NAME, TABLE, topicRecords, DrainBenchmark.mb(topicBytes),
                slotWaitMillis / 1000.0);
        out.println();

        long runStart = check.num("runStartMillis");
        long waitEnd = check.num("waitingCalls") > 0 ? check.num("lastWaitingMillis") : runStart;
        long streamEnd = check.num("streamEndMillis");
        long scanEnd = check.num("scanEndMillis");
        long runEnd = check.num("runEndMillis");
        long events = check.num("streamEvents");
        long rows = check.num("scanRows");
        // the checker reports the scan's start (0 rows) and reads the topic meanwhile: each side is timed from its
        // own start to its own end; a checker that scans after the read reports no start, and its scan starts then
        long scanStart = check.num("firstScanned") == 0 ? check.num("firstScanningMillis") : streamEnd;
        long streamMillis = Math.max(1, streamEnd - waitEnd);
        long scanMillis = Math.max(1, scanEnd - scanStart);
        long compareMillis = Math.max(1, runEnd - Math.max(streamEnd, scanEnd));
        double streamRate = events * 1000.0 / streamMillis;
        double scanRate = rows * 1000.0 / scanMillis;
        double streamSteady = steady(events, check.num("firstConsumed"), check.num("firstConsumingMillis"), streamEnd);
        double scanSteady = steady(rows, check.num("firstScanned"), check.num("firstScanningMillis"), scanEnd);
        long heapPeak = check.num("heapUsedPeakBytes");
        long rss = Math.max(check.num("vmHwmBytes"), check.num("rssPeakSampledBytes"));
        String verdict = check.result().str("verdict");

        String fmt = "%-56s | %12s | %9s | %12s%n";
        out.printf(Locale.ROOT, fmt, "", "rows/events", "seconds", "per second");
        out.println("-".repeat(56) + "-+-" + "-".repeat(12) + "-+-" + "-".repeat(9) + "-+-" + "-".repeat(12));
        for (Scan s : List.of(copy1, copy2)) {
            out.printf(Locale.ROOT, fmt, "PostgreSQL COPY (SELECT *) TO STDOUT, " + s.what().substring(6),
                    String.format(Locale.ROOT, "%,d", s.rows()), secs(s.millis()), rate(s.rowsPerSecond()));
        }
        if (jdbc != null) {
            out.printf(Locale.ROOT, fmt, "plain JDBC SELECT *, fetch 5000, getString (no work)",
                    String.format(Locale.ROOT, "%,d", jdbc.rows()), secs(jdbc.millis()), rate(jdbc.rowsPerSecond()));
        }
        out.printf(Locale.ROOT, fmt, "parity check: stream side (topic read, fold, spill)",
                String.format(Locale.ROOT, "%,d", events), secs(streamMillis), rate(streamRate));
        out.printf(Locale.ROOT, fmt, "parity check: table side (scan, canonical, spill)",
                String.format(Locale.ROOT, "%,d", rows), secs(scanMillis), rate(scanRate));
        out.printf(Locale.ROOT, fmt, "parity check: compare (per partition fold + match)",
                String.format(Locale.ROOT, "%,d", rows), secs(compareMillis), rate(rows * 1000.0 / compareMillis));
        out.printf(Locale.ROOT, fmt, "parity check: whole run() (cut to verdict)",
                String.format(Locale.ROOT, "%,d", rows), secs(runEnd - runStart),
                rate(rows * 1000.0 / Math.max(1, runEnd - runStart)));
        out.printf(Locale.ROOT, fmt, "parity check: JVM launch to result",
                String.format(Locale.ROOT, "%,d", rows), secs(check.result().atMillis() - check.launchMillis()),
                rate(rows * 1000.0 / Math.max(1, check.result().atMillis() - check.launchMillis())));
        out.println();
        out.printf(Locale.ROOT, "steady rates (first progress report of the phase to its end): stream %s ev/s, "
                + "table scan %s rows/s%n", rate(streamSteady), rate(scanSteady));
        out.printf(Locale.ROOT, "COPY output: %s (%s); plain JDBC scan read %,d characters%n",
                DrainBenchmark.mb(copy1.bytes()), copy1.cpu().describe(), jdbc == null ? 0 : jdbc.bytes());
        if (jdbc != null) {
            out.printf(Locale.ROOT, "plain JDBC scan CPU: %s%n", jdbc.cpu().describe());
        }
        out.printf(Locale.ROOT, "parity check JVM (-Xmx%s%s): heap used peak %s (sampled every 100 ms), heap "
                        + "committed peak %s, non-heap committed peak %s, RSS peak %s (VmHWM %s); GC %d "
                        + "collections, %.1f s; spill files at the end of the scan %s%n",
                options.checkXmx, " " + String.join(" ", checkJvmArgs(options.checkJvmArgs)),
                DrainBenchmark.mb(heapPeak), DrainBenchmark.mb(check.num("heapCommittedPeakBytes")),
                DrainBenchmark.mb(check.num("nonHeapCommittedPeakBytes")), DrainBenchmark.mb(rss),
                DrainBenchmark.mb(check.num("vmHwmBytes")), check.num("gcCount"), check.num("gcMillis") / 1000.0,
                DrainBenchmark.mb(check.num("spillBytes")));
        out.printf(Locale.ROOT, "CPU during the check (launch to result): %s%n", check.cpu().describe());
        out.printf(Locale.ROOT, "check result: verdict %s; rows in table %,d, live keys in stream %,d, visible events "
                        + "%,d, events after the cut %,d, findings %,d, duplicates %,d; waited for the slot: %s%n",
                verdict, check.num("rowsInTable"), check.num("liveKeysInStream"), check.num("visibleEvents"),
                check.num("eventsAfterCut"), check.num("findings"), check.num("duplicates"),
                check.num("waitingCalls") > 0 ? String.format(Locale.ROOT, "%.1f s", (waitEnd - runStart) / 1000.0)
                        : "no");
        List<Scan> measured = new ArrayList<>(List.of(copy1, copy2));
        if (jdbc != null) {
            measured.add(jdbc);
        }
        long foreign = check.cpu().foreignMillis() + measured.stream().mapToLong(s -> s.cpu().foreignMillis()).sum();
        long wall = check.cpu().wallMillis() + measured.stream().mapToLong(s -> s.cpu().wallMillis()).sum();
        if (foreign > 0.10 * wall) {
            out.printf(Locale.ROOT, "WARNING: other processes used %.1f CPU-seconds during the %.1f s measured (%.0f%% "
                    + "of one core): the machine was not quiet, the figures are low and noisy%n", foreign / 1000.0,
                    wall / 1000.0, 100.0 * foreign / wall);
        }
        out.println();

        double copyRate = (copy1.rowsPerSecond() + copy2.rowsPerSecond()) / 2;
        out.printf(Locale.ROOT, "COPY reference: %s rows/s (mean of the two COPY runs: %s and %s)%n", rate(copyRate),
                rate(copy1.rowsPerSecond()), rate(copy2.rowsPerSecond()));
        out.printf(Locale.ROOT, "ratio table side / COPY:  %.3f  (%s rows/s against %s rows/s)%n", scanRate / copyRate,
                rate(scanRate), rate(copyRate));
        out.printf(Locale.ROOT, "ratio stream side / COPY: %.3f  (%s events/s against %s rows/s)%n",
                streamRate / copyRate, rate(streamRate), rate(copyRate));
        out.printf(Locale.ROOT, "stream side: %s events/s%n", rate(streamRate));

        List<String> problems = new ArrayList<>();
        String expected = check.differences() == 0 ? "GO" : "NO_GO";
        if (!expected.equals(verdict)) {
            problems.add("verdict " + verdict + ", expected " + expected + " (reason: " + check.result().str("reason")
                    + ")");
        }
        if (check.num("rowsInTable") != n) {
            problems.add("the check read " + check.num("rowsInTable") + " rows, the table has " + n);
        }
        if (check.num("liveKeysInStream") != n) {
            problems.add("the stream folded to " + check.num("liveKeysInStream") + " live keys, expected " + n);
        }
        if (check.num("findings") != check.differences()) {
            problems.add(check.num("findings") + " findings, expected " + check.differences());
        }
        out.printf(Locale.ROOT, "rows compared: %s, %,d rows fetched, %,d of %,d key buckets differed%n",
                check.result().str("compareKind"), check.num("rowsFetched"), check.num("differingBuckets"),
                check.num("buckets"));
        // the reader's count: the topic's end offsets also count the markers of the pipeline's Kafka transactions
        // (delivery.guarantee=exactly_once, one per batch), which are not records
        if (check.num("streamEvents") != n) {
            problems.add("the check read " + check.num("streamEvents") + " records from the topic, expected " + n);
        }
        boolean withinHeap = check.num("heapMaxBytes") <= HEAP_LIMIT_BYTES;
        out.printf(Locale.ROOT, "verdict %s within a %s heap: %s%n", verdict,
                DrainBenchmark.mb(check.num("heapMaxBytes")),
                problems.isEmpty() && withinHeap ? "YES" : "NO");
        if (!problems.isEmpty()) {
            out.println("INVALID RUN: " + String.join("; ", problems));
        }
        out.flush();
        return problems.isEmpty();
    }

    private static double steady(long total, long firstCount, long firstMillis, long endMillis) {
        if (firstMillis < 0 || endMillis <= firstMillis || firstCount >= total) {
            return Double.NaN;
        }
        return (total - firstCount) * 1000.0 / (endMillis - firstMillis);
    }

    private static String secs(long millis) {
        return String.format(Locale.ROOT, "%.1f", millis / 1000.0);
    }

    private static String rate(double perSecond) {
        return Double.isNaN(perSecond) ? "n/a" : String.format(Locale.ROOT, "%,.0f", perSecond);
    }

    /** The check JVM's arguments: the given ones, with the collector the `strangler` launcher ships when none is. */
    static List<String> checkJvmArgs(List<String> given) {
        List<String> args = new ArrayList<>();
        if (given.stream().noneMatch(a -> a.startsWith("-XX:+Use") && a.endsWith("GC"))) {
            args.add("-XX:+UseG1GC");
        }
        args.addAll(given);
        return args;
    }
}
