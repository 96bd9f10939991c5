package dev.strangler.cli.parity;

import dev.strangler.cli.ExitCodes;
import dev.strangler.cli.PipelineConfigOption;
import dev.strangler.cli.Verbosity;
import dev.strangler.contract.EventEncoding;
import dev.strangler.engine.config.ConfigException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.parity.History;
import dev.strangler.parity.ParityChecker;
import dev.strangler.parity.ParityConfig;
import dev.strangler.parity.TableCompare;
import dev.strangler.parity.compare.CanonicalRowCodecs;
import dev.strangler.parity.compare.KeyBuckets;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.repair.DifferencesFile;
import dev.strangler.parity.report.JsonReportWriter;
import dev.strangler.parity.report.ReportFiles;
import dev.strangler.parity.report.ReportWriter;
import dev.strangler.parity.spill.SpillEstimate;
import dev.strangler.sink.config.SinkConfig;
import dev.strangler.sink.config.SinkConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "parity", mixinStandardHelpOptions = true,
        description = {"Prove the Kafka topics hold exactly what the legacy tables hold, at one consistent cut, while "
                + "the legacy app keeps writing; with --sink-config also that a sink's tables hold exactly what it "
                + "applied of its topics (topic → table).",
            "Exit code: 0 GO (every table matches), 1 NO-GO (findings beyond the tolerance), 2 UNVERIFIABLE (no sound "
                + "answer: pipeline lagging, topic history cut by retention...). Reports: report.html, report.md, "
                + "report.json in --out."})
