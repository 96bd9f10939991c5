package dev.strangler.parity;

import dev.strangler.parity.spill.SpillDirectory;
import dev.strangler.parity.spill.SpillEstimate;
import dev.strangler.parity.spill.StaleSpillSweep;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares a run's spill directory before the run writes a row: its own locked directory, the leftovers of killed
 * runs swept away (they count against the free space), then the free space checked against the estimate.
 */
final class SpillSpace {

    private static final Logger LOG = LoggerFactory.getLogger(SpillSpace.class);

    private SpillSpace() {
    }

    static Path root(ParityConfig config) {
        return config.workDirectory() == null ? Path.of(System.getProperty("java.io.tmpdir")) : config.workDirectory();
    }

    /**
     * @throws ParityException the root cannot be used, or its file system has less free space than the estimate
     */
    static SpillDirectory prepare(ParityConfig config, Connection c, SpillEstimate estimate) throws SQLException {
        Path root = root(config);
        SpillDirectory dir;
        try {
            dir = SpillDirectory.create(root);
        } catch (UncheckedIOException e) {
            throw new ParityException("parity check could not use its work directory: " + e.getMessage()
                    + "; point --work-dir at a directory it may write", e);
        }
        try {
            new StaleSpillSweep().sweepAround(dir);
            long free = dir.usableSpace();
            SpillEstimate.Need need = estimate.of(c, config.tables());
            requireSpace(root, free, need);
            LOG.info("spill space in {}: {} free, {} needed at most ({})", root, human(free), human(need.bytes()),
                    need.basis());
            return dir;
        } catch (RuntimeException | SQLException e) {
            dir.close();
            throw e;
        }
    }

    static void requireSpace(Path root, long free, SpillEstimate.Need need) {
        if (free < need.bytes()) {
            throw new ParityException("not enough free space for the parity check's spill files in " + root + ": "
                    + free + " bytes (" + human(free) + ") free, " + need.bytes() + " bytes (" + human(need.bytes())
                    + ") needed (" + need.basis() + "); point --work-dir at a file system with more room, or "
                    + "--skip-space-check if the estimate is wrong");
        }
    }

    static String human(long bytes) {
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        double v = bytes;
        int u = 0;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
