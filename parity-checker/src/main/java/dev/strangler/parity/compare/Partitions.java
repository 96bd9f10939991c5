package dev.strangler.parity.compare;

import dev.strangler.parity.spill.OwnerOnly;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
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
 * Records are appended in arrival order, so a key's events keep their order within its partition. The files hold row
 * values in plain text: only their owner may read them ({@link OwnerOnly}).
 */
final class Partitions implements AutoCloseable {

    private final Path directory;
    private final String name;
    private final DataOutputStream[] outputs;
    /** Which partition a key goes to; by default its hash (see {@link #routeBy}). */
    private java.util.function.ToIntFunction<String> router;

    Partitions(Path directory, String name, int count) {
        this.directory = directory;
        this.name = name;
        this.outputs = new DataOutputStream[count];
        try {
            for (int i = 0; i < count; i++) {
                outputs[i] = new DataOutputStream(new Buffered(OwnerOnly.newFile(file(i)), bufferSize(count)));
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot create spill files in " + directory, e);
        }
    }

    /**
     * Write buffers share a fixed budget (16 MB per side), so a table split into thousands of partitions does not
     * spend the heap on buffers: 64 KB each up to 256 partitions, down to 4 KB.
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
    }

    DataInputStream open(int partition) throws IOException {
        return new DataInputStream(new BufferedReading(Files.newInputStream(file(partition)), 1 << 16));
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

    /**
     * A write buffer without the locks of {@link BufferedOutputStream}: a spill file is written by one thread, and
     * {@link DataOutputStream} calls it once per byte of an int.
     */
    private static final class Buffered extends java.io.OutputStream {
        private final java.io.OutputStream out;
        private final byte[] buffer;
        private int count;

        Buffered(java.io.OutputStream out, int size) {
            this.out = out;
            this.buffer = new byte[size];
        }

        @Override
        public void write(int b) throws IOException {
            if (count == buffer.length) {
                flushBuffer();
            }
            buffer[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len >= buffer.length) {
                flushBuffer();
                out.write(b, off, len);
                return;
            }
            if (len > buffer.length - count) {
                flushBuffer();
            }
            System.arraycopy(b, off, buffer, count, len);
            count += len;
        }

        private void flushBuffer() throws IOException {
            if (count > 0) {
                out.write(buffer, 0, count);
                count = 0;
            }
        }

        @Override
        public void flush() throws IOException {
            flushBuffer();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            try (java.io.OutputStream closing = out) {
                flushBuffer();
            }
        }
    }

    /** A read buffer without the locks of {@link BufferedInputStream}, with the one-byte mark {@link #atEnd} uses. */
    private static final class BufferedReading extends java.io.InputStream {
        private final java.io.InputStream in;
        private final byte[] buffer;
        private int position;
        private int limit;
        private int mark = -1;

        BufferedReading(java.io.InputStream in, int size) {
            this.in = in;
            this.buffer = new byte[size];
        }

        /** Fills the buffer when it is used up; false at the end of the file. */
        private boolean fill() throws IOException {
            if (position < limit) {
                return true;
            }
            int n = in.read(buffer, 0, buffer.length);
            while (n == 0) {
                n = in.read(buffer, 0, buffer.length);
            }
            mark = mark == limit ? 0 : -1; // marked at the end of the old buffer: the new one's first byte
            position = 0;
            limit = Math.max(0, n);
            return n > 0;
        }

        @Override
        public int read() throws IOException {
            if (!fill()) {
                return -1;
            }
            return buffer[position++] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            if (position >= limit && len >= buffer.length) {
                return in.read(b, off, len);
            }
            if (!fill()) {
                return -1;
            }
            int n = Math.min(len, limit - position);
            System.arraycopy(buffer, position, b, off, n);
            position += n;
            return n;
        }

        @Override
        public boolean markSupported() {
            return true;
        }

        @Override
        public void mark(int readLimit) {
            if (readLimit > 1) {
                throw new UnsupportedOperationException("a spill file's reader marks one byte only");
            }
            mark = position;
        }

        @Override
        public void reset() throws IOException {
            if (mark < 0) {
                throw new IOException("no mark to reset to");
            }
            position = mark;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    static EOFException truncated() {
        return new EOFException("spill file ended in the middle of a record");
    }
}
