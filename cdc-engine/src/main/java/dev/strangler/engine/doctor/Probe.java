package dev.strangler.engine.doctor;

import dev.strangler.contract.ServerCapabilities;
import dev.strangler.engine.config.PipelineConfig;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** One group of related checks; each probe asks PostgreSQL only what its checks need. */
interface Probe {

    /** Short name used when the probe's own queries fail (e.g. a catalog the role may not read). */
    String name();

    /** @param platform where the server runs, detected once per doctor run: fixes are given in its terms */
    List<Check> run(Connection c, ServerCapabilities server, HostedService.Detected platform, PipelineConfig config)
            throws SQLException;
}
