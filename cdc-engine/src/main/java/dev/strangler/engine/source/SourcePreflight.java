package dev.strangler.engine.source;

import dev.strangler.contract.ServerCapabilities;
import dev.strangler.contract.TableId;
import java.util.List;
import java.util.Optional;

import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.doctor.Check;
import dev.strangler.engine.doctor.Doctor;
import dev.strangler.engine.doctor.DoctorReport;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks, before anything is created, that the legacy database can serve the pipeline. The checks are the doctor's
 * ({@link Doctor}: one set of checks, two renderings): {@code strangler doctor} prints them all, the start stops at
 * the first FAIL with its fix as a {@link SourceNotReadyException} and logs the warnings.
 */
public final class SourcePreflight {

    private static final Logger LOG = LoggerFactory.getLogger(SourcePreflight.class);

    /** What the preflight learned that the start-up needs. */
    public record Findings(boolean publicationExists) {
    }

    private final PipelineConfig config;
    private final boolean active;

    /**
     * @param active true when this instance holds the pipeline's lock and is about to stream: then a slot in use is
     *               a FAIL whoever reads it; a standby expects the active instance to read it
     */
    public SourcePreflight(PipelineConfig config, boolean active) {
        this.config = config;
        this.active = active;
    }

    public Findings run() {
        if (active) {
            growOwnPublication();
        }
        DoctorReport report = new Doctor(config, active).run();
        report.firstFailure().ifPresent(failure -> {
            throw new SourceNotReadyException(failure.message());
        });
        for (Check warning : report.warnings()) {
            LOG.warn("{}: {}", warning.name(), warning.message());
        }
        PipelineConfig.Source source = config.source();
        try (Connection c = SourceConnections.open(source, "strangler-preflight-" + config.pipelineName())) {
            // a publication that misses a captured table is a FAIL above, so an existing one can be used as it is
            return new Findings(exists(c, "SELECT 1 FROM pg_publication WHERE pubname = ?", source.publication()));
        } catch (SQLException e) {
            throw new SourceNotReadyException("preflight query on PostgreSQL at " + source.endpoint() + " failed: "
                    + SourceConnections.firstLine(e), e);
        }
    }

    /**
     * Tables added to source.tables join the publication the pipeline's role owns before the checks run: on the
     * source, or on its primary when the source is a standby (nowhere without source.primary.url).
     */
    private void growOwnPublication() {
        Optional<PipelineConfig.Source> target;
        try (Connection c = SourceConnections.open(config.source(), "strangler-preflight-" + config.pipelineName())) {
            target = StandbySource.writeTarget(config.source(), ServerCapabilities.probe(c));
        } catch (SQLException e) {
            throw new SourceNotReadyException("cannot read PostgreSQL at " + config.source().endpoint() + ": "
                    + SourceConnections.firstLine(e), e);
        }
        if (target.isEmpty()) {
            return;
        }
        PipelineConfig.Source source = target.get();
        try (Connection c = SourceConnections.open(source, "strangler-preflight-" + config.pipelineName())) {
            List<TableId> added = PublicationGrowth.addMissing(c, config);
            if (!added.isEmpty()) {
                LOG.info("publication '{}' (owned by the pipeline's role '{}') now also publishes {}",
                        source.publication(), source.user(), added);
            }
        } catch (SQLException e) {
            throw new SourceNotReadyException("cannot add the tables added to source.tables to publication '"
                    + source.publication() + "' on PostgreSQL at " + source.endpoint() + ": "
                    + SourceConnections.firstLine(e) + "; add them as its owner: ALTER PUBLICATION ... ADD TABLE", e);
        }
    }

    private static boolean exists(Connection c, String sql, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }
}
