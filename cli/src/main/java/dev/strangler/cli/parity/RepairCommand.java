package dev.strangler.cli.parity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strangler.cli.DurationConverter;
import dev.strangler.cli.ExitCodes;
import dev.strangler.cli.PipelineConfigOption;
import dev.strangler.cli.Verbosity;
import dev.strangler.contract.TableId;
import dev.strangler.contract.TopicNames;
import dev.strangler.engine.SinkUnavailableException;
import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.admin.CheckedScope;
import dev.strangler.engine.admin.IncrementalSnapshots;
import dev.strangler.engine.admin.RecordRetraction;
import dev.strangler.engine.admin.SnapshotScope;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.parity.Connections;
import dev.strangler.parity.ParityChecker;
import dev.strangler.parity.ParityConfig;
import dev.strangler.parity.compare.CanonicalRowCodecs;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.RepairOf;
import dev.strangler.parity.model.Verdict;
import dev.strangler.parity.repair.DifferencesFile;
import dev.strangler.parity.repair.KeyFilter;
import dev.strangler.parity.repair.RepairPlan;
import dev.strangler.parity.repair.RepairPreconditions;
import dev.strangler.parity.report.ReportFiles;
import dev.strangler.parity.report.ReportWriter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "repair", mixinStandardHelpOptions = true,
        description = {"From a NO-GO parity report back to GO, while the pipeline and the legacy app keep running: "
                + "publishes again the current rows of exactly the keys the report found missing, different or not "
                + "comparable (Debezium's incremental snapshot, read-only, so a change made meanwhile is never "
                + "overtaken by an older read), retracts the keys the topic holds but the table does not (a delete "
                + "and a tombstone, header strangler.repair), then checks the repaired tables again and writes a new "
                + "report that references the repaired one; while that check is NO-GO with keys a repair can mend, "
                + "repairs them from it in turn, --rounds in all.",
            "Refuses an UNVERIFIABLE report, one of another pipeline, one older than --max-age and one cut later than "
                + "the slot has reached (the slot was created again since).",
            "Exit code: the new check's (0 GO, 1 NO-GO, 2 UNVERIFIABLE); 0 after --dry-run; 78 for a report it "
                + "refuses; 70 when a table's re-read failed three times; 75 when no pipeline streams (its slot is "
                + "inactive) or none took the request within --start-timeout; 69 when PostgreSQL cannot be reached."})
public final class RepairCommand implements Callable<Integer> {

    private static final int ATTEMPTS = 3;

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Mixin
    PipelineConfigOption config;

    @Option(names = "--report", required = true, paramLabel = "DIR/report.json",
            description = "The NO-GO report to repair (differences.jsonl beside it lists every differing key).")
    Path report;

    @Option(names = "--dry-run", description = "Print what would be published and retracted; publish nothing.")
    boolean dryRun;

    @Option(names = "--out", defaultValue = "./parity-report-repaired/", paramLabel = "DIR",
            description = "Directory for the new check's reports (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--max-keys", defaultValue = "10000", paramLabel = "N",
            description = "Keys per table re-read by name; a table with more is published again whole, still "
                    + "online (default: ${DEFAULT-VALUE}).")
    int maxKeys;

