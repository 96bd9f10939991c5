package dev.strangler.contract;

import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every exit code a Strangler command ends with, declared once: the CLI maps exceptions to them, the parity checker's
 * verdicts are three of them, and the README's table is generated from this list (a test keeps them equal).
 * The numbers above 63 follow BSD's sysexits.h, which supervisors and CI systems recognise.
 */
public enum ExitCode {
    OK(0, "success (and a clean stop on Ctrl-C/SIGTERM); parity: GO"),
    FINDINGS(1, "parity: NO-GO; `doctor`: a check FAILed; `slot status`: no slot, a lost slot, or (`--expect-active`) "
            + "nobody reads it; `slot drop`: refused or not confirmed; `snapshot`: the snapshot was cancelled"),
    UNVERIFIABLE(2, "parity: UNVERIFIABLE"),
    FENCED(3, "`run`: another instance of the pipeline took over while this one was frozen or cut off (it was "
            + "fenced)"),
    USAGE(64, "bad command line (also `demo` run from the production jar, which does not hold it)"),
    DATA_REFUSED(65, "`run`: a change larger than Kafka accepts (`kafka.max.record.bytes`, the topic's "
            + "`max.message.bytes`); `sink`: a bad event (it does not match its mapping, or the legacy database refused "
            + "it) with `sink.errors=stop`"),
    SOURCE_NOT_READY(69, "PostgreSQL not ready (unreachable, `wal_level`, privilege, missing table, slot in use...), "
            + "or the parity check could not run (also: too little free space for its spill files in `--work-dir`; a "
            + "standby source cancelled it in a recovery conflict, which the message says how to avoid before running "
            + "it again); "
            + "`sink`: the legacy database it writes not ready (a mapped table, "
            + "column or unique key missing, a privilege, the sink's tables not migrated, a publication that would "
            + "echo); the `./strangler` launcher: no `java` found"),
    PIPELINE_FAILED(70, "the pipeline failed while running (an unexpected error; transient ones are retried); the "
            + "`./strangler` launcher: building the jar failed; `snapshot`, `repair`: a table's scan failed three "
            + "times, or nothing was heard of the started snapshot for 5 minutes (the pipeline stopped)"),
    INTERNAL(71, "internal error (a bug: run again with `--verbose`)"),
    KAFKA_UNAVAILABLE(75, "Kafka unavailable (`sink`: also a stored position Kafka no longer has, deleted by "
            + "retention; `snapshot`: no running pipeline took the request within `--start-timeout`, which stays "
            + "queued in the signal topic; `repair`: no pipeline streams from the slot, or none took the re-read in "
            + "time)"),
    CONFIG(78, "bad configuration; `run`: `http.port` in use; `repair`: a report it refuses (UNVERIFIABLE, of "
            + "another pipeline, older than `--max-age`, cut later than the slot reached)");

    private final int code;
    private final String meaning;

    ExitCode(int code, String meaning) {
        this.code = code;
        this.meaning = meaning;
    }

    public int code() {
        return code;
    }

    public String meaning() {
        return meaning;
    }

    /** The README's table. */
    public static String markdownTable() {
        return "| code | meaning |\n| --- | --- |\n" + Stream.of(values())
                .map(e -> "| " + e.code + " | " + e.meaning + " |\n").collect(Collectors.joining());
    }
}
