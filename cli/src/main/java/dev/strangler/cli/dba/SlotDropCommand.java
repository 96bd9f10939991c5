package dev.strangler.cli.dba;

import dev.strangler.cli.ExitCodes;
import dev.strangler.cli.PipelineConfigOption;
import dev.strangler.cli.Verbosity;
import dev.strangler.engine.admin.SlotAdmin;
import dev.strangler.engine.admin.SlotDropResult;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.doctor.SlotState;
import dev.strangler.engine.doctor.Units;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "drop", mixinStandardHelpOptions = true,
        description = {"Drop the pipeline's replication slot, so it no longer retains WAL: the end of a migration, or "
                + "the recovery from a lost slot.",
            "Refuses while a process reads the slot and when the slot is not a pgoutput slot of the configured "
                + "database. Asks to type the slot name unless --yes.",
            "Exit code: 0 when the slot is gone (or was never there), 1 when refused, 69 when PostgreSQL cannot be "
                + "reached."})
public final class SlotDropCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Mixin
    PipelineConfigOption config;

    @Option(names = {"-y", "--yes"}, description = "Do not ask for confirmation.")
    boolean yes;

    /** Where the confirmation is read from; tests replace it. */
    BufferedReader input;

    @Override
    public Integer call() throws Exception {
        verbosity.apply();
        PipelineConfig pipelineConfig = config.load();
        PipelineConfig.Source source = pipelineConfig.source();
        String slot = source.slot();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        SlotDropResult result = new SlotAdmin(pipelineConfig).drop(s -> yes || confirmed(s, out));
        switch (result.outcome()) {
            case ABSENT -> out.println("slot '" + slot + "' does not exist on " + source.endpoint()
                    + ": nothing to drop");
            case FOREIGN -> {
                SlotState s = result.state().orElseThrow();
                err.println("strangler: error: slot '" + slot + "' is not the pipeline's (" + s.slotType()
                        + ", plugin " + s.plugin() + ", database " + s.database() + "): it belongs to another "
                        + "consumer; not dropped. Check source.slot");
            }
            case ACTIVE -> {
                SlotState s = result.state().orElseThrow();
                err.println("strangler: error: slot '" + slot + "' is in use (" + (s.active() ? "pid "
                        + s.activePid() + (s.replicationUser() == null ? "" : ", role '" + s.replicationUser() + "'")
                        + (s.applicationName() == null ? "" : ", application_name '" + s.applicationName() + "'")
                        : "a pipeline started meanwhile") + "): stop the pipeline first, then drop it; not dropped");
            }
            case NOT_CONFIRMED -> err.println("strangler: slot '" + slot + "' not dropped (not confirmed; pass --yes "
                    + "to skip the question)");
            case DROPPED -> out.println("dropped slot '" + slot + "'; it no longer retains WAL. If the pipeline has "
                    + "a stored position, strangler run now refuses to start (it would skip the changes since): "
                    + "start it once with snapshot.mode=when_needed to take a fresh snapshot on a new slot (slot "
                    + "status --position tells which)");
            default -> throw new IllegalStateException("unknown outcome " + result.outcome());
        }
        return result.gone() ? ExitCodes.OK : ExitCodes.FINDINGS;
    }

    private boolean confirmed(SlotState s, PrintWriter out) {
        try {
            return ask(s, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private boolean ask(SlotState s, PrintWriter out) throws IOException {
        out.println("About to drop replication slot '" + s.name() + "' (database " + s.database() + ", lag "
                + (s.lagBytes() == null ? "unknown" : Units.bytes(s.lagBytes())) + ", retains "
                + (s.retainedBytes() == null ? "unknown" : Units.bytes(s.retainedBytes())) + " of WAL).");
        out.println("Changes not yet confirmed by the pipeline can then never be streamed; a restart needs a new "
                + "slot and a fresh snapshot.");
        out.print("Type the slot name to confirm: ");
        out.flush();
        BufferedReader in = input != null ? input
                : new BufferedReader(new InputStreamReader(System.in, Charset.defaultCharset()));
        String answer = in.readLine();
        return answer != null && answer.trim().equals(s.name());
    }
}
