package dev.strangler.demo;

import dev.strangler.cli.DurationConverter;
import dev.strangler.cli.ExitCodes;
import dev.strangler.cli.GracefulStop;
import dev.strangler.cli.Verbosity;
import dev.strangler.cli.ops.ServedPipeline;
import dev.strangler.cli.parity.ParitySettings;
import dev.strangler.cli.parity.SinkParityModel;
import dev.strangler.cli.parity.StderrProgress;
import dev.strangler.contract.TableId;
import dev.strangler.engine.Pipeline;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.parity.ParityChecker;
import dev.strangler.parity.ParityConfig;
import dev.strangler.parity.compare.CanonicalRowCodecs;
import dev.strangler.parity.model.Direction;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.Verdict;
import dev.strangler.parity.report.ReportFiles;
import dev.strangler.parity.report.ReportWriter;
import dev.strangler.sandbox.Sandbox;
import dev.strangler.sandbox.SandboxPostgres;
import dev.strangler.sink.Sink;
import dev.strangler.sink.config.SinkConfig;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the whole picture on this machine, no Docker: an embedded PostgreSQL with a legacy shop "
                + "schema, an embedded Kafka, the pipeline, and a legacy-like workload; next to it a new service "
                + "places orders through the transactional outbox (orders_svc.outbox, routed to demo.outbox.*); then "
                + "count every topic with an independent consumer and check that nothing was lost.",
            "The sink keeps the legacy back office alive: the new service's order events flow back into "
                + "shop.web_orders (which the pipeline captures; the sink's writes come out marked, not echoed) while "
                + "the legacy workload writes phone orders into the same table.",
            "Ends with a parity check (GO / NO-GO) of every captured table, and of the sink's table the other way "
                + "round. Leaves pipeline.properties, "
                + "sink.properties, summary.md, summary.json and parity/report.html in --out. Ctrl-C stops early and "
                + "still prints the summary."})
public final class DemoCommand implements Callable<Integer> {