    @Option(names = "--max-age", defaultValue = "24h", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Refuse a report older than this (default: ${DEFAULT-VALUE}).")
    Duration maxAge;

    @Option(names = "--start-timeout", defaultValue = "60s", paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long to wait for the running pipeline to start the re-read (default: ${DEFAULT-VALUE}).")
    Duration startTimeout;

    @Option(names = "--timeout", defaultValue = "5m", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "The new check's wait for the pipeline, as strangler parity --timeout "
                    + "(default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--rounds", defaultValue = "3", paramLabel = "N",
            description = "Repairs in all: while the new check is NO-GO with keys a repair can mend, they are repaired "
                    + "from its report in turn (Debezium 3.6.1 can publish a re-read's rows as rows of another table "
                    + "when its first chunk races the stream; the next round retracts them) (default: ${DEFAULT-VALUE}).")
    int rounds;

    /** What every round published, for the last check's repairOf. */
    private long republished;
    private long retractedTotal;
    private final Set<String> wholeTables = new LinkedHashSet<>();

    @Override
    public Integer call() throws Exception {
        verbosity.apply();
        if (rounds < 1) {
            throw new ParameterException(spec.commandLine(), "--rounds must be 1 or more, not " + rounds);
        }
        PipelineConfig pipeline = config.load();
        PrintWriter stdout = spec.commandLine().getOut();
        RepairPlan first = RepairPlan.load(report, maxKeys);
        // every round checks the tables the repaired report found NO-GO, with its tolerances and options
        ParityConfig parity = ParitySettings.from(pipeline, first.tableIds().stream().map(TableId::toString).toList(),
                        0, tolerances(first), timeout, 20, null)
                .withEventEncoding(first.eventEncoding()).withAcceptNotComparable(first.acceptNotComparable())
                .withAcceptHistoryGaps(first.acceptHistoryGaps());
        SnapshotScope scope = scope(first, parity);
        first.notRepairable().forEach(line -> stdout.println("not repairable: " + line));
        if (first.tables().isEmpty()) {
            stdout.println("nothing to repair: report " + first.runId() + " has no table a repair can mend");
            return first.notRepairable().isEmpty() ? ExitCodes.OK : ExitCodes.FINDINGS;
        }
        describe(first, scope, stdout);
        if (dryRun) {
            stdout.println("dry run: nothing was published");
            return ExitCodes.OK;
        }
        RepairPlan plan = first;
        for (int round = 1; ; round++) {
            Optional<Integer> notCompleted = retractAndReRead(pipeline, plan, scope, stdout);
            if (notCompleted.isPresent()) {
                return notCompleted.get();
            }
            ParityReport checked = checkAgain(parity, first, stdout);
            if (checked.verdict() != Verdict.NO_GO || round >= rounds) {
                return checked.verdict().exitCode();
            }
            RepairPlan next = RepairPlan.load(out.resolve(ReportWriter.JSON), maxKeys);
            if (next.tables().isEmpty()) {
                return checked.verdict().exitCode();
            }
            stdout.println("round " + (round + 1) + " of " + rounds + ": repairing what the new check found (a "
                    + "re-read whose first chunk raced the stream can publish rows as another table's in Debezium "
                    + "3.6.1)");
            plan = next;
            scope = scope(plan, parity);
            describe(plan, scope, stdout);
        }
    }

    /** Retracts the plan's extra keys, then re-reads its keys; the exit code when the re-read did not complete. */
    private Optional<Integer> retractAndReRead(PipelineConfig pipeline, RepairPlan plan, SnapshotScope scope,
                                               PrintWriter stdout) {
        IncrementalSnapshots snapshots = new IncrementalSnapshots(pipeline);
        // before anything is published: a request the pipeline would refuse fails here, and is sent as checked
        CheckedScope request = snapshots.check(scope);
        List<RecordRetraction.Address> extras = new ArrayList<>();
        plan.tables().forEach(t -> t.extras().forEach(e -> extras.add(
                new RecordRetraction.Address(t.topic(), e.partition(), e.offset()))));
        // retract first: a key that came back since is then read again after its delete, never before it
        long retracted = new RecordRetraction(pipeline).retract(extras, plan.runId());
        if (retracted > 0) {
            stdout.println("retracted " + retracted + " key(s) (a delete and a tombstone each)");
        }
        retractedTotal += retracted;
        IncrementalSnapshots.Outcome outcome = snapshots.snapshotAndFollow(request, startTimeout, ATTEMPTS, notice -> {
            stdout.println(notice.type().equals("REQUESTED") ? "re-reading " + notice.describe()
                    : "  " + notice.describe());
            stdout.flush();
        });
        if (outcome != IncrementalSnapshots.Outcome.COMPLETED) {
            return Optional.of(notCompleted(outcome, pipeline));
        }
        republished += plan.keysToRepublish();
        plan.tables().stream().filter(RepairPlan.TableRepair::wholeTable).forEach(t -> wholeTables.add(
                t.table().toString()));
        return Optional.empty();
    }

    /** The repaired report's NO-GO tables checked at a new cut; the reports written to --out and summed up. */
    private ParityReport checkAgain(ParityConfig parity, RepairPlan first, PrintWriter stdout) throws Exception {
        stdout.println("re-read completed; checking " + first.tables().size() + " table(s) again");
        stdout.flush();
        StderrProgress progress = new StderrProgress(spec.commandLine().getErr(), System.console() != null);
        ParityReport checked = new ParityChecker(parity, CanonicalRowCodecs.factory(
                parity.unavailableValuePlaceholder(), parity.eventEncoding()), progress)
                .writingDifferingKeysTo(out.resolve(DifferencesFile.NAME)).run()
                .withRepairOf(new RepairOf(first.runId(), report.toString(), republished, retractedTotal,
                        List.copyOf(wholeTables)));
        progress.finish();
        ReportFiles files = new ReportWriter().write(checked, out);
        ParitySummaryText.print(checked, files, stdout);
        stdout.flush();
        return checked;
    }

    /** Per table: the keys to read again by name, or every row when they are too many or cannot be named. */
    private SnapshotScope scope(RepairPlan plan, ParityConfig parity) {
        Map<TableId, Optional<String>> conditions = new LinkedHashMap<>();
        try (Connection c = Connections.open(parity, "strangler-repair", Duration.ofSeconds(30))) {
            boolean streaming = RepairPreconditions.check(plan, parity.slot(), parity.topicPrefix(), c, maxAge,
                    Instant.now());
            if (!streaming && !dryRun) {
                // checked before anything is published: retracted keys without the re-read would stay half repaired
                throw new SinkUnavailableException("slot '" + parity.slot() + "' is not active: no pipeline streams "
                        + "from it now, and the re-read runs inside the pipeline; start it (strangler run) and repair "
                        + "again");
            }
            for (RepairPlan.TableRepair t : plan.tables()) {
                Optional<String> unreadable = t.wholeTable() ? Optional.of(t.reReadCount() + " keys, more than "
                        + "--max-keys " + maxKeys) : KeyFilter.unreadableReason(t.table(),
                        RepairPreconditions.keyColumns(c, t.table()));
                List<JsonNode> keys = t.keysToRead();
                if (unreadable.isPresent()) {
                    spec.commandLine().getOut().println(t.table() + ": publishing every row again (" + unreadable.get()
                            + ")");
                }
                conditions.put(t.table(), unreadable.isPresent() || keys.isEmpty() ? Optional.empty()
                        : Optional.of(KeyFilter.of(keys)));
            }
        } catch (SQLException e) {
            throw new SourceNotReadyException("cannot read the slot and keys on PostgreSQL at "
                    + Connections.redacted(parity.jdbcUrl()) + ": " + Connections.firstLine(e), e);
        }
        return new SnapshotScope(conditions);
    }

    private static void describe(RepairPlan plan, SnapshotScope scope, PrintWriter out) {
        out.println("repairing run " + plan.runId() + " (" + plan.reportFile() + "), cut at WAL "
                + plan.cutWalLsnText());
        for (RepairPlan.TableRepair t : plan.tables()) {
            out.println("  " + t.table() + " → " + t.topic() + ": " + t.reReadCount() + " key(s) to publish again, "
                    + t.extras().size() + " to retract" + (scope.conditionOf(t.table()).isEmpty()
                    ? "; every row read again" : ""));
            t.reRead().stream().limit(5).forEach(k -> out.println("      publish again " + k));
            t.extras().stream().limit(5).forEach(e -> out.println("      retract " + e.key() + " (last event: "
                    + "partition " + e.partition() + ", offset " + e.offset() + ")"));
        }
    }

    private static Map<String, Long> tolerances(RepairPlan plan) {
        Map<String, Long> tolerances = new LinkedHashMap<>();
        plan.tables().forEach(t -> tolerances.put(t.table().toString(), t.tolerance()));
        return tolerances;
    }

    private int notCompleted(IncrementalSnapshots.Outcome outcome, PipelineConfig pipeline) {
        PrintWriter err = spec.commandLine().getErr();
        String notifications = TopicNames.notifications(pipeline.kafka().topicPrefix());
        return switch (outcome) {
            case CANCELLED -> {
                err.println("strangler: the re-read was cancelled (strangler snapshot --cancel): the repair is "
                        + "incomplete; run it again");
                yield ExitCodes.FINDINGS;
            }
            case FAILED -> {
                err.println("strangler: the re-read of a table failed " + ATTEMPTS + " times (the pipeline's log says "
                        + "why); run the repair again");
                yield ExitCodes.PIPELINE_FAILED;
            }
            case STALLED -> {
                err.println("strangler: the re-read started, then nothing was heard of it for "
                        + IncrementalSnapshots.DEFAULT_STALL_TIMEOUT.toMinutes() + " minutes: the pipeline most likely "
                        + "stopped (its log says why); once it runs again it resumes the re-read; check with "
                        + "strangler parity afterwards");
                yield ExitCodes.PIPELINE_FAILED;
            }
            case NOT_STARTED -> {
                err.println("strangler: no running pipeline started the re-read within " + startTimeout.toSeconds()
                        + "s: it stays queued and runs when the pipeline streams (progress in " + notifications
                        + "); check with strangler parity afterwards");
                yield ExitCodes.SINK_UNAVAILABLE;
            }
            default -> throw new IllegalStateException(outcome.name());
        };
    }
}
