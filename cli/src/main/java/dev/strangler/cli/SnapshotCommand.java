package dev.strangler.cli;

import dev.strangler.contract.TableId;
import dev.strangler.contract.TopicNames;
import dev.strangler.engine.admin.IncrementalSnapshots;
import dev.strangler.engine.admin.SnapshotNotice;
import dev.strangler.engine.admin.SnapshotSignal;
import dev.strangler.engine.config.PipelineConfig;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = {"Re-publish the rows of captured tables while the pipeline runs: an incremental snapshot "
                + "(Debezium's), read in primary-key chunks between the streamed changes, so nothing stops, no other "
                + "table is read again and a change made meanwhile is never overtaken by an older read.",
            "The request goes to the pipeline's Kafka signal topic (<topic.prefix>.strangler-signals) and progress is "
                + "read from its notification topic; nothing is written to the legacy database (read-only chunk "
                + "windows, PostgreSQL 13+).",
            "Exit code: 0 when the snapshot completed (or was queued with --no-wait, or cancelled with --cancel), 1 "
                + "when it was cancelled while this command waited, 70 when a table's scan failed three times or nothing "
                + "was heard of the started snapshot for 5 minutes (the pipeline stopped), 75 when no running pipeline took the request "
                + "within --start-timeout (it stays queued), 78 for a table the pipeline does not capture or a bad "
                + "--where, 69 when PostgreSQL cannot be reached or is older than 13."})
public final class SnapshotCommand implements Callable<Integer> {

    /** Requests in all for a table whose scan fails (IncrementalSnapshots#snapshotAndFollow says why it can). */
    private static final int ATTEMPTS = 3;

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Mixin
    PipelineConfigOption config;

    @Option(names = "--tables", required = true, split = ",", paramLabel = "SCHEMA.TABLE",
            description = "Captured tables to snapshot (comma-separated).")
    List<String> tables;

    @Option(names = "--where", paramLabel = "CONDITION",
            description = "Only the rows this SQL condition selects, e.g. \"id BETWEEN 1000 AND 2000\" (applied to "
                    + "every table given); checked against the tables before the request is sent.")
    String where;

    @Option(names = "--cancel", description = "Stop the incremental snapshot of these tables instead; the rows read "
            + "so far stay published.")
    boolean cancel;

    @Option(names = "--no-wait", description = "Return once the request is queued instead of following it.")
    boolean noWait;

    @Option(names = "--start-timeout", paramLabel = "DURATION", defaultValue = "60s",
            converter = DurationConverter.class,
            description = "How long to wait for the running pipeline to start the snapshot (default: ${DEFAULT-VALUE}).")
    Duration startTimeout;

    @Override
    public Integer call() {
        verbosity.apply();
        PipelineConfig pipelineConfig = config.load();
        List<TableId> tableIds = parseTables();
        if (cancel && where != null) {
            throw new ParameterException(spec.commandLine(), "--where cannot be combined with --cancel");
        }
        PrintWriter out = spec.commandLine().getOut();
        IncrementalSnapshots snapshots = new IncrementalSnapshots(pipelineConfig);
        String notifications = TopicNames.notifications(pipelineConfig.kafka().topicPrefix());
        if (cancel) {
            snapshots.cancel(tableIds);
            out.println("asked pipeline '" + pipelineConfig.pipelineName() + "' to stop the snapshot of "
                    + join(tableIds) + "; it says so in " + notifications + " (ABORTED)");
            return ExitCodes.OK;
        }
        Optional<String> condition = Optional.ofNullable(where).filter(w -> !w.isBlank());
        if (noWait) {
            SnapshotSignal signal = snapshots.request(tableIds, condition);
            out.println("queued snapshot " + signal.id() + " of " + join(tableIds) + condition.map(w -> " where " + w)
                    .orElse("") + "; follow it in " + notifications);
            return ExitCodes.OK;
        }
        IncrementalSnapshots.Outcome outcome = snapshots.snapshotAndFollow(tableIds, condition, startTimeout,
                ATTEMPTS, notice -> {
                    out.println(notice.type().equals("REQUESTED") ? notice.describe() + condition.map(w -> " where "
                            + w).orElse("") + "; waiting for pipeline '" + pipelineConfig.pipelineName()
                            + "' (Ctrl-C stops waiting, not the snapshot; --cancel stops it)" : "  " + notice.describe());
                    out.flush();
                });
        return switch (outcome) {
            case COMPLETED -> ExitCodes.OK;
            case CANCELLED -> ExitCodes.FINDINGS;
            case FAILED -> {
                spec.commandLine().getErr().println("strangler: the snapshot of a table failed " + ATTEMPTS
                        + " times (the pipeline's log says why): rows of it may be missing from its topic; run it "
                        + "again, and check the table with strangler parity");
                yield ExitCodes.PIPELINE_FAILED;
            }
            case STALLED -> {
                spec.commandLine().getErr().println("strangler: the snapshot started, then nothing was heard of it "
                        + "for " + IncrementalSnapshots.DEFAULT_STALL_TIMEOUT.toMinutes() + " minutes: the pipeline "
                        + "most likely stopped (its log says why); once it runs again it resumes the snapshot "
                        + "(progress in " + notifications + ")");
                yield ExitCodes.PIPELINE_FAILED;
            }
            case NOT_STARTED -> {
                spec.commandLine().getErr().println("strangler: no running pipeline started the snapshot within "
                        + startTimeout.toSeconds() + "s: the request stays queued and runs when the pipeline streams "
                        + "(strangler status shows whether it runs; progress appears in " + notifications + ")");
                yield ExitCodes.SINK_UNAVAILABLE;
            }
        };
    }

    private List<TableId> parseTables() {
        try {
            return tables.stream().map(String::strip).filter(t -> !t.isEmpty()).map(TableId::parse).distinct()
                    .toList();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--tables: " + e.getMessage());
        }
    }

    private static String join(List<TableId> tables) {
        return String.join(", ", tables.stream().map(TableId::toString).toList());
    }
}
