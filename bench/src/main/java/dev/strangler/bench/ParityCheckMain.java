package dev.strangler.bench;

import dev.strangler.parity.ParityChecker;
import dev.strangler.parity.ParityConfig;
import dev.strangler.parity.TableCompare;
import dev.strangler.parity.Progress;
import dev.strangler.parity.compare.CanonicalRowCodecs;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.TableResult;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The parity check of the parity benchmark, in its own JVM (run with {@code -Xmx512m}): runs
 * {@link ParityChecker} exactly as {@code strangler parity} does, and times its phases through the {@link Progress}
 * callbacks, which the checker calls about once a second and once more at the end of each phase:
 *
 * <ul>
 *   <li>stream side: from {@code run()} (after the wait for the slot, when there is one) to the last
 *       {@code consuming} call, which the reader makes when it has read the topic to its end offsets. It also holds
 *       taking the cut, creating the consumer and reading the topic's extent (well under a second);</li>
 *   <li>table scan: from the first {@code scanning} call (0 rows, made as the scan starts, while the topic is
 *       read) to the last, made when the result set is exhausted: SELECT in the cut's transaction, canonical values,
 *       spilling;</li>
 *   <li>compare: from the end of the later of the two to the end of {@code run()}: the partitions folded and
 *       matched, then the history stored.</li>
 * </ul>
 *
 * Heap and RSS are sampled every 100 ms ({@link MemorySampler}), and the size of the spill directory at the end of
 * the scan. Prints {@code BENCH result k=v ...} (or {@code BENCH error ...}) on stdout.
 *
 * <p>Argument: a properties file with jdbcUrl, user, password, slot, bootstrapServers, topicPrefix, table,
 * workDirectory, timeoutSeconds.
 */
public final class ParityCheckMain {

    private ParityCheckMain() {
    }

    /** Records the time and count of the first and the last callback of each phase. */
    static final class TimingProgress implements Progress {
        volatile long lastWaitingMillis = -1;
        volatile long waitingCalls;
        volatile long firstConsumingMillis = -1;
        volatile long firstConsumed = -1;
        volatile long lastConsumingMillis = -1;
        volatile long lastConsumed = -1;
        volatile long topicTotal = -1;
        volatile long firstScanningMillis = -1;
        volatile long firstScanned = -1;
        volatile long lastScanningMillis = -1;
        volatile long lastScanned = -1;
        volatile long spillBytesAtScanEnd = -1;
        private final Path workDirectory;

        TimingProgress(Path workDirectory) {
            this.workDirectory = workDirectory;
        }

        @Override
        public void waiting(String slot, long bytesBehind, Duration waited, Duration timeout) {
            lastWaitingMillis = System.currentTimeMillis();
            waitingCalls++;
        }

        @Override
        public void consuming(String topic, long consumed, long total) {
            long now = System.currentTimeMillis();
            if (firstConsumingMillis < 0) {
                firstConsumingMillis = now;
                firstConsumed = consumed;
            }
            lastConsumingMillis = now;
            lastConsumed = consumed;
            topicTotal = total;
            emit("progress phase=stream consumed=" + consumed + " total=" + total);
        }

        @Override
        public void scanning(String table, long rows, long estimatedRows) {
            long now = System.currentTimeMillis();
            if (firstScanningMillis < 0) {
                firstScanningMillis = now;
                firstScanned = rows;
            }
            lastScanningMillis = now;
            lastScanned = rows;
            spillBytesAtScanEnd = directorySize(workDirectory);
            emit("progress phase=scan rows=" + rows + " estimate=" + estimatedRows);
        }
    }

    public static void main(String[] args) {
        long mainStart = System.currentTimeMillis();
        if (args.length != 1) {
            System.err.println("usage: ParityCheckMain <check.properties>");
            System.exit(2);
        }
        MemorySampler sampler = new MemorySampler();
        sampler.start();
        int exit = 0;
        try {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(Path.of(args[0]))) {
                p.load(r);
            }
            Path work = Path.of(p.getProperty("workDirectory"));
            Files.createDirectories(work);
            ParityConfig config = new ParityConfig(p.getProperty("jdbcUrl"), p.getProperty("user"),
                    p.getProperty("password"), p.getProperty("slot"), p.getProperty("bootstrapServers"), Map.of(),
                    p.getProperty("topicPrefix"), List.of(p.getProperty("table")), 0, Map.of(),
                    Duration.ofSeconds(Long.parseLong(p.getProperty("timeoutSeconds"))), 20, work,
                    ParityConfig.DEBEZIUM_UNAVAILABLE_VALUE)
                    .withTableCompare(new TableCompare(TableCompare.Mode.parse(p.getProperty("tableCompare", "scan")),
                            0));
            TimingProgress progress = new TimingProgress(work);
            long runStart = System.currentTimeMillis();
            ParityReport report = new ParityChecker(config,
                    CanonicalRowCodecs.factory(config.unavailableValuePlaceholder()), progress).run();
            long runEnd = System.currentTimeMillis();
            sampler.sampleOnce();

            Map<String, Object> r = new LinkedHashMap<>();
            r.put("verdict", report.verdict());
            r.put("mainStartMillis", mainStart);
            r.put("runStartMillis", runStart);
            r.put("waitingCalls", progress.waitingCalls);
            r.put("lastWaitingMillis", progress.lastWaitingMillis);
            r.put("firstConsumingMillis", progress.firstConsumingMillis);
            r.put("firstConsumed", progress.firstConsumed);
            r.put("streamEndMillis", progress.lastConsumingMillis);
            r.put("streamEvents", progress.lastConsumed);
            r.put("topicRecords", progress.topicTotal);
            r.put("firstScanningMillis", progress.firstScanningMillis);
            r.put("firstScanned", progress.firstScanned);
            r.put("scanEndMillis", progress.lastScanningMillis);
            r.put("scanRows", progress.lastScanned);
            r.put("runEndMillis", runEnd);
            r.put("spillBytes", progress.spillBytesAtScanEnd);
            if (report.tables().size() == 1) {
                TableResult t = report.tables().get(0);
                r.put("tableVerdict", t.verdict());
                r.put("rowsInTable", t.rowsInTable());
                r.put("liveKeysInStream", t.liveKeysInStream());
                r.put("visibleEvents", t.visibleEventsByOp().values().stream().mapToLong(Long::longValue).sum());
                r.put("eventsAfterCut", t.eventsAfterCut().values().stream().mapToLong(Long::longValue).sum());
                r.put("findings", t.findings());
                r.put("duplicates", t.duplicates());
                r.put("compareKind", t.compareMethod() == null ? "-" : t.compareMethod().kind().code());
                r.put("buckets", t.compareMethod() == null ? 0 : t.compareMethod().buckets());
                r.put("differingBuckets", t.compareMethod() == null ? 0 : t.compareMethod().differingBuckets());
                r.put("rowsFetched", t.compareMethod() == null ? 0 : t.compareMethod().rowsFetched());
                r.put("reason", t.reason() == null ? "-" : t.reason().replaceAll("\\s+", "_"));
            }
            sampler.putFigures(r);
            StringBuilder line = new StringBuilder("result");
            r.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
            emit(line.toString());
        } catch (Throwable t) {
            exit = 1;
            emit("error " + t.getClass().getSimpleName() + ": " + String.valueOf(t.getMessage()).replace('\n', ' '));
            t.printStackTrace();
        } finally {
            sampler.interrupt();
        }
        System.out.flush();
        System.exit(exit);
    }

    static long directorySize(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void emit(String line) {
        System.out.println("BENCH " + line);
        System.out.flush();
    }
}
