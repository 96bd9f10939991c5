package dev.strangler.bench;

import dev.strangler.outbox.Outbox;
import dev.strangler.outbox.OutboxEvent;
import dev.strangler.outbox.OutboxMigrations;
import dev.strangler.outbox.OutboxOptions;
import dev.strangler.sandbox.Sandbox;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox benchmark: events per second through the transactional outbox (written with {@link Outbox}, routed by
 * the pipeline's EventRouter to {@code <prefix>.outbox.order}) against plain INSERTs into an ordinary captured table
 * (published to its table topic), in the same run, through the same pipeline.
 *
 * <p>Both sides write the same number of events with the same payload, in transactions of the same size (one JDBC
 * batch per transaction, on one connection, from this JVM). Each measurement runs from the first write to the moment
 * the topic's end offset shows the last event in Kafka (polled every 5 ms once the last transaction committed). The
 * pipeline ({@link PipelineDrainMain}) runs in its own JVM for the whole benchmark, so it is warm: a warm-up of each
 * side first, then {@code --rounds} rounds of both sides, alternating which goes first. The ratio is outbox/plain per
 * round; the report gives the median and the range.
 */
public final class OutboxBenchmark {

    private static final Logger LOG = LoggerFactory.getLogger(OutboxBenchmark.class);

    private static final String DATABASE = "bench";
    private static final String PLAIN_TABLE = "bench.plain_events";
    private static final String OUTBOX_TABLE = "messaging.outbox";
    private static final String PIPELINE_NAME = "outboxbench";
    private static final String SLOT = "bench_outbox";
    private static final String AGGREGATE_TYPE = "order";
    private static final String PLAIN_TOPIC = PIPELINE_NAME + "." + PLAIN_TABLE;
    private static final String OUTBOX_TOPIC = PIPELINE_NAME + ".outbox." + AGGREGATE_TYPE;

    static final class Options {
        int events = 100_000;
        int eventsPerTransaction = 100;
        int rounds = 5;
        int warmup = 100_000;
        boolean keepOutboxRows;
        String childXmx = "384m";
        List<String> childJvmArgs = new ArrayList<>();
        Map<String, String> pipelineOverrides = new LinkedHashMap<>();
        Duration timeout = Duration.ofMinutes(15);
        Duration waitQuiet = Duration.ZERO;
        Path out;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (a) {
                    case "--events" -> { o.events = Integer.parseInt(require(a, value).replace("_", "")); i++; }
                    case "--events-per-tx" -> { o.eventsPerTransaction = Integer.parseInt(require(a, value)); i++; }
                    case "--rounds" -> { o.rounds = Math.max(1, Integer.parseInt(require(a, value))); i++; }
                    case "--warmup" -> { o.warmup = Integer.parseInt(require(a, value).replace("_", "")); i++; }
                    case "--keep-outbox-rows" -> o.keepOutboxRows = true;
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
                    case "--wait-quiet" -> { o.waitQuiet = Duration.ofSeconds(Long.parseLong(require(a, value))); i++; }
                    case "--out" -> { o.out = Path.of(require(a, value)); i++; }
                    case "-h", "--help" -> {
                        System.out.println(usage());
                        System.exit(0);
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + a + "'\n" + usage());
                }
            }
            if (o.events < 1 || o.eventsPerTransaction < 1 || o.warmup < 0) {
                throw new IllegalArgumentException("--events and --events-per-tx must be positive");
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
                    OutboxBenchmark [options]
                      --events N             events per measured phase, each side (default 100000)
                      --events-per-tx N      events per transaction, both sides (default 100)
                      --rounds N             measured rounds of both sides, alternating which goes first
                                             (default 5)
                      --warmup N             unmeasured events per side first, so that the
                                             pipeline's JIT is done (default 100000)
                      --keep-outbox-rows     OutboxOptions.withDeleteAfterInsert(false) (default: the
                                             library's default, delete after insert)
                      --xmx SIZE             -Xmx of the pipeline's JVM (default 384m; none: JVM default)
                      --jvm-arg ARG          extra JVM argument for the pipeline (repeatable)
                      --set KEY=VALUE        pipeline property (repeatable)
                      --timeout-seconds N    bound of each phase (default 900)
                      --wait-quiet SECONDS   before each phase, wait up to this long until other processes
                                             use less than 1/4 of a core (default 0)
                      --out DIR              keep the pipeline's log and properties here""";
        }
    }

    enum Side { PLAIN, OUTBOX }

    /** One measured phase: N events of one side, first write to last event in Kafka. */
    record Phase(Side side, String label, int events, long writeMillis, long totalMillis, long lagMillis,
                 CpuAccount.Usage cpu) {
        double rate() {
            return events * 1000.0 / Math.max(1, totalMillis);
        }

        double writeRate() {
            return events * 1000.0 / Math.max(1, writeMillis);
        }
    }

    private final Options options;
    private final PrintStream out = System.out;
    private final Outbox outbox;
    private long nextId = 1;

    OutboxBenchmark(Options options) {
        this.options = options;
        this.outbox = new Outbox(OutboxOptions.defaults().withTable(OUTBOX_TABLE)
                .withDeleteAfterInsert(!options.keepOutboxRows));
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
            code = new OutboxBenchmark(options).run();
        } catch (Exception e) {
            LOG.error("the benchmark broke: {}", e.toString(), e);
            code = 1;
        }
        System.exit(code);
    }

    int run() throws Exception {
        Path work = options.out != null ? Files.createDirectories(options.out)
                : Files.createTempDirectory("strangler-bench-outbox-");
        Sandbox sandbox = null;
        ChildJvm pipeline = null;
        try {
            sandbox = Sandbox.start().registerShutdownHook();
            sandbox.postgres().createDatabase(DATABASE);
            String url = sandbox.postgres().jdbcUrl(DATABASE);
            OutboxMigrations.apply(url, sandbox.postgres().superuser(), sandbox.postgres().superuserPassword(),
                    "messaging");
            try (Connection c = sandbox.postgres().connect(DATABASE); Statement st = c.createStatement()) {
                st.execute("CREATE SCHEMA bench");
                st.execute("""
                        CREATE TABLE bench.plain_events (
                            id           bigint       PRIMARY KEY,
                            aggregate_id text         NOT NULL,
                            type         text         NOT NULL,
                            payload      jsonb        NOT NULL,
                            occurred_at  timestamptz  NOT NULL
                        )""");
            }

            Path properties = work.resolve("pipeline.properties");
            DrainBenchmark.writeProperties(properties, pipelineSettings(sandbox));
            long expected = 2L * options.warmup + 2L * options.rounds * options.events;
            pipeline = ChildJvm.launch("pipeline", options.childXmx, options.childJvmArgs, PipelineDrainMain.class,
                    List.of(properties.toString(), Long.toString(expected),
                            Long.toString(options.timeout.toSeconds() * (2L * options.rounds + 2))),
                    work.resolve("pipeline.log"), null);
            pipeline.await("running", Duration.ofMinutes(3));
            LOG.info("pipeline running in its own JVM (-Xmx{})", options.childXmx);

            CpuAccount cpu = new CpuAccount()
                    .group("pipeline JVM", CpuAccount.pid(pipeline.pid()))
                    .group("PostgreSQL", CpuAccount.postgres(sandbox.postgres().dataDirectory()))
                    .group("this JVM (writer, Kafka broker)", CpuAccount.self());
            List<Phase> warmups = new ArrayList<>();
            List<Phase> phases = new ArrayList<>();
            try (Connection c = sandbox.postgres().connect(DATABASE);
                 Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                         sandbox.kafka().bootstrapServers()))) {
                c.setAutoCommit(false);
                if (options.warmup > 0) {
                    warmups.add(measure(c, admin, cpu, pipeline.pid(), Side.PLAIN, "warm-up", options.warmup));
                    warmups.add(measure(c, admin, cpu, pipeline.pid(), Side.OUTBOX, "warm-up", options.warmup));
                }
                for (int round = 1; round <= options.rounds; round++) {
                    List<Side> order = round % 2 == 1 ? List.of(Side.PLAIN, Side.OUTBOX)
                            : List.of(Side.OUTBOX, Side.PLAIN);
                    for (Side side : order) {
                        phases.add(measure(c, admin, cpu, pipeline.pid(), side, "round " + round, options.events));
                    }
                }
            }
            ChildJvm.Line result = null;
            try {
                result = pipeline.awaitResult(Duration.ofSeconds(60));
            } catch (IllegalStateException e) {
                LOG.warn("no result from the pipeline (its memory figures are missing): {}", e.getMessage());
            }
            long outboxRows;
            try (Connection c = sandbox.postgres().connect(DATABASE); Statement st = c.createStatement();
                 var rs = st.executeQuery("SELECT count(*) FROM " + OUTBOX_TABLE)) {
                rs.next();
                outboxRows = rs.getLong(1);
            }
            report(warmups, phases, result, outboxRows,
                    DrainBenchmark.topicRecords(sandbox, PLAIN_TOPIC),
                    DrainBenchmark.topicRecords(sandbox, OUTBOX_TOPIC));
            if (options.out != null) {
                out.println("pipeline log and properties: " + work.toAbsolutePath());
            }
            return 0;
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
        m.put("source.tables", PLAIN_TABLE);
        m.put("source.slot", SLOT);
        m.put("outbox.tables", OUTBOX_TABLE);
        m.put("kafka.bootstrap.servers", sandbox.kafka().bootstrapServers());
        m.put("snapshot.mode", "no_data");
        m.putAll(options.pipelineOverrides);
        return m;
    }

    private Phase measure(Connection c, Admin admin, CpuAccount cpu, long pipelinePid, Side side, String label,
                          int count) throws Exception {
        Quiet.await(options.waitQuiet, pipelinePid);
        String topic = side == Side.PLAIN ? PLAIN_TOPIC : OUTBOX_TOPIC;
        long target = endOffset(admin, topic) + count;
        CpuAccount.Sample from = cpu.sample();
        long t0 = System.nanoTime();
        if (side == Side.PLAIN) {
            writePlain(c, count);
        } else {
            writeOutbox(c, count);
        }
        long committed = System.nanoTime();
        long deadline = committed + options.timeout.toNanos();
        long end;
        while ((end = endOffset(admin, topic)) < target) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(topic + " reached only offset " + end + " of " + target + " within "
                        + options.timeout.toSeconds() + "s of the last commit");
            }
            Thread.sleep(5);
        }
        long last = System.nanoTime();
        if (end > target) {
            throw new IllegalStateException(topic + " holds more records than written: " + end + " > " + target);
        }
        Phase p = new Phase(side, label, count, (committed - t0) / 1_000_000, (last - t0) / 1_000_000,
                (last - committed) / 1_000_000, CpuAccount.between(from, cpu.sample()));
        LOG.info("{} {}: {} events, written in {} ms, last in Kafka after {} ms: {} ev/s", label,
                side.name().toLowerCase(Locale.ROOT), count, p.writeMillis(), p.totalMillis(), rate(p.rate()));
        return p;
    }

    /** The same payload on both sides, about 190 bytes of JSON. */
    private static String payload(long id) {
        return "{\"orderId\": " + id + ", \"customerId\": \"customer-" + (id % 5000) + "\", \"total\": \""
                + (id % 1000) + ".95\", \"currency\": \"EUR\", \"lines\": [{\"sku\": \"SKU-" + (id % 300)
                + "\", \"qty\": 2, \"price\": \"10.00\"}, {\"sku\": \"SKU-7\", \"qty\": 1, \"price\": \"4.95\"}]}";
    }

    private static String aggregateId(long id) {
        return "order-" + (id % 1000);
    }

    private void writePlain(Connection c, int count) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + PLAIN_TABLE + " (id, aggregate_id, "
                + "type, payload, occurred_at) VALUES (?, ?, ?, CAST(? AS jsonb), ?)")) {
            int inTx = 0;
            for (int i = 0; i < count; i++) {
                long id = nextId++;
                insert.setLong(1, id);
                insert.setString(2, aggregateId(id));
                insert.setString(3, "OrderPlaced");
                insert.setString(4, payload(id));
                insert.setObject(5, OffsetDateTime.now(ZoneOffset.UTC));
                insert.addBatch();
                if (++inTx == options.eventsPerTransaction || i == count - 1) {
                    insert.executeBatch();
                    c.commit();
                    inTx = 0;
                }
            }
        }
    }

    private void writeOutbox(Connection c, int count) throws SQLException {
        List<OutboxEvent> batch = new ArrayList<>(options.eventsPerTransaction);
        for (int i = 0; i < count; i++) {
            long id = nextId++;
            batch.add(OutboxEvent.builder().aggregateType(AGGREGATE_TYPE).aggregateId(aggregateId(id))
                    .type("OrderPlaced").payload(payload(id)).build());
            if (batch.size() == options.eventsPerTransaction || i == count - 1) {
                outbox.writeAll(c, batch);
                c.commit();
                batch.clear();
            }
        }
    }

    /** Sum of the topic's end offsets; 0 when it does not exist yet (the outbox topic is created on demand). */
    private static long endOffset(Admin admin, String topic) throws Exception {
        var description = admin.describeTopics(List.of(topic)).topicNameValues().get(topic);
        List<TopicPartition> partitions;
        try {
            partitions = description.get(30, TimeUnit.SECONDS).partitions().stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return 0;
            }
            throw e;
        }
        Map<TopicPartition, OffsetSpec> specs = new LinkedHashMap<>();
        partitions.forEach(tp -> specs.put(tp, OffsetSpec.latest()));
        return admin.listOffsets(specs).all().get(30, TimeUnit.SECONDS).values().stream()
                .mapToLong(info -> info.offset()).sum();
    }

    private void report(List<Phase> warmups, List<Phase> phases, ChildJvm.Line pipeline, long outboxRows,
                        long plainRecords, long outboxRecords) {
        out.println();
        out.printf(Locale.ROOT, "Outbox benchmark, %s, %d cores, %s %s, Java %s%n", LocalDate.now(),
                Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
                System.getProperty("os.arch"), System.getProperty("java.version"));
        out.printf(Locale.ROOT, "%,d events per phase, %d events per transaction (one JDBC batch), same payload "
                        + "(%d bytes of JSON); outbox: %s, delete after insert %s; plain: INSERT into %s%n",
                options.events, options.eventsPerTransaction, payload(1).length(), OUTBOX_TABLE,
                options.keepOutboxRows ? "off" : "on", PLAIN_TABLE);
        out.printf(Locale.ROOT, "pipeline: one Pipeline in its own JVM (-Xmx%s%s) for the whole run, capturing both "
                + "tables; writer: one connection in the orchestrator JVM (which also hosts the broker)%n",
                options.childXmx, options.childJvmArgs.isEmpty() ? "" : " " + String.join(" ", options.childJvmArgs));
        out.println();
        String fmt = "%-9s | %-6s | %9s | %8s | %10s | %14s | %10s | %8s | %s%n";
        out.printf(Locale.ROOT, fmt, "phase", "side", "events", "write s", "write ev/s", "first->Kafka s",
                "ev/s", "lag ms", "CPU");
        out.println("-".repeat(9) + "-+-" + "-".repeat(6) + "-+-" + "-".repeat(9) + "-+-" + "-".repeat(8) + "-+-"
                + "-".repeat(10) + "-+-" + "-".repeat(14) + "-+-" + "-".repeat(10) + "-+-" + "-".repeat(8) + "-+-"
                + "-".repeat(40));
        List<Phase> all = new ArrayList<>(warmups);
        all.addAll(phases);
        for (Phase p : all) {
            out.printf(Locale.ROOT, fmt, p.label(), p.side().name().toLowerCase(Locale.ROOT),
                    String.format(Locale.ROOT, "%,d", p.events()), secs(p.writeMillis()), rate(p.writeRate()),
                    secs(p.totalMillis()), rate(p.rate()), Long.toString(p.lagMillis()), p.cpu().describe());
        }
        out.println();
        double[] plain = phases.stream().filter(p -> p.side() == Side.PLAIN).mapToDouble(Phase::rate).toArray();
        double[] box = phases.stream().filter(p -> p.side() == Side.OUTBOX).mapToDouble(Phase::rate).toArray();
        double[] plainWrite = phases.stream().filter(p -> p.side() == Side.PLAIN).mapToDouble(Phase::writeRate)
                .toArray();
        double[] boxWrite = phases.stream().filter(p -> p.side() == Side.OUTBOX).mapToDouble(Phase::writeRate)
                .toArray();
        double[] ratios = new double[Math.min(plain.length, box.length)];
        double[] writeRatios = new double[ratios.length];
        for (int i = 0; i < ratios.length; i++) {
            ratios[i] = box[i] / plain[i];
            writeRatios[i] = boxWrite[i] / plainWrite[i];
        }
        out.printf(Locale.ROOT, "plain inserts, first write -> last in Kafka: %s ev/s (median of %d; %s)%n",
                rate(median(plain)), plain.length, range(plain, "%,.0f"));
        out.printf(Locale.ROOT, "outbox,        first write -> last in Kafka: %s ev/s (median of %d; %s)%n",
                rate(median(box)), box.length, range(box, "%,.0f"));
        out.printf(Locale.ROOT, "write side alone (first write -> last commit): plain %s ev/s, outbox %s ev/s "
                + "(medians), ratio %.3f%n", rate(median(plainWrite)), rate(median(boxWrite)), median(writeRatios));
        out.printf(Locale.ROOT, "ratio outbox / plain: %.3f (median of the per-round ratios; %s)%n", median(ratios),
                range(ratios, "%.3f"));
        for (Side side : Side.values()) {
            List<Phase> ofSide = phases.stream().filter(p -> p.side() == side).toList();
            StringBuilder sb = new StringBuilder();
            for (String group : ofSide.get(0).cpu().groups().keySet()) {
                double[] perEvent = ofSide.stream().mapToDouble(p -> p.cpu().groups().get(group) * 1000.0
                        / p.events()).toArray();
                sb.append(String.format(Locale.ROOT, "%s %.0f, ", group, median(perEvent)));
            }
            double[] total = ofSide.stream().mapToDouble(p -> p.cpu().ownMillis() * 1000.0 / p.events()).toArray();
            double[] cores = ofSide.stream().mapToDouble(p -> (double) p.cpu().ownMillis() / p.cpu().wallMillis())
                    .toArray();
            out.printf(Locale.ROOT, "CPU per event, %-6s (medians, microseconds): %stotal %.0f; the benchmark's "
                            + "processes kept %.2f of the %d cores busy%n", side.name().toLowerCase(Locale.ROOT),
                    sb, median(total), median(cores), Runtime.getRuntime().availableProcessors());
        }
        long foreign = phases.stream().mapToLong(p -> p.cpu().foreignMillis()).sum();
        long wall = phases.stream().mapToLong(p -> p.cpu().wallMillis()).sum();
        if (foreign > 0.10 * wall) {
            out.printf(Locale.ROOT, "WARNING: other processes used %.1f CPU-seconds during the %.1f s measured (%.0f%% "
                    + "of one core, warm-ups not counted): the machine was not quiet, the figures are low and noisy%n",
                    foreign / 1000.0, wall / 1000.0, 100.0 * foreign / wall);
        }
        if (pipeline != null) {
            out.printf(Locale.ROOT, "pipeline JVM: %,d events published, peak heap %s, peak RSS %s, GC %d collections "
                            + "%.1f s, CPU %.1f s%n", pipeline.num("published"),
                    DrainBenchmark.mb(pipeline.num("heapUsedPeakBytes")),
                    DrainBenchmark.mb(Math.max(pipeline.num("vmHwmBytes"), pipeline.num("rssPeakSampledBytes"))),
                    pipeline.num("gcCount"), pipeline.num("gcMillis") / 1000.0, pipeline.num("cpuMillis") / 1000.0);
        }
        out.printf(Locale.ROOT, "topics: %s %,d records, %s %,d records; rows left in %s: %,d%n", PLAIN_TOPIC,
                plainRecords, OUTBOX_TOPIC, outboxRecords, OUTBOX_TABLE, outboxRows);
        out.flush();
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static String range(double[] values, String fmt) {
        if (values.length == 0) {
            return "none";
        }
        double min = Arrays.stream(values).min().orElse(Double.NaN);
        double max = Arrays.stream(values).max().orElse(Double.NaN);
        return "range " + String.format(Locale.ROOT, fmt, min) + "–" + String.format(Locale.ROOT, fmt, max);
    }

    private static String secs(long millis) {
        return String.format(Locale.ROOT, "%.2f", millis / 1000.0);
    }

    private static String rate(double perSecond) {
        return Double.isNaN(perSecond) ? "n/a" : String.format(Locale.ROOT, "%,.0f", perSecond);
    }
}
