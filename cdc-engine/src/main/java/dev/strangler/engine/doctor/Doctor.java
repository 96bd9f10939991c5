package dev.strangler.engine.doctor;

import dev.strangler.contract.ServerCapabilities;
import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.ConfigWarning;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.source.SourceConnections;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The preflight of the legacy database for one pipeline: every check, each PASS, WARN or FAIL with the SQL or
 * setting that fixes it. It only reads (catalog views, settings, one replication connection that runs
 * IDENTIFY_SYSTEM): it creates no slot, publication or schema, so it is safe to run against production at any time.
 *
 * <p>Before the database, the configuration itself: its warnings (a secret file others can read) and whether the
 * connection to PostgreSQL verifies the server (TLS). {@code strangler doctor} also checks Kafka, with the pipeline's
 * own client settings (TLS and SASL included).
 *
 * <p>{@code strangler doctor} prints the whole report; a start of the pipeline needs the same facts but stops at the
 * first FAIL ({@link DoctorReport#firstFailure()}), and checks Kafka on its own (KafkaPreflight).
 */
public final class Doctor {

    private static final Logger LOG = LoggerFactory.getLogger(Doctor.class);

    private final PipelineConfig config;
    private final List<Probe> probes;
    private final boolean kafka;

    /**
     * The checks {@code strangler doctor} runs: a slot in use by the pipeline's own role is the running pipeline;
     * Kafka is checked too.
     */
    public Doctor(PipelineConfig config) {
        this(config, allProbes(false), true);
    }

    /**
     * The configuration's and the database's checks, without Kafka (a start checks Kafka on its own).
     *
     * @param starting true when the pipeline is about to start: then a slot in use is a FAIL whoever reads it (a
     *                 second instance of the same pipeline must not start)
     */
    public Doctor(PipelineConfig config, boolean starting) {
        this(config, allProbes(starting), false);
    }

    Doctor(PipelineConfig config, List<Probe> probes) {
        this(config, probes, false);
    }

    private Doctor(PipelineConfig config, List<Probe> probes, boolean kafka) {
        this.config = config;
        this.probes = List.copyOf(probes);
        this.kafka = kafka;
    }

    private static List<Probe> allProbes(boolean starting) {
        return List.of(new ServerProbe(), new StandbyProbe(), new RoleProbe(), new ReplicationConnectionProbe(), new TableProbe(),
                new RowSizeProbe(), new PublicationProbe(), new SchemaProbe(), new SlotProbe(starting));
    }

    public DoctorReport run() {
        PipelineConfig.Source source = config.source();
        List<Check> checks = new ArrayList<>();
        for (ConfigWarning warning : config.warnings()) {
            checks.add(Check.warn("configuration " + warning.key(), warning.detail(), warning.fix()));
        }
        checks.add(TlsChecks.source(config));
        String server = checkSource(checks);
        if (kafka) {
            checks.add(TlsChecks.kafka(config.kafka()));
            checks.add(KafkaCheck.run(config));
        }
        return new DoctorReport(config.pipelineName(), source.endpoint().toString(), source.user(), server, checks);
    }

    /** The connection and every probe on it; PostgreSQL's version string, empty when the connection failed. */
    private String checkSource(List<Check> checks) {
        PipelineConfig.Source source = config.source();
        Connection c;
        try {
            c = SourceConnections.open(source, "strangler-doctor-" + config.pipelineName());
        } catch (SourceNotReadyException e) {
            checks.add(Check.fail("connection", e.getMessage(), connectionFix(e)));
            return "";
        }
        String server = "";
        try (c) {
            server = c.getMetaData().getDatabaseProductVersion();
            checks.add(Check.pass("connection", "connected to " + source.endpoint() + " as '" + source.user() + "'"));
            ServerCapabilities capabilities;
            try {
                capabilities = ServerCapabilities.probe(c);
            } catch (SQLException e) {
                checks.add(Check.fail(ServerProbe.VERSION_CHECK, "reading server_version_num failed: " + firstLine(e),
                        "check that source.url points at PostgreSQL"));
                return server;
            }
            if (capabilities.unsupportedReason().isPresent()) {
                // the probes' SQL assumes a supported version: on an older one they would only add noise
                checks.add(ServerProbe.version(capabilities));
                return server;
            }
            HostedService.Detected platform = platform(c);
            for (Probe probe : probes) {
                try {
                    checks.addAll(probe.run(c, capabilities, platform, config));
                } catch (SQLException | RuntimeException e) {
                    LOG.debug("doctor probe {} failed", probe.name(), e);
                    checks.add(Check.warn(probe.name(), "could not be checked: " + firstLine(e),
                            "run strangler doctor --verbose for details; the role may lack read access to a "
                                    + "catalog view"));
                }
            }
        } catch (SQLException e) {
            checks.add(Check.warn("connection", "closing the connection failed: " + firstLine(e), ""));
        }
        return server;
    }

    /** A server whose provider cannot be read is treated as self-managed: the fixes are then the plain SQL ones. */
    private static HostedService.Detected platform(Connection c) {
        try {
            return HostedService.detect(c);
        } catch (SQLException e) {
            LOG.debug("reading the server's provider roles and settings failed", e);
            return new HostedService.Detected(HostedService.SELF_MANAGED, java.util.List.of());
        }
    }

    /** The fix for a failed connection, from PostgreSQL's SQLState (never from the message's wording). */
    private static String connectionFix(SourceNotReadyException e) {
        String state = e.getCause() instanceof SQLException sql && sql.getSQLState() != null ? sql.getSQLState() : "";
        if (state.startsWith("28")) {
            return "set source.password (or source.password.file, STRANGLER_SOURCE_PASSWORD) to the role's password, "
                    + "or have a DBA reset it (\\password in psql); check pg_hba.conf allows this client";
        }
        if (state.equals("3D000")) {
            return "fix the database name in source.url";
        }
        if (state.startsWith("08")) {
            return "check source.url (host and port) and that PostgreSQL accepts TCP connections from this host "
                    + "(listen_addresses, firewalls)";
        }
        return "see the message";
    }

    private static String firstLine(Throwable e) {
        String message = String.valueOf(e.getMessage());
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