public final class ParityCommand implements Callable<Integer> {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ParityCommand.class);

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Mixin
    PipelineConfigOption config;

    @Option(names = "--tables", split = ",", paramLabel = "SCHEMA.TABLE",
            description = "Check only these captured tables (default: every table in source.tables).")
    List<String> tables = List.of();

    @Option(names = "--out", defaultValue = "./parity-report/", paramLabel = "DIR",
            description = "Directory for report.html, report.md and report.json (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--timeout", defaultValue = "5m", paramLabel = "DURATION",
            converter = dev.strangler.cli.DurationConverter.class,
            description = "How long to wait for the pipeline to publish everything the cut can see; past it the "
                    + "verdict is UNVERIFIABLE (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--tolerance", defaultValue = "0", paramLabel = "N",
            description = "Findings a table may have and still be GO (default: ${DEFAULT-VALUE}).")
    long tolerance;

    @Option(names = "--tolerance-for", paramLabel = "SCHEMA.TABLE=N",
            description = "Tolerance for one table, e.g. --tolerance-for shop.audit=5 (repeatable).")
    Map<String, Long> tolerances = Map.of();

    @Option(names = "--sample", defaultValue = "20", paramLabel = "N",
            description = "Findings per kind and table shown with column-level detail (default: ${DEFAULT-VALUE}).")
    int sample;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where to spill the comparison's partitions: row values, up to about 3.5 times the "
                    + "largest checked table, in an owner-only directory of the run's own, removed when the run ends "
                    + "(default: the system temp directory).")
    Path workDir;

    @Option(names = "--skip-space-check",
            description = "Start even when --work-dir's file system has less free space than the spill estimate "
                    + "(3.5 times the largest checked table's pg_table_size).")
    boolean skipSpaceCheck;

    @Option(names = "--decimal-handling-mode", defaultValue = "string", paramLabel = "MODE",
            description = "How the connector wrote numeric columns: string (Strangler's engine), precise (Debezium's "
                    + "default) or double (default: ${DEFAULT-VALUE}).")
    String decimalMode;

    @Option(names = "--time-precision-mode", defaultValue = "isostring", paramLabel = "MODE",
            description = "How the connector wrote date and time columns: isostring (Strangler's engine), adaptive "
                    + "(Debezium's default), adaptive_time_microseconds or connect (default: ${DEFAULT-VALUE}).")
    String timeMode;

    @Option(names = "--binary-handling-mode", defaultValue = "base64", paramLabel = "MODE",
            description = "How the connector wrote bytea columns: base64 (Strangler's engine), bytes (Debezium's "
                    + "default), base64-url-safe or hex (default: ${DEFAULT-VALUE}).")
    String binaryMode;

    @Option(names = "--interval-handling-mode", defaultValue = "string", paramLabel = "MODE",
            description = "How the connector wrote interval columns: only string can be checked "
                    + "(default: ${DEFAULT-VALUE}).")
    String intervalMode;

    @Option(names = "--accept-not-comparable",
            description = "Rows the stream cannot show in full (a column absent from their events, Debezium's TOAST "
                    + "placeholder) are reported but do not count against the tolerance; recorded in the report. "
                    + "Default: they count. A column that never arrives makes its table UNVERIFIABLE either way.")
    boolean acceptNotComparable;

    @Option(names = "--sink-config", paramLabel = "FILE",
            description = "A sink's properties file (the one `strangler sink` uses): its tables are checked too, the "
                    + "other way round (topic → table): its topics folded up to exactly the positions it stored in "
                    + "the cut's snapshot must equal the tables, on the keys its topics touched and the columns it "
                    + "writes. The sink must write the database --config's source.url names.")
    Path sinkConfig;

    @Option(names = "--sink-only",
            description = "With --sink-config: check the sink's tables only (no wait for the pipeline).")
    boolean sinkOnly;

    @Option(names = "--accept-history-gaps",
            description = "History gaps (a topic that restarted from a new snapshot, or was rebuilt after retention "
                    + "deleted its early records) are reported but do not make their table NO-GO; recorded in the "
                    + "report. Default: a gap makes its table NO-GO.")
    boolean acceptHistoryGaps;

    @Option(names = "--table-compare", defaultValue = "scan", paramLabel = "MODE",
            description = "How each table's rows are compared: scan (every row read and compared), in-database "
                    + "(PostgreSQL sums row digests per primary-key range in the cut's snapshot; only ranges whose "
                    + "sums differ from the stream's are read; for a one-column integer primary key and digestible "
                    + "column types, other tables are scanned and the report says why) or auto (in-database from "
                    + "--in-database-min-rows estimated rows). Findings and verdict are the same either way; "
                    + "in-database saves shipping and spilling the table's rows but folds the stream twice where "
                    + "ranges differ, see README 'In-database mode' (default: ${DEFAULT-VALUE}).")
    String tableCompare;

    @Option(names = "--in-database-min-rows", defaultValue = "" + TableCompare.DEFAULT_MIN_ROWS, paramLabel = "N",
            description = "With --table-compare auto: the estimated rows (pg_class.reltuples) from which a table is "
                    + "compared in the database (default: ${DEFAULT-VALUE}).")
    long inDatabaseMinRows;

    @Option(names = "--in-database-rows-per-bucket", defaultValue = "" + TableCompare.DEFAULT_ROWS_PER_BUCKET,
            paramLabel = "N",
            description = "In the database: about how many rows a primary-key range holds. A differing row costs "
                    + "reading its range; more, smaller ranges cost PostgreSQL a larger GROUP BY. At most "
                    + KeyBuckets.MAX_BUCKETS + " ranges a table, so larger tables get larger ranges "
                    + "(default: ${DEFAULT-VALUE}).")
    long inDatabaseRowsPerBucket;

    @Option(names = "--history", description = "List earlier runs from strangler.parity_run instead of checking.")
    boolean history;

    @Option(names = "--json", description = "Print report.json to stdout instead of the text summary.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        verbosity.apply();
        PipelineConfig pipeline = config.load();
        pipeline.warnings().forEach(w -> LOG.warn("configuration {}: {}", w.key(), w));
        SinkConfig sink = sinkConfig == null ? null : SinkConfigLoader.withSystemEnvironment().load(sinkConfig);
        if (sinkOnly && sink == null) {
            throw new ConfigException("--sink-only needs --sink-config: the sink whose tables to check");
        }
        if (sink != null) {
            SinkDatabase.requireSame(pipeline.source().endpoint().jdbcUrl(), sink.target().jdbcUrl());
        }
        ParityConfig parity = ParitySettings.from(pipeline, tables, tolerance, tolerances, timeout, sample, workDir,
                        sink == null ? List.of() : sink.tables(), sinkOnly)
                .withEventEncoding(encoding()).withAcceptNotComparable(acceptNotComparable)
                .withAcceptHistoryGaps(acceptHistoryGaps).withTableCompare(tableCompare());
        PrintWriter stdout = spec.commandLine().getOut();
        if (history) {
            return printHistory(parity, stdout);
        }
        StderrProgress progress = new StderrProgress(spec.commandLine().getErr(), System.console() != null);
        SpillEstimate spillEstimate = skipSpaceCheck ? SpillEstimate.NONE : SpillEstimate.fromTableSizesAndSample();
        ParityReport report = new ParityChecker(parity, CanonicalRowCodecs.factory(parity.unavailableValuePlaceholder(),
                parity.eventEncoding()), progress, spillEstimate,
                sink == null ? null : SinkParityModel.loader(sink))
                .writingDifferingKeysTo(out.resolve(DifferencesFile.NAME)).run();
        progress.finish();
        ReportFiles files = new ReportWriter().write(report, out);
        if (json) {
            stdout.println(Files.readString(files.json()));
        } else {
            ParitySummaryText.print(report, files, stdout);
        }
        stdout.flush();
        return report.verdict().exitCode();
    }

    private TableCompare tableCompare() {
        try {
            return new TableCompare(TableCompare.Mode.parse(tableCompare), inDatabaseMinRows, inDatabaseRowsPerBucket);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--table-compare / --in-database-min-rows / --in-database-rows-per-bucket: "
                    + e.getMessage());
        }
    }

    /** The connector's encodings; topics from another writer than Strangler's engine may need other values. */
    private EventEncoding encoding() {
        try {
            return EventEncoding.of(decimalMode, timeMode, binaryMode, intervalMode);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    /** Earlier runs, read with connect and read timeouts; verdicts spelled as the reports spell them (NO-GO). */
    private int printHistory(ParityConfig parity, PrintWriter stdout) {
        List<ParityReport.HistoryPoint> points = History.read(parity, 100);
        if (json) {
            stdout.print(new JsonReportWriter().renderHistory(points));
            return ExitCodes.OK;
        }
        if (points.isEmpty()) {
            stdout.println("no parity runs yet for topic prefix '" + parity.topicPrefix() + "'");
            return ExitCodes.OK;
        }
        stdout.printf("%-24s  %-12s  %6s  %14s  %9s  %s%n", "started", "verdict", "tables", "rows in tables",
                "findings", "run");
        for (ParityReport.HistoryPoint p : points) {
            stdout.printf("%-24s  %-12s  %6d  %14d  %9d  %s%n", p.startedAt(), p.verdict().label(), p.tables(),
                    p.rowsInTables(), p.findings(), p.runId());
        }
        return ExitCodes.OK;
    }
}
