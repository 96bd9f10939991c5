package dev.strangler.parity.report;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A file that appears whole or not at all: written to a temporary file beside the target, then moved over it
 * (atomically where the file system can), so a reader never sees half of it. The temporary file is created like any
 * new file (the umask's permissions, not a private temp file's) under a name no other writer uses, and removed when
 * the file is closed without {@link #commit()}.
 */
public final class AtomicFile implements AutoCloseable {

    private final Path target;
    private final Path tmp;
    private final OutputStream out;
    private boolean committed;

    private AtomicFile(Path target) throws IOException {
        this.target = target;
        this.tmp = target.resolveSibling("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
                + Long.toHexString(System.nanoTime()) + ".tmp");
        this.out = Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    /** Starts writing the content of {@code target}; nothing appears there until {@link #commit()}. */
    public static AtomicFile create(Path target) throws IOException {
        return new AtomicFile(target);
    }

    /** Replaces {@code target} with {@code content} in one step. */
    public static void write(Path target, byte[] content) throws IOException {
        try (AtomicFile file = create(target)) {
            file.out().write(content);
            file.commit();
        }
    }

    /** Where the content goes (unbuffered: wrap it in a buffer to write in small pieces). */
    public OutputStream out() {
        return out;
    }

    /** Closes the content and moves it over the target. */
    public void commit() throws IOException {
        out.close();
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        committed = true;
    }

    /** Removes the temporary file unless committed. */
    @Override
    public void close() throws IOException {
        out.close();
        if (!committed) {
            Files.deleteIfExists(tmp);
        }
    }
}
