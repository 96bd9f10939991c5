package dev.strangler.cli.dba;

import dev.strangler.cli.ExitCodes;
import dev.strangler.cli.PipelineConfigOption;
import dev.strangler.cli.Verbosity;
import dev.strangler.engine.Pipeline;
import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.doctor.LostSlot;
import dev.strangler.engine.doctor.SlotInspector;
import dev.strangler.engine.doctor.SlotState;
import dev.strangler.engine.resume.StartPlanner;
import dev.strangler.engine.source.SourceConnections;
import java.io.PrintWriter;
import java.sql.Connection;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the pipeline's replication slot: active or not, lag in bytes and time, the WAL it "
                + "retains and its wal_status.",
            "Exit code: 0 when the slot exists and is not lost (and, with --expect-active, is being read), 1 "
                + "otherwise; 69 when PostgreSQL cannot be reached."})
public final class SlotStatusCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Mixin
    PipelineConfigOption config;

    @Option(names = "--json", description = "Print the status as JSON.")
    boolean json;

    @Option(names = "--position",
            description = "Also read the pipeline's stored position (offsets topic or file) and say how its next "
                    + "start resumes, or why it would be refused.")
    boolean position;

    @Option(names = "--expect-active",
            description = "Exit 1 unless a process reads the slot (a health check of a running pipeline).")
    boolean expectActive;

    @Override
    public Integer call() throws Exception {
        verbosity.apply();
        PipelineConfig pipelineConfig = config.load();
        String slot = pipelineConfig.source().slot();
        Optional<SlotState> state;
        try (Connection c = SourceConnections.open(pipelineConfig.source(),
                "strangler-slot-status-" + pipelineConfig.pipelineName())) {
            state = SlotInspector.find(c, slot, pipelineConfig.pipelineName());
        } catch (java.sql.SQLException e) {
            throw new SourceNotReadyException("reading pg_replication_slots on " + pipelineConfig.source().endpoint()
                    + " failed: " + e.getMessage(), e);
        }
        Optional<StartPlanner.Preview> preview = position ? Optional.of(Pipeline.previewStart(pipelineConfig))
                : Optional.empty();
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? SlotOutput.json(slot, state, preview) : SlotOutput.text(slot, state,
                pipelineConfig.source().endpoint().database()) + preview.map(SlotOutput::text).orElse(""));
        out.flush();
        if (state.isEmpty() || state.get().lost() || (expectActive && !state.get().active())) {
            if (!json && state.isPresent() && state.get().lost()) {
                spec.commandLine().getErr().println("strangler: error: " + LostSlot.message(slot));
            }
            return ExitCodes.FINDINGS;
        }
        return ExitCodes.OK;
    }
}
