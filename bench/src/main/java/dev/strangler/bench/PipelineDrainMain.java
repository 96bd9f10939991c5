package dev.strangler.bench;

import dev.strangler.cli.ops.ServedPipeline;
import dev.strangler.engine.Pipeline;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.engine.kafka.PipelineMetrics;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The pipeline side of the drain benchmark, in its own JVM so that its heap and RSS are its own: loads a pipeline
 * properties file, starts the {@link Pipeline} and waits until it has published the expected number of events
 * (heartbeats are not counted by the pipeline's metrics), sampling its heap and RSS every 100 ms.
 *
 * <p>Speaks to the orchestrator ({@link DrainBenchmark}) through stdout lines that start with {@code BENCH }:
 * {@code BENCH running ...}, {@code BENCH first ...} at the first acknowledged batch (with this JVM's CPU time then),
 * {@code BENCH progress ...} each second and finally {@code BENCH result k=v ...}, or
 * {@code BENCH error ...}. Everything else (logs) goes to stderr.
 *
 * <p>Arguments: {@code <pipeline.properties> <expected events> <timeout seconds> [--hold]}. With {@code --hold} the
 * pipeline keeps running after its result line ({@code BENCH holding}) until a line or EOF on stdin.
 */
public final class PipelineDrainMain {

    private PipelineDrainMain() {
    }

    public static void main(String[] args) {
        long mainStartMillis = System.currentTimeMillis();
        long jvmStartMillis = ProcessHandle.current().info().startInstant().map(Instant::toEpochMilli)
                .orElse(mainStartMillis);
        if (args.length < 3 || args.length > 4 || (args.length == 4 && !args[3].equals("--hold"))) {
            System.err.println("usage: PipelineDrainMain <pipeline.properties> <expected events> <timeout seconds> "
                    + "[--hold]");
            System.exit(2);
        }
        boolean hold = args.length == 4;
        Path properties = Path.of(args[0]);
        long expected = Long.parseLong(args[1]);
        long timeoutMillis = Long.parseLong(args[2]) * 1000;

        MemorySampler sampler = new MemorySampler();
        sampler.start();
        int exitCode = 0;
        Pipeline pipeline = null;
        ServedPipeline served = null;
        try {
            PipelineConfig config = new PipelineConfigLoader(Map.of()).load(properties);
            // wired as strangler run wires it: with http.enabled (the default) the registry, its meters and the
            // endpoint, scraped here every 5 s (a Prometheus scrape is every 15-30 s); without, no meter at all
            served = ServedPipeline.create(config, Pipeline.Options.defaults());
            pipeline = served.pipeline();
            served.endpoint().ifPresent(e -> startScraper(e.url()));
            emit("metrics " + (served.endpoint().isPresent() ? "on" : "off"));
            pipeline.start();
            long runningAtMillis = System.currentTimeMillis();
            emit("running atMillis=" + runningAtMillis);

            AtomicReference<Throwable> stoppedWith = watchTermination(pipeline);
            PipelineMetrics metrics = pipeline.metrics();
            long deadline = System.currentTimeMillis() + timeoutMillis;
            long firstBatchEvents = -1;
            long nextProgress = System.currentTimeMillis() + 1000;
            while (metrics.published() < expected) {
                if (stoppedWith.get() != null) {
                    throw new IllegalStateException("the pipeline stopped after " + metrics.published()
                            + " events: " + stoppedWith.get(), stoppedWith.get());
                }
                long now = System.currentTimeMillis();
                if (now > deadline) {
                    throw new IllegalStateException("only " + metrics.published() + " of " + expected
                            + " events published after " + timeoutMillis / 1000 + "s");
                }
                if (firstBatchEvents < 0 && metrics.firstEventAtMillis() >= 0) {
                    // The pipeline stamps the first event time when the first batch is acknowledged, so the events
                    // of that batch are not part of the first-to-last interval; polled every 2 ms until then so
                    // this reads exactly the first batch (a batch takes far longer than 2 ms).
                    firstBatchEvents = metrics.published();
                    // this JVM's CPU so far (start-up, first batch): the orchestrator reads the other processes'
                    // at this line, so the streaming part's CPU per event is known without the start-up
                    emit("first published=" + firstBatchEvents + " cpuMillis=" + processCpuMillis());
                }
                if (now >= nextProgress) {
                    emit("progress published=" + metrics.published() + " skipped=" + metrics.skipped()
                            + " heapUsedBytes=" + sampler.lastHeapUsed() + " rssBytes=" + sampler.lastRss());
                    nextProgress += 1000;
                }
                Thread.sleep(firstBatchEvents < 0 ? 2 : 20);
            }
            if (firstBatchEvents < 0) {
                firstBatchEvents = metrics.published(); // everything arrived in one batch
                emit("first published=" + firstBatchEvents + " cpuMillis=" + processCpuMillis());
            }
            sampler.sampleOnce();
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("jvmStartMillis", jvmStartMillis);
            r.put("mainStartMillis", mainStartMillis);
            r.put("runningAtMillis", runningAtMillis);
            r.put("firstEventAtMillis", metrics.firstEventAtMillis());
            r.put("lastEventAtMillis", metrics.lastEventAtMillis());
            r.put("published", metrics.published());
            r.put("firstBatchEvents", firstBatchEvents);
            r.put("batches", metrics.batches());
            r.put("skipped", metrics.skipped());
            sampler.putFigures(r);
            StringBuilder line = new StringBuilder("result");
            r.forEach((k, v) -> line.append(' ').append(k).append('=').append(v));
            emit(line.toString());
            if (hold) {
                holdUntilReleased(stoppedWith);
            }
        } catch (Throwable t) {
            exitCode = 1;
            String message = String.valueOf(t.getMessage()).replace('\n', ' ');
            emit("error " + t.getClass().getSimpleName() + ": " + message);
            t.printStackTrace();
        } finally {
            sampler.interrupt();
            if (served != null) {
                try {
                    served.close();
                } catch (RuntimeException e) {
                    System.err.println("stopping the pipeline failed: " + e);
                }
            }
        }
        System.out.flush();
        System.exit(exitCode); // Kafka and Debezium may leave non-daemon threads behind
    }

    /**
     * --hold: keeps the pipeline running after the result (streaming, heartbeats moving the slot) until the
     * orchestrator writes a line or closes this process's stdin, e.g. while the parity check runs against it.
     */
    private static void holdUntilReleased(AtomicReference<Throwable> stoppedWith) throws InterruptedException {
        java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
        Thread stdin = new Thread(() -> {
            try {
                System.in.read();
            } catch (java.io.IOException ignored) {
                // closed: released as well
            }
            released.countDown();
        }, "bench-hold-stdin");
        stdin.setDaemon(true);
        stdin.start();
        emit("holding");
        while (!released.await(200, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            if (stoppedWith.get() != null) {
                throw new IllegalStateException("the pipeline stopped while held: " + stoppedWith.get(),
                        stoppedWith.get());
            }
        }
    }

    /** GETs /metrics and /status every 5 s on a daemon thread, as a monitoring system would, only faster. */
    private static void startScraper(String base) {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        Thread scraper = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(5_000);
                    for (String path : new String[] {"/metrics", "/status"}) {
                        http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + path)).build(),
                                java.net.http.HttpResponse.BodyHandlers.discarding());
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (java.io.IOException e) {
                    System.err.println("scraping " + base + " failed: " + e);
                }
            }
        }, "bench-scraper");
        scraper.setDaemon(true);
        scraper.start();
    }

    private static long processCpuMillis() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1_000_000;
    }

    private static void emit(String line) {
        System.out.println("BENCH " + line);
        System.out.flush();
    }

    private static AtomicReference<Throwable> watchTermination(Pipeline pipeline) {
        AtomicReference<Throwable> stoppedWith = new AtomicReference<>();
        Thread watcher = new Thread(() -> {
            try {
                pipeline.awaitTermination();
                stoppedWith.compareAndSet(null, new IllegalStateException("the engine stopped"));
            } catch (Throwable t) {
                stoppedWith.compareAndSet(null, t);
            }
        }, "bench-termination-watch");
        watcher.setDaemon(true);
        watcher.start();
        return stoppedWith;
    }
}
