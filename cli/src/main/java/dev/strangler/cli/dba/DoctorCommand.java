package dev.strangler.cli.dba;

import dev.strangler.cli.ExitCodes;
import dev.strangler.cli.PipelineConfigOption;
import dev.strangler.cli.Verbosity;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.doctor.Doctor;
import dev.strangler.engine.doctor.DoctorReport;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check that the legacy PostgreSQL and Kafka can serve the pipeline, without changing anything: "
                + "the configuration's warnings (secret files others can read), TLS that verifies the servers, "
                + "server version, wal_level, free slots and WAL senders, max_slot_wal_keep_size, the role's "
                + "REPLICATION and SELECT grants, a replication connection, every table and its replica identity, "
                + "TOAST-able columns, the publication, schema strangler, every replication slot, and Kafka reached "
                + "with the pipeline's own client settings (TLS, SASL).",
            "Each check is PASS, WARN or FAIL with the exact SQL or setting that fixes it.",
            "Exit code: 0 when nothing FAILs, 1 otherwise, 78 for a bad configuration."})
public final class DoctorCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Mixin
    PipelineConfigOption config;

    @Option(names = "--json", description = "Print the report as JSON instead of a table.")
    boolean json;

    @Option(names = "--no-kafka", description = "Check PostgreSQL only (e.g. from a host that cannot reach Kafka).")
    boolean noKafka;

    @Override
    public Integer call() {
        verbosity.apply();
        PipelineConfig pipelineConfig = config.load();
        DoctorReport report = (noKafka ? new Doctor(pipelineConfig, false) : new Doctor(pipelineConfig)).run();
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? DoctorOutput.json(report) : DoctorOutput.text(report));
        out.flush();
        return report.ok() ? ExitCodes.OK : ExitCodes.FINDINGS;
    }
}
