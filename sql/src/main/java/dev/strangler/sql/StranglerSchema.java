package dev.strangler.sql;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.flywaydb.core.Flyway;

/**
 * The pipeline's own schema in the legacy database: its name, where its migrations are, and the one Flyway
 * configuration that applies them (history table inside the schema, never touching the legacy app's objects).
 */
public final class StranglerSchema {

    public static final String SCHEMA = "strangler";
    public static final String HEARTBEAT_TABLE = "heartbeat";
    /** Written first in every sink transaction; published, so the pipeline recognises the sink's writes (no echo). */
    public static final String SINK_MARKER_TABLE = "sink_marker";
    /** The sink's positions: next offset per group, topic and partition, written with the rows they produced. */
    public static final String SINK_OFFSETS_TABLE = "sink_offsets";
    public static final String MIGRATIONS_LOCATION = "classpath:strangler/sql/migrations";
    /** The demo legacy schema and its seed rows, in the order to apply them. */
    public static final List<String> DEMO_SCRIPTS =
            List.of("strangler/sql/demo/01_legacy_schema.sql", "strangler/sql/demo/02_seed.sql");

    private StranglerSchema() {
    }

    public static Flyway flyway(String jdbcUrl, String user, String password) {
        return Flyway.configure()
                .dataSource(jdbcUrl, user, password)
                .schemas(SCHEMA)
                .defaultSchema(SCHEMA)
                .createSchemas(true)
                .table("flyway_schema_history")
                .locations(MIGRATIONS_LOCATION)
                .loggers("slf4j")
                .load();
    }

    /** A SQL file shipped on the classpath (under strangler/sql/), as text. */
    public static String classpathScript(String path) {
        try (InputStream in = StranglerSchema.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no SQL script on the classpath at " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
