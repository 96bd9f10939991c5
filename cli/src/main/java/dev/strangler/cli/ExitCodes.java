package dev.strangler.cli;

import dev.strangler.contract.ExitCode;
import dev.strangler.engine.PipelineFailedException;
import dev.strangler.engine.PipelineFencedException;
import dev.strangler.engine.RecordTooLargeException;
import dev.strangler.engine.SinkUnavailableException;
import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.ConfigException;
import dev.strangler.sink.BadEventException;
import dev.strangler.sink.SinkFailedException;
import dev.strangler.sink.SinkKafkaException;
import dev.strangler.sink.TargetNotReadyException;
import dev.strangler.sink.config.SinkConfigException;

/**
 * The exit codes as the commands return them ({@link ExitCode}, the contract, declares each once with its meaning),
 * and the one place exceptions map to them.
 */
public final class ExitCodes {
    public static final int OK = ExitCode.OK.code();
    /** A parity verdict of NO-GO (and, in general, "the check ran and found problems"). */
    public static final int FINDINGS = ExitCode.FINDINGS.code();
    /** A parity verdict of UNVERIFIABLE. */
    public static final int UNVERIFIABLE = ExitCode.UNVERIFIABLE.code();
    public static final int FENCED = ExitCode.FENCED.code();
    public static final int RECORD_TOO_LARGE = ExitCode.DATA_REFUSED.code();
    /** {@code sink}: an event that does not match its mapping or that the legacy database refused (EX_DATAERR too). */
    public static final int BAD_EVENT = ExitCode.DATA_REFUSED.code();
    public static final int USAGE = ExitCode.USAGE.code();
    public static final int CONFIG = ExitCode.CONFIG.code();
    public static final int SOURCE_NOT_READY = ExitCode.SOURCE_NOT_READY.code();
    public static final int SINK_UNAVAILABLE = ExitCode.KAFKA_UNAVAILABLE.code();
    public static final int PIPELINE_FAILED = ExitCode.PIPELINE_FAILED.code();
    public static final int INTERNAL = ExitCode.INTERNAL.code();

    private ExitCodes() {
    }

    public static int forException(Throwable e) {
        if (e instanceof ConfigException || e instanceof SinkConfigException) {
            return CONFIG;
        }
        if (e instanceof TargetNotReadyException) {
            return SOURCE_NOT_READY; // PostgreSQL not ready, the legacy database the sink writes
        }
        if (e instanceof SinkKafkaException) {
            return SINK_UNAVAILABLE;
        }
        if (e instanceof BadEventException) {
            return BAD_EVENT;
        }
        if (e instanceof SinkFailedException) {
            return PIPELINE_FAILED;
        }
        if (e instanceof SourceNotReadyException) {
            return SOURCE_NOT_READY;
        }
        if (e instanceof SinkUnavailableException) {
            return SINK_UNAVAILABLE;
        }
        if (e instanceof RecordTooLargeException) {
            return RECORD_TOO_LARGE;
        }
        if (e instanceof PipelineFencedException) {
            return FENCED;
        }
        if (e instanceof PipelineFailedException) {
            return PIPELINE_FAILED;
        }
        if (e instanceof dev.strangler.parity.repair.RepairRefusedException) {
            return CONFIG; // a report the repair cannot act on: the input is wrong, not the environment
        }
        if (e instanceof dev.strangler.parity.ParityException) {
            return SOURCE_NOT_READY;
        }
        if (e instanceof org.apache.kafka.common.KafkaException) {
            return SINK_UNAVAILABLE; // a Kafka client gave up (the parity check's reader, an admin call)
        }
        if (e instanceof picocli.CommandLine.ParameterException) {
            return USAGE;
        }
        return INTERNAL;
    }
}
