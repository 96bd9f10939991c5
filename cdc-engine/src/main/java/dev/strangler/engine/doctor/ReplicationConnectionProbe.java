package dev.strangler.engine.doctor;

import dev.strangler.contract.ServerCapabilities;
import dev.strangler.contract.SqlIdentifier;
import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.SourceEndpoint;
import dev.strangler.engine.source.SourceConnections;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Opens a real logical replication connection (replication=database), the kind Debezium streams over, and runs
 * IDENTIFY_SYSTEM on it. This is the check that catches what a plain connection cannot: pg_hba.conf rules for
 * replication, a missing REPLICATION attribute, and max_wal_senders exhausted.
 */
final class ReplicationConnectionProbe implements Probe {

    @Override
    public String name() {
        return "replication connection";
    }

    @Override
    public List<Check> run(Connection c, ServerCapabilities server, HostedService.Detected platform,
                           PipelineConfig config) throws SQLException {
        PipelineConfig.Source source = config.source();
        HostedService hosted = platform.service();
        // SourceConnections.open gives the same actionable messages as the pipeline's own start; only the URL differs.
        PipelineConfig.Source replication = new PipelineConfig.Source(withReplication(source.endpoint()),
                source.user(), source.password(), source.tables(), source.slot(), source.publication(),
                source.failoverSlot(), source.toastReselect(), source.primary());
        try (Connection r = SourceConnections.open(replication, "strangler-doctor-" + config.pipelineName());
             Statement st = r.createStatement(); ResultSet rs = st.executeQuery("IDENTIFY_SYSTEM")) {
            rs.next();
            return List.of(Check.pass(name(), "opened (IDENTIFY_SYSTEM: timeline " + rs.getString("timeline")
                    + ", WAL at " + rs.getString("xlogpos") + ", database " + rs.getString("dbname") + ")"));
        } catch (SourceNotReadyException e) {
            return List.of(Check.fail(name(), "a logical replication connection as '" + source.user()
                    + "' failed: " + e.getMessage(), fixFor(e, source, hosted)));
        } catch (SQLException e) {
            return List.of(Check.fail(name(), "IDENTIFY_SYSTEM on the replication connection failed: "
                    + e.getMessage(), "check the server log for the walsender's error"));
        }
    }

    static SourceEndpoint withReplication(SourceEndpoint endpoint) {
        String url = endpoint.jdbcUrl();
        String params = "replication=database&assumeMinServerVersion=10&preferQueryMode=simple";
        return new SourceEndpoint(url + (url.contains("?") ? "&" : "?") + params, endpoint.host(), endpoint.port(),
                endpoint.database());
    }

    private static String fixFor(SourceNotReadyException e, PipelineConfig.Source source, HostedService hosted) {
        String message = String.valueOf(e.getMessage());
        String role = SqlIdentifier.quote(source.user());
        if (message.contains("must be superuser or replication role") || message.contains("permission denied to "
                + "start WAL sender") || message.contains("REPLICATION attribute")) {
            return hosted.grantReplication(role);
        }
        if (message.contains("max_wal_senders") || message.contains("standby connections")) {
            return "raise max_wal_senders (" + hosted.setParameter("max_wal_senders", "<more>", true,
                    "ALTER SYSTEM SET max_wal_senders = ...; then restart PostgreSQL") + ") or stop an unused "
                    + "replication client";
        }
        if (message.contains("pg_hba.conf") && hosted != HostedService.SELF_MANAGED) {
            return "allow this client in " + hosted.label() + "'s network rules (security group, authorized "
                    + "networks or firewall rule) for user " + source.user() + " and database "
                    + source.endpoint().database();
        }
        if (message.contains("pg_hba.conf")) {
            return "add a pg_hba.conf line for this client, e.g. host " + source.endpoint().database() + " "
                    + source.user() + " <client address>/32 scram-sha-256 (a logical replication connection matches "
                    + "the database name, not the 'replication' keyword), then SELECT pg_reload_conf();";
        }
        if (message.contains("wal_level")) {
            return hosted.enableLogicalDecoding("ALTER SYSTEM SET wal_level = logical; then restart PostgreSQL");
        }
        return "see the message; the server log has the walsender's side";
    }
}
