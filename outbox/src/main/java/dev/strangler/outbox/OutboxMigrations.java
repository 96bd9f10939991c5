package dev.strangler.outbox;

import java.util.Objects;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Creates the {@code outbox} and {@code inbox} tables in a service's database with Flyway, from the migrations shipped
 * on the classpath at {@value #LOCATION} ({@code sql/outbox/} in the repository).
 *
 * <p>Flyway's history for them is kept in its own table, {@value #HISTORY_TABLE}, so it never collides with the
 * service's own Flyway (its {@code flyway_schema_history} and its version numbers). Two ways to place them:
 * <ul>
 *   <li>in a schema of their own ({@code apply(dataSource, "messaging")}, then
 *       {@code OutboxOptions.withTable("messaging.outbox")} and {@code new Inbox("messaging.inbox")}): independent of
 *       the service's migrations, in any order;</li>
 *   <li>in the service's schema, <em>after</em> the service's own Flyway has run at least once: on a brand-new
 *       database, a schema that already holds the outbox but no {@code flyway_schema_history} makes the service's
 *       first Flyway run stop with "Found non-empty schema(s) ... but no schema history table".</li>
 * </ul>
 * A schema that already holds the service's tables is fine (the history starts with a baseline below version 1); a
 * missing schema is created.
 *
 * <p>The other way is the service's own Flyway: copy {@code V1__outbox_and_inbox.sql} into the service's migrations
 * under its next free version number (adding the location as it is would clash with the service's own {@code V1}).
 */
public final class OutboxMigrations {

    /** Where the outbox migrations are on the classpath. */
    public static final String LOCATION = "classpath:strangler/sql/outbox";
    /** Flyway's history table for the outbox migrations, in the target schema. */
    public static final String HISTORY_TABLE = "strangler_outbox_history";

    private OutboxMigrations() {
    }

    /**
     * Applies the outbox migrations to {@code schema} (created when missing), or to the connection's current schema
     * when {@code schema} is null. Idempotent.
     *
     * @return the number of migrations applied (0 when the tables are up to date)
     * @throws OutboxException when Flyway fails (no CREATE privilege, a conflicting table named outbox...)
     */
    public static int apply(DataSource dataSource, String schema) {
        Objects.requireNonNull(dataSource, "dataSource");
        return migrate(configure(schema).dataSource(dataSource), schema);
    }

    /** Like {@link #apply(DataSource, String)}, connecting with a JDBC URL, user and password. */
    public static int apply(String jdbcUrl, String user, String password, String schema) {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        return migrate(configure(schema).dataSource(jdbcUrl, user, password), schema);
    }

    /**
     * The Flyway configuration {@link #apply} uses, without a data source, for a service that drives Flyway itself
     * (e.g. a second Flyway bean): add {@code .dataSource(...)} and {@code .load().migrate()}.
     */
    public static FluentConfiguration configure(String schema) {
        FluentConfiguration configuration = Flyway.configure(OutboxMigrations.class.getClassLoader())
                .locations(LOCATION)
                .table(HISTORY_TABLE)
                // The schema normally holds the service's own tables already: record a baseline below version 1
                // instead of refusing a non-empty schema, so V1 still runs.
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .baselineDescription("before the Strangler outbox");
        if (schema != null) {
            if (!schema.matches("[A-Za-z_][A-Za-z0-9_$]*")) {
                throw new IllegalArgumentException("schema must be a plain identifier, got '" + schema + "'");
            }
            configuration.schemas(schema).defaultSchema(schema).createSchemas(true);
        }
        return configuration;
    }

    private static int migrate(FluentConfiguration configuration, String schema) {
        try {
            MigrateResult result = configuration.load().migrate();
            return result.migrationsExecuted;
        } catch (FlywayException e) {
            throw new OutboxException("applying the outbox migrations (" + LOCATION + ") to "
                    + (schema == null ? "the current schema" : "schema " + schema) + " failed: " + e.getMessage(), e);
        }
    }
}
