package dev.strangler.cli.dba;

import dev.strangler.cli.ExitCodes;
import dev.strangler.cli.PipelineConfigOption;
import dev.strangler.cli.Verbosity;
import dev.strangler.engine.admin.SlotAdmin;
import dev.strangler.engine.admin.StartPreview;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.doctor.LostSlot;
import dev.strangler.engine.doctor.SlotState;
import java.io.PrintWriter;
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
        SlotAdmin admin = new SlotAdmin(pipelineConfig);
        Optional<SlotState> state = admin.state();
        Optional<StartPreview> preview = position ? Optional.of(admin.preview()) : Optional.empty();
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
