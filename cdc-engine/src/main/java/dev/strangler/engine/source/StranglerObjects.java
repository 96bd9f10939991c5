package dev.strangler.engine.source;

import dev.strangler.engine.config.TableId;

/** Names of the pipeline's own objects in the legacy database (all in schema strangler, created by Flyway). */
public final class StranglerObjects {
    public static final String SCHEMA = "strangler";
    public static final TableId HEARTBEAT_TABLE = new TableId(SCHEMA, "heartbeat");
    /** Classpath location of the migrations shipped by the sql module. */
    public static final String MIGRATIONS_LOCATION = "classpath:strangler/sql/migrations";

    private StranglerObjects() {
    }
}
