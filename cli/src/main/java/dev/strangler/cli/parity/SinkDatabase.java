package dev.strangler.cli.parity;

import dev.strangler.engine.config.ConfigException;
import java.net.URI;

/**
 * The reverse check reads a sink's positions and tables in the cut the parity run takes on the pipeline's source, so
 * the sink must write that database. Hosts may differ (a read replica as the source holds the primary's sink positions
 * and rows in one snapshot too); the database name may not.
 */
final class SinkDatabase {

    private SinkDatabase() {
    }

    static void requireSame(String sourceUrl, String targetUrl) {
        String source = database(sourceUrl);
        String target = database(targetUrl);
        if (source != null && target != null && !source.equals(target)) {
            throw new ConfigException("--sink-config: the sink writes database '" + target + "' (target.url) but "
                    + "--config captures '" + source + "' (source.url); the reverse check reads the sink's positions "
                    + "and tables in the cut taken on source.url, so pass the pipeline of the database the sink "
                    + "writes");
        }
    }

    /** The database name of a jdbc:postgresql://host:port/name?... URL, or null when it names none. */
    static String database(String jdbcUrl) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:")) {
            return null;
        }
        try {
            String path = URI.create(jdbcUrl.substring("jdbc:".length())).getPath();
            return path == null || path.length() <= 1 ? null : path.substring(1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
