package dev.strangler.parity.spill;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One parity run's own spill directory, {@code <root>/strangler-parity-<pid>-<random>/} (0700), removed when the run
 * ends: on {@link #close()} (normal end, exception) and, through a shutdown hook, on SIGTERM or Ctrl-C. Only SIGKILL
 * (or a power cut) leaves it behind; for that it holds a lock on its {@value #LOCK_FILE} file for its whole life, so
 * the next run can tell a leftover (lock free) from a run still going ({@link StaleSpillSweep}).
 */
public final class SpillDirectory implements AutoCloseable {

    public static final String PREFIX = "strangler-parity-";
    static final String LOCK_FILE = ".lock";

    private final Path path;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final Thread shutdownHook;

    private SpillDirectory(Path path, FileChannel lockChannel, FileLock lock) {
        this.path = path;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.shutdownHook = new Thread(this::delete, "strangler-parity-spill-cleanup");
    }

    /**
     * Creates the run's directory under {@code root} (created 0700 if missing) and locks it.
     *
     * @throws UncheckedIOException the root cannot be created or written
     */
    public static SpillDirectory create(Path root) {
        Path dir = null;
        FileChannel channel = null;
        try {
            OwnerOnly.createDirectories(root);
            dir = OwnerOnly.createTempDirectory(root, PREFIX + ProcessHandle.current().pid() + "-");
            Path lockFile = OwnerOnly.createFile(dir.resolve(LOCK_FILE));
            channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new IOException("the lock of the new directory " + dir + " is held by another process");
            }
            SpillDirectory spill = new SpillDirectory(dir, channel, lock);
            Runtime.getRuntime().addShutdownHook(spill.shutdownHook);
            return spill;
        } catch (IOException e) {
            closeQuietly(channel);
            if (dir != null) {
                Trees.deleteQuietly(dir);
            }
            throw new UncheckedIOException("cannot create a spill directory in " + root + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    /** The file system's free space for this directory, as {@code df} counts it for this user. */
    public long usableSpace() {
        try {
            return Files.getFileStore(path).getUsableSpace();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the free space of " + path, e);
        }
    }

    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs (or ran) anyway
        }
        delete();
    }

    /** Deletes the directory with what it holds; a file already gone (a concurrent sweep, the hook) is no error. */
    private synchronized void delete() {
        // while the run's main thread is still writing (SIGTERM), a file it creates between listing and removing the
        // directory would keep the directory; a second pass takes it
        for (int attempt = 0; attempt < 3 && Files.exists(path); attempt++) {
            Trees.deleteQuietly(path);
            if (attempt == 0) {
                release();
            }
        }
        release();
    }

    private void release() {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } catch (IOException ignored) {
            // closing the channel releases it as well
        }
        closeQuietly(lockChannel);
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing left to do: the file is gone or the process ends
            }
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
