package dev.strangler.engine.source;

import dev.strangler.contract.TableId;
import dev.strangler.sql.StranglerSchema;

/** Names of the pipeline's own objects in the legacy database (all in schema strangler, created by Flyway). */
public final class StranglerObjects {
    public static final TableId HEARTBEAT_TABLE =
            new TableId(StranglerSchema.SCHEMA, StranglerSchema.HEARTBEAT_TABLE);
    /** Written first in every strangler sink transaction; streamed (never published) when sink.echo is not off. */
    public static final TableId SINK_MARKER_TABLE =
            new TableId(StranglerSchema.SCHEMA, StranglerSchema.SINK_MARKER_TABLE);

    private StranglerObjects() {
    }
}