    /** Bound on waiting for the slot to confirm the end of the workload; long enough for a loaded laptop. */
    static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);
    /** After Ctrl-C people want out quickly, yet a few seconds usually suffice for a complete count. */
    static final Duration CATCH_UP_TIMEOUT_AFTER_STOP = Duration.ofSeconds(10);
    static final Duration CENSUS_TIMEOUT = Duration.ofSeconds(60);

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Option(names = "--rate", defaultValue = "50", paramLabel = "N",
            description = "Legacy changes per second; a multi-statement transaction counts as one. The new service "
                    + "runs at a quarter of it, at least 1 transaction/s (default: ${DEFAULT-VALUE}).")
    double rate;

    @Option(names = "--duration", defaultValue = "30s", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long the workload runs, e.g. 30s, 2m (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--out", defaultValue = "./strangler-demo/", paramLabel = "DIR",
            description = "Directory for pipeline.properties, summary.md and summary.json (default: "
                    + "${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--seed", defaultValue = "42", paramLabel = "N",
            description = "Random seed of the workloads; the same seed issues the same changes and outbox events "
                    + "(default: ${DEFAULT-VALUE}).")
    long seed;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicReference<RuntimeException> pipelineFailure = new AtomicReference<>();

    @Override
    public Integer call() throws Exception {
        verbosity.apply();
        validate();
        Files.createDirectories(out);
        PrintWriter err = spec.commandLine().getErr();
        GracefulStop.install(stopRequested::countDown);
        err.println("strangler demo: starting PostgreSQL and Kafka inside this process");
        err.flush();
        try (Sandbox sandbox = Sandbox.start().registerShutdownHook()) {
            SandboxPostgres postgres = sandbox.postgres();
            DemoDatabase.create(postgres);
            Map<String, String> settings = DemoPipelineConfig.settings(postgres.jdbcUrl(DemoDatabase.NAME),
                    postgres.superuser(), postgres.superuserPassword(), sandbox.kafka().bootstrapServers());
            PipelineConfig config = DemoPipelineConfig.load(settings);
            DemoPipelineConfig.write(settings, out.resolve("pipeline.properties"));
            // the pipeline as strangler run serves it: /metrics, /health/*, /status on a free port of this host
            ServedPipeline served = ServedPipeline.create(config, Pipeline.Options.defaults());
            Pipeline pipeline = served.pipeline();
            Map<String, String> sinkSettings = DemoSinkConfig.settings(postgres.jdbcUrl(DemoDatabase.NAME),
                    postgres.superuser(), postgres.superuserPassword(), sandbox.kafka().bootstrapServers());
            DemoSinkConfig.write(sinkSettings, out.resolve("sink.properties"));
            Sink sink = new Sink(DemoSinkConfig.load(sinkSettings), Sink.Options.defaults());
            try (Connection app = postgres.connect(DemoDatabase.NAME);
                 Connection service = postgres.connect(DemoDatabase.NAME);
                 SlotMonitor slot = new SlotMonitor(postgres.connect(DemoDatabase.NAME), config.source().slot())) {
                err.printf("strangler demo: database '%s' seeded; starting the pipeline (snapshot, then streaming)%n",
                        DemoDatabase.NAME);
                err.flush();
                pipeline.start();
                err.printf("strangler demo: %s; try curl %s/status while it runs%n", served.where(),
                        served.endpoint().map(e -> e.url()).orElse(""));
                err.flush();
                watchForFailure(pipeline);
                // after the pipeline: its start created Strangler's tables, the sink's among them
                sink.start();
                watchForFailure(sink);
                err.printf("strangler demo: sink '%s' applying the new service's order events to %s%n",
                        DemoSinkConfig.SINK, DemoDatabase.WEB_ORDERS);
                err.flush();
                DemoSummary summary = runWorkloadAndCount(pipeline, sink, config, app, service, slot, err);
                publish(summary);
                if (pipelineFailure.get() == null) {
                    checkParity(config, sink.config(), err);
                }
            } finally {
                sink.stop();
                served.close();
            }
        }
        RuntimeException failure = pipelineFailure.get();
        if (failure != null) {
            throw failure;
        }
        return ExitCodes.OK;
    }

    private void validate() {
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new ParameterException(spec.commandLine(), "--rate must be greater than 0, got " + format(rate));
        }
        if (duration.isNegative() || duration.isZero()) {
            throw new ParameterException(spec.commandLine(), "--duration must be greater than 0, got " + duration);
        }
    }

    private DemoSummary runWorkloadAndCount(Pipeline pipeline, Sink sink, PipelineConfig config, Connection app,
                                            Connection service, SlotMonitor slot, PrintWriter err) throws Exception {
        LegacyWorkload workload = new LegacyWorkload(app, seed, rate, duration);
        NewServiceWorkload newService = new NewServiceWorkload(service, DemoDatabase.OUTBOX.toString(), seed, rate,
                duration);
        err.printf("strangler demo: pipeline '%s' streaming %s and routing outbox %s; legacy workload at %s "
                        + "changes/s, new service at %s transactions/s, for %s (seed %d); Ctrl-C stops early%n",
                config.pipelineName(), DemoDatabase.CAPTURED, DemoDatabase.OUTBOX, format(rate),
                format(newService.ratePerSecond()), DurationConverter.format(duration), seed);
        err.flush();
        boolean stoppedEarly;
        boolean caughtUp = false;
        boolean sinkCaughtUp = false;
        try (ProgressLine progress = new ProgressLine(err, System.console() != null, duration,
                pipeline.metrics()::published, slot::lagBytes)) {
            progress.start();
            stoppedEarly = runWorkloads(workload, newService);
            progress.phase("catching up");
            if (workload.abortReason() != null) {
                err.println("strangler demo: the workload stopped early: " + workload.abortReason());
            }
            if (newService.abortReason() != null) {
                err.println("strangler demo: the new service stopped early: " + newService.abortReason());
            }
            // everything both workloads wrote is before this position; once the slot confirms it, Kafka has it all
            String workloadEnd = slot.currentWalLsn();
            if (pipelineFailure.get() == null) {
                caughtUp = slot.awaitConfirmed(workloadEnd,
                        stoppedEarly ? CATCH_UP_TIMEOUT_AFTER_STOP : CATCH_UP_TIMEOUT,
                        () -> pipelineFailure.get() != null || (!stoppedEarly && stopRequested.getCount() == 0));
            }
            if (caughtUp) {
                // the sink applies the last order events, and the pipeline then confirms the sink's own writes
                sinkCaughtUp = SinkProgress.awaitApplied(config.kafka().bootstrapServers(), app,
                        sink.config().kafka().group(), DemoSinkConfig.ORDER_TOPIC, CATCH_UP_TIMEOUT,
                        () -> pipelineFailure.get() != null);
                String sinkEnd = slot.currentWalLsn();
                caughtUp = slot.awaitConfirmed(sinkEnd, CATCH_UP_TIMEOUT, () -> pipelineFailure.get() != null);
            }
            if (!caughtUp) {
                progress.close();
                err.printf("strangler demo: the slot did not confirm WAL position %s (confirmed: %s); the counts "
                        + "below may miss the latest changes%n", workloadEnd, slot.confirmedFlushLsn().orElse("none"));
            }
        }
        Map<TableId, Long> rows = DemoDatabase.rowCounts(app, DemoDatabase.CAPTURED);
        Map<TableId, Long> notCapturedRows = DemoDatabase.rowCounts(app, DemoDatabase.NOT_CAPTURED);
        long serviceOrders = DemoDatabase.rowCounts(app, List.of(DemoDatabase.NEW_SERVICE_ORDERS))
                .get(DemoDatabase.NEW_SERVICE_ORDERS);
        List<String> topics = DemoDatabase.CAPTURED.stream().map(config.kafka()::topicFor).toList();
        Map<String, String> outboxTopics = new LinkedHashMap<>();
        for (String type : NewServiceWorkload.AGGREGATE_TYPES) {
            outboxTopics.put(type, DemoPipelineConfig.outboxTopic(config, type));
        }
        TopicCensus.Result census = TopicCensus.count(config.kafka().bootstrapServers(), topics,
                outboxTopics.values(), CENSUS_TIMEOUT);

        List<DemoSummary.TableLine> lines = new ArrayList<>();
        for (TableId table : DemoDatabase.CAPTURED) {
            String topic = config.kafka().topicFor(table);
            lines.add(new DemoSummary.TableLine(table.toString(), rows.get(table),
                    census.byTopic().getOrDefault(topic, OpCounts.NONE), topic));
        }
        Map<String, Long> notCaptured = new LinkedHashMap<>();
        notCapturedRows.forEach((table, count) -> notCaptured.put(table.toString(), count));
        Map<String, Set<UUID>> committed = newService.committedEvents();
        Map<String, Set<UUID>> rolledBack = newService.rolledBackEvents();
        List<OutboxSection.TopicLine> outboxLines = new ArrayList<>();
        outboxTopics.forEach((type, topic) -> outboxLines.add(OutboxSection.TopicLine.of(type, topic,
                committed.getOrDefault(type, Set.of()), rolledBack.getOrDefault(type, Set.of()),
                census.outbox().getOrDefault(topic, TopicCensus.OutboxCount.NONE))));
        OutboxSection outbox = new OutboxSection(DemoDatabase.OUTBOX.toString(), newService.ratePerSecond(),
                newService.elapsed(), outboxLines, newService.completed(), newService.failed(), serviceOrders);
        String webTopic = config.kafka().topicFor(DemoDatabase.WEB_ORDERS);
        long marked = census.marked(webTopic);
        SinkSection sinkSection = new SinkSection(DemoSinkConfig.SINK, DemoSinkConfig.ORDER_TOPIC,
                DemoDatabase.WEB_ORDERS.toString(), sink.metrics().byMapping(), sinkCaughtUp,
                SinkProgress.count(app, "SELECT count(*) FROM shop.web_orders WHERE channel = 'web'"), serviceOrders,
                SinkProgress.count(app, SinkProgress.DIFFERING_ORDERS),
                SinkProgress.count(app, "SELECT count(*) FROM shop.web_orders WHERE channel = 'phone'"), marked,
                census.byTopic().getOrDefault(webTopic, OpCounts.NONE).events() - marked);
        return new DemoSummary(config.pipelineName(), seed, rate, duration, workload.elapsed(),
                stopRequested.getCount() == 0, caughtUp, census.complete(),
                pipeline.metrics().published(), lines, notCaptured, workload.completed(), workload.failed(), outbox,
                sinkSection);
    }

    /**
     * Runs the legacy workload and the new service side by side, each on its own thread, until both end; returns
     * true if Ctrl-C or a pipeline failure cut them short.
     */
    private boolean runWorkloads(LegacyWorkload legacy, NewServiceWorkload newService) throws InterruptedException {
        Thread legacyWorker = new Thread(legacy, "demo-legacy-workload");
        Thread serviceWorker = new Thread(newService, "demo-new-service");
        legacyWorker.start();
        serviceWorker.start();
        boolean stoppedEarly = false;
        while (legacyWorker.isAlive() || serviceWorker.isAlive()) {
            if (!stoppedEarly && (stopRequested.await(200, TimeUnit.MILLISECONDS) || pipelineFailure.get() != null)) {
                legacy.stop();
                newService.stop();
                stoppedEarly = true;
            }
            legacyWorker.join(100);
            serviceWorker.join(100);
        }
        return stoppedEarly;
    }

    /** The sink fails on its own thread (a bad event, say); the demo stops and reports it like a pipeline failure. */
    private void watchForFailure(Sink sink) {
        Thread watcher = new Thread(() -> {
            try {
                sink.awaitTermination();
            } catch (RuntimeException e) {
                pipelineFailure.compareAndSet(null, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-sink-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    /** The engine fails on its own thread; this notices it, so the demo stops instead of waiting for nothing. */
    private void watchForFailure(Pipeline pipeline) {
        Thread watcher = new Thread(() -> {
            try {
                pipeline.awaitTermination();
            } catch (RuntimeException e) {
                pipelineFailure.compareAndSet(null, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-pipeline-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private void publish(DemoSummary summary) throws java.io.IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println();
        stdout.print(summary.toText());
        stdout.flush();
        Files.writeString(out.resolve("summary.md"), summary.toMarkdown(), StandardCharsets.UTF_8);
        Files.writeString(out.resolve("summary.json"), summary.toJson(), StandardCharsets.UTF_8);
        PrintWriter err = spec.commandLine().getErr();
        err.printf("strangler demo: wrote %s, %s, %s and %s%n", out.resolve("pipeline.properties"),
                out.resolve("sink.properties"), out.resolve("summary.md"), out.resolve("summary.json"));
        err.flush();
    }

    /**
     * Ends the demo the way a migration lead would: the parity check of every captured table at one consistent cut,
     * and in the same cut the sink's table the other way round (its topic folded up to the positions it stored), with
     * the HTML report next to the summary.
     */
    private void checkParity(PipelineConfig config, SinkConfig sinkConfig, PrintWriter err)
            throws java.io.IOException {
        err.println("strangler demo: checking parity in both directions at one consistent cut: every captured table "
                + "against its topic, the sink's table against the events it applied");
        err.flush();
        ParityConfig parity = ParitySettings.from(config, List.of(), 0, Map.of(), CATCH_UP_TIMEOUT, 20, null,
                sinkConfig.tables(), false);
        StderrProgress progress = new StderrProgress(err, System.console() != null);
        ParityReport report = new ParityChecker(parity,
                CanonicalRowCodecs.factory(parity.unavailableValuePlaceholder()), progress,
                SinkParityModel.loader(sinkConfig)).run();
        progress.finish();
        ReportFiles files = new ReportWriter().write(report, out.resolve("parity"));
        PrintWriter stdout = spec.commandLine().getOut();
        long sinkTables = report.tables().stream().filter(t -> t.direction() == Direction.TOPIC_TO_TABLE).count();
        stdout.printf("parity: %s%s at snapshot %s, WAL %s (%d tables → topics, %d sink table%s ← topics, %d "
                        + "findings)%n", report.verdict().label(), report.verdict() == Verdict.GO
                        ? " in both directions" : "", report.cut().snapshotText(), report.cut().walLsnText(),
                report.tables().size() - sinkTables, sinkTables, sinkTables == 1 ? "" : "s",
                report.tables().stream().mapToLong(dev.strangler.parity.model.TableResult::findings).sum());
        if (report.reason() != null) {
            stdout.println("  reason: " + report.reason());
        }
        stdout.println("parity report: " + files.html().toAbsolutePath());
        stdout.flush();
    }

    private static String format(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
