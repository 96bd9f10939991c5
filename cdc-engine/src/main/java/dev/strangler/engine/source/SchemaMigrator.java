package dev.strangler.engine.source;

import dev.strangler.engine.SourceNotReadyException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.sql.StranglerSchema;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies Strangler's own migrations (schema strangler, with Flyway's history table inside it). */
public final class SchemaMigrator {

    private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrator.class);

    private SchemaMigrator() {
    }

    public static Flyway flyway(PipelineConfig.Source source) {
        return StranglerSchema.flyway(source.endpoint().jdbcUrl(), source.user(), source.password().reveal());
    }

    public static MigrateResult migrate(PipelineConfig.Source source) {
        try {
            MigrateResult result = flyway(source).migrate();
            LOG.info("schema strangler at version {} ({} migration(s) applied)", result.targetSchemaVersion,
                    result.migrationsExecuted);
            return result;
        } catch (FlywayException e) {
            throw new SourceNotReadyException("migrating schema strangler failed: "
                    + SourceConnections.firstLine(e) + " — the role needs CREATE on the database or ownership of "
                    + "schema strangler (sql/dba/02_pipeline_role.sql), or run with --no-migrate after a DBA applied "
                    + "`strangler sql print migrations`", e);
        }
    }
}
