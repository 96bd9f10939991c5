package dev.strangler.parity.compare;

import dev.strangler.parity.spill.OwnerOnly;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The stream's state at the cut of the keys in the key buckets whose digests differ, as the in-database comparison's
 * DIGEST pass folded it, kept in spill files of their own (one per partition that has any) so the row-by-row compare
 * reads these keys only: folding a partition's events again for a few buckets would read the whole partition (about
 * 250,000 rows) per differing bucket. Like the other spill files they hold row values: owner only.
 */
final class FoldedAside implements AutoCloseable {

    /** Receives one key's folded state. */
    interface Reader {
        void accept(String key, byte status, int partition, long offset, byte[] after) throws IOException;
    }

    private final Path directory;
    private final String name;
    /** Partitions with a file: written by the DIGEST pass's threads, one partition each. */
    private final Set<Integer> written = ConcurrentHashMap.newKeySet();

    FoldedAside(Path directory, String name) {
        this.directory = directory;
        this.name = name;
    }

    /** Opens the file of {@code partition} for writing; one writer per partition, once. */
    DataOutputStream create(int partition) throws IOException {
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(OwnerOnly.newFile(file(partition)),
                1 << 16));
        written.add(partition);
        return out;
    }

    static void write(DataOutputStream out, String key, byte status, int partition, long offset, byte[] after)
            throws IOException {
        Partitions.writeString(out, key);
        out.writeByte(status);
        out.writeInt(partition);
        out.writeLong(offset);
        Partitions.writeBytes(out, after);
    }

    /** Reads back what was written for {@code partition} (nothing when nothing was); returns the records read. */
    long read(int partition, Reader reader) throws IOException {
        if (!written.contains(partition)) {
            return 0;
        }
        long records = 0;
        try (DataInputStream in = new DataInputStream(new java.io.BufferedInputStream(
                Files.newInputStream(file(partition)), 1 << 16))) {
            while (!Partitions.atEnd(in)) {
                reader.accept(Partitions.readString(in), in.readByte(), in.readInt(), in.readLong(),
                        Partitions.readBytes(in));
                records++;
            }
        }
        return records;
    }

    private Path file(int partition) {
        return directory.resolve(name + "-" + partition + ".bin");
    }

    @Override
    public void close() {
        for (int partition : written) {
            try {
                Files.deleteIfExists(file(partition));
            } catch (IOException e) {
                // best effort: the directory is deleted by the caller as well
            }
        }
    }
}
