package dev.strangler.parity.spill;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Files and directories only their owner can open, with the permissions given when they are created: a chmod
 * afterwards would leave a moment in which another user could open the file (and keep it open). Spill files hold row
 * values (LZ4-compressed, which anyone who can open them can undo).
 */
public final class OwnerOnly {

    public static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    public static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

    private OwnerOnly() {
    }

    /** Creates a new file (0600), failing if it exists, and opens it for writing. */
    public static OutputStream newFile(Path file) throws IOException {
        return Channels.newOutputStream(Files.newByteChannel(file,
                EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attributes(file, FILE)));
    }

    /** Creates {@code dir} and any missing parents (0700 for those it creates). */
    static Path createDirectories(Path dir) throws IOException {
        return Files.createDirectories(dir, attributes(dir, DIRECTORY));
    }

    static Path createTempDirectory(Path parent, String prefix) throws IOException {
        return Files.createTempDirectory(parent, prefix, attributes(parent, DIRECTORY));
    }

    static Path createFile(Path file) throws IOException {
        return Files.createFile(file, attributes(file.getParent(), FILE));
    }

    /**
     * The permissions as a creation attribute, or none where the file system has no POSIX permissions (Windows: a
     * new file inherits its directory's ACL, which for the user's temp directory is the user's own).
     */
    private static FileAttribute<?>[] attributes(Path near, Set<PosixFilePermission> permissions) throws IOException {
        Path probe = near.toAbsolutePath();
        while (probe != null && !Files.exists(probe)) {
            probe = probe.getParent(); // the file system of the nearest existing ancestor
        }
        if (probe == null) {
            return new FileAttribute<?>[0];
        }
        FileStore store = Files.getFileStore(probe);
        return store.supportsFileAttributeView(PosixFileAttributeView.class)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(permissions)}
                : new FileAttribute<?>[0];
    }
}
