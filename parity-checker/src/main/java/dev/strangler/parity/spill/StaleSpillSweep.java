package dev.strangler.parity.spill;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserPrincipal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes what killed parity runs left next to a new run's {@link SpillDirectory}: sibling
 * {@code strangler-parity-*} directories whose lock nobody holds. A run that is still going holds its lock (in another
 * process: the lock cannot be taken; in this JVM: an {@link OverlappingFileLockException}) and is left alone.
 *
 * <p>Only directories of the same owner as the new run's own are considered, and links are never followed: in a
 * shared temp directory another user's directory, or a link planted there, is never touched.
 */
public final class StaleSpillSweep {

    private static final Logger LOG = LoggerFactory.getLogger(StaleSpillSweep.class);

    /**
     * A directory without a lock file is a run between creating its directory and its lock file, or one killed right
     * then; only a directory untouched for this long counts as the latter.
     */
    static final Duration UNLOCKED_GRACE = Duration.ofMinutes(10);

    private final Clock clock;

    public StaleSpillSweep() {
        this(Clock.systemUTC());
    }

    StaleSpillSweep(Clock clock) {
        this.clock = clock;
    }

    /** What a sweep removed. */
    public record Swept(List<Path> directories, long bytes) {
    }

    /** Removes the leftovers next to {@code own} and logs one line if there were any. */
    public Swept sweepAround(SpillDirectory own) {
        Swept swept = sweep(own.path());
        if (!swept.directories().isEmpty()) {
            LOG.info("removed {} spill director{} left by killed parity runs in {} ({} bytes): {}",
                    swept.directories().size(), swept.directories().size() == 1 ? "y" : "ies", own.path().getParent(),
                    swept.bytes(), swept.directories().stream().map(p -> p.getFileName().toString()).toList());
        }
        return swept;
    }

    Swept sweep(Path own) {
        List<Path> removed = new ArrayList<>();
        long bytes = 0;
        try (DirectoryStream<Path> siblings = Files.newDirectoryStream(own.getParent(), SpillDirectory.PREFIX + "*")) {
            UserPrincipal owner = Files.getOwner(own, LinkOption.NOFOLLOW_LINKS);
            for (Path dir : siblings) {
                if (dir.equals(own) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                        || !owner.equals(Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS))) {
                    continue;
                }
                long size = removeIfStale(dir);
                if (size >= 0) {
                    removed.add(dir);
                    bytes += size;
                }
            }
        } catch (IOException e) {
            LOG.warn("could not look for spill files of killed parity runs next to {}: {}", own, e.getMessage());
        }
        return new Swept(List.copyOf(removed), bytes);
    }

    /** The bytes removed, or -1 when the directory belongs to a run still going (or cannot be told). */
    private long removeIfStale(Path dir) throws IOException {
        Path lockFile = dir.resolve(SpillDirectory.LOCK_FILE);
        if (!Files.isRegularFile(lockFile, LinkOption.NOFOLLOW_LINKS)) {
            FileTime modified = Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS);
            if (modified.toInstant().plus(UNLOCKED_GRACE).isAfter(clock.instant())) {
                return -1;
            }
            return remove(dir);
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            FileLock lock = channel.tryLock();
            if (lock == null) {
                return -1; // another process holds it: a run still going
            }
            // removed while holding the lock, so a second run sweeping at the same moment leaves it to this one
            return remove(dir);
        } catch (OverlappingFileLockException e) {
            return -1; // a run still going in this JVM
        } catch (IOException e) {
            LOG.debug("leaving {} alone: {}", dir, e.getMessage());
            return -1;
        }
    }

    private static long remove(Path dir) {
        long size = Trees.size(dir);
        Trees.deleteQuietly(dir);
        return Files.exists(dir, LinkOption.NOFOLLOW_LINKS) ? -1 : size;
    }
}
