package dev.strangler.parity.compare;

import dev.strangler.parity.spill.Lz4Blocks;
import dev.strangler.parity.spill.OwnerOnly;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Spill files for one side of one table, split by key hash into a fixed number of partitions, so the comparison holds
 * only one partition's keys in memory at a time: memory is bounded by (rows / partitions), not by the table's size.
 * Records are appended in arrival order, so a key's events keep their order within its partition. The files are LZ4
 * blocks ({@link Lz4Blocks}) of row values, which is not encryption: only their owner may read them
 * ({@link OwnerOnly}). One thread writes a side's partitions (they share one compression buffer).
 */
final class Partitions implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Partitions.class);

    private final Path directory;
    private final String name;
    private final DataOutputStream[] outputs;
    private final Lz4Blocks.Writing[] blocks;
    private boolean writingFinished;
    /** Which partition a key goes to; by default its hash (see {@link #routeBy}). */
    private java.util.function.ToIntFunction<String> router;

    Partitions(Path directory, String name, int count) {
        this.directory = directory;
        this.name = name;
        this.outputs = new DataOutputStream[count];
        this.blocks = new Lz4Blocks.Writing[count];
        int blockSize = bufferSize(count);
        byte[] scratch = Lz4Blocks.scratchFor(blockSize);
        try {
            for (int i = 0; i < count; i++) {
                blocks[i] = new Lz4Blocks.Writing(OwnerOnly.newFile(file(i)), blockSize, scratch);
                outputs[i] = new DataOutputStream(blocks[i]);
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot create spill files in " + directory, e);
        }
    }

    /**
     * Write buffers (one LZ4 block each) share a fixed budget (16 MB per side), so a table split into thousands of
     * partitions does not spend the heap on buffers: 64 KB each up to 256 partitions, down to 4 KB.
     */
    static int bufferSize(int partitions) {
        return Math.max(4 << 10, Math.min(64 << 10, (16 << 20) / partitions));
    }

    int count() {
        return outputs.length;
    }

    /** The partition a key belongs to. */
    int partitionOf(String key) {
        if (router != null) {
            return router.applyAsInt(key);
        }
        return Math.floorMod(key.hashCode() * 0x9E3779B9, outputs.length);
    }

    /**
     * Routes keys by {@code router} (a partition index below {@link #count()}) instead of their hash; set before
     * anything is written. The in-database comparison routes by key bucket, so a bucket's keys share a partition.
     */
    void routeBy(java.util.function.ToIntFunction<String> router) {
        this.router = router;
    }

    DataOutputStream output(String key) {
        return outputs[partitionOf(key)];
    }

    /** Finishes writing; partitions can be read after this. */
    void finishWriting() {
        for (DataOutputStream out : outputs) {
            try {
                if (out != null) {
                    out.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!writingFinished && LOG.isDebugEnabled()) {
            long raw = 0;
            long stored = 0;
            for (Lz4Blocks.Writing b : blocks) {
                raw += b.rawBytes();
                stored += b.storedBytes();
            }
            LOG.debug("spill {}: {} bytes written as {} bytes of LZ4 blocks in {} files", name, raw, stored,
                    blocks.length);
        }
        writingFinished = true;
    }

    DataInputStream open(int partition) throws IOException {
        return new DataInputStream(new Lz4Blocks.Reading(Files.newInputStream(file(partition)), 1 << 16));
    }

    /** Deletes a partition's file once it is no longer needed, to give its space back before the others'. */
    void delete(int partition) throws IOException {
        Files.deleteIfExists(file(partition));
    }

    private Path file(int partition) {
        return directory.resolve(name + "-" + partition + ".bin");
    }

    @Override
    public void close() {
        for (int i = 0; i < outputs.length; i++) {
            try {
                if (outputs[i] != null) {
                    outputs[i].close();
                }
                Files.deleteIfExists(file(i));
            } catch (IOException ignored) {
                // best effort: the directory is deleted by the caller as well
            }
        }
    }

    static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** Bytes as {@link #writeString} writes a string's UTF-8 (null as length -1). */
    static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** Reads what {@link #writeBytes} or {@link #writeString} wrote, as bytes. */
    static byte[] readBytes(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }

    /** Reads a string written by {@link #writeString}; throws EOFException at a clean end of file. */
    static String readString(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    static boolean atEnd(DataInputStream in) throws IOException {
        in.mark(1);
        int next = in.read();
        if (next < 0) {
            return true;
        }
        in.reset();
        return false;
    }

    static EOFException truncated() {
        return new EOFException("spill file ended in the middle of a record");
    }
}
