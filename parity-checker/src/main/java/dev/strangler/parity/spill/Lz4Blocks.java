package dev.strangler.parity.spill;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * Spill files as a sequence of LZ4 blocks, each {@code [int raw length][int stored length][stored bytes]}; a block
 * LZ4 cannot shrink is stored as it is (stored length = raw length). At 10 million rows a check writes about 5.6 GB
 * of spill, past the kernel's dirty-page thresholds, and both writing threads then spend a third of their time blocked in
 * {@code write()} (bench/README "Fifth round"); row JSON and canonical texts compress several times over, and LZ4
 * costs far less CPU per byte than the page cache's writeback does. The buffers have no locks: a spill file is written
 * by one thread and {@link java.io.DataOutputStream} calls its stream once per byte of an int.
 */
public final class Lz4Blocks {

    /** The largest raw block a reader accepts: a bound on what a corrupt length may make it allocate. */
    static final int MAX_BLOCK = 1 << 20;

    private static final LZ4Factory LZ4 = LZ4Factory.fastestInstance();
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private Lz4Blocks() {
    }

    /**
     * A buffered writer that compresses each full buffer into one block. {@code scratch} receives the compressed
     * bytes and may be shared by the writers of one thread ({@link #scratchFor}).
     */
    public static final class Writing extends OutputStream {
        private final OutputStream out;
        private final byte[] buffer;
        private final byte[] scratch;
        private final LZ4Compressor compressor = LZ4.fastCompressor();
        private int count;
        private long rawBytes;
        private long storedBytes;

        public Writing(OutputStream out, int blockSize, byte[] scratch) {
            if (blockSize > MAX_BLOCK || scratch.length < 8 + compressor.maxCompressedLength(blockSize)) {
                throw new IllegalArgumentException("block size " + blockSize + " with scratch " + scratch.length);
            }
            this.out = out;
            this.buffer = new byte[blockSize];
            this.scratch = scratch;
        }

        @Override
        public void write(int b) throws IOException {
            if (count == buffer.length) {
                writeBlock();
            }
            buffer[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (count == buffer.length) {
                    writeBlock();
                }
                int n = Math.min(len, buffer.length - count);
                System.arraycopy(b, off, buffer, count, n);
                count += n;
                off += n;
                len -= n;
            }
        }

        private void writeBlock() throws IOException {
            if (count == 0) {
                return;
            }
            int compressed = compressor.compress(buffer, 0, count, scratch, 8, scratch.length - 8);
            boolean shrunk = compressed < count;
            int stored = shrunk ? compressed : count;
            INT.set(scratch, 0, count);
            INT.set(scratch, 4, stored);
            if (shrunk) {
                out.write(scratch, 0, 8 + stored);
            } else {
                out.write(scratch, 0, 8);
                out.write(buffer, 0, count);
            }
            rawBytes += count;
            storedBytes += 8 + stored;
            count = 0;
        }

        /** The bytes written to this stream so far, before compression. */
        public long rawBytes() {
            return rawBytes;
        }

        /** The bytes of the blocks written so far, headers included: the file's size once flushed. */
        public long storedBytes() {
            return storedBytes;
        }

        @Override
        public void flush() throws IOException {
            writeBlock();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            try (OutputStream closing = out) {
                writeBlock();
            }
        }
    }

    /** A scratch buffer large enough for the compressed blocks of {@code blockSize}. */
    public static byte[] scratchFor(int blockSize) {
        return new byte[8 + LZ4.fastCompressor().maxCompressedLength(blockSize)];
    }

    /** Reads what {@link Writing} wrote, with the one-byte mark {@link Partitions#atEnd} uses. */
    public static final class Reading extends InputStream {
        private final InputStream in;
        private final LZ4SafeDecompressor decompressor = LZ4.safeDecompressor();
        private final byte[] header = new byte[8];
        private byte[] buffer;
        private byte[] stored;
        private int position;
        private int limit;
        private int mark = -1;

        public Reading(InputStream in, int blockSize) {
            this.in = in;
            this.buffer = new byte[blockSize];
            this.stored = new byte[blockSize];
        }

        /** Reads the next block when this one is used up; false at the end of the file. */
        private boolean fill() throws IOException {
            if (position < limit) {
                return true;
            }
            int headerRead = in.readNBytes(header, 0, 8);
            if (headerRead == 0) {
                return false;
            }
            if (headerRead < 8) {
                throw corrupt("a block header cut short");
            }
            int raw = (int) INT.get(header, 0);
            int storedLength = (int) INT.get(header, 4);
            if (raw <= 0 || raw > MAX_BLOCK || storedLength <= 0 || storedLength > raw) {
                throw corrupt("a block header of " + raw + " / " + storedLength + " bytes");
            }
            if (buffer.length < raw) {
                buffer = new byte[raw];
            }
            if (storedLength == raw) {
                readFully(buffer, raw);
            } else {
                if (stored.length < storedLength) {
                    stored = new byte[Math.max(storedLength, raw)];
                }
                readFully(stored, storedLength);
                try {
                    int n = decompressor.decompress(stored, 0, storedLength, buffer, 0, raw);
                    if (n != raw) {
                        throw corrupt("a block of " + n + " bytes where its header says " + raw);
                    }
                } catch (LZ4Exception e) {
                    throw corrupt("a block LZ4 cannot decompress (" + e.getMessage() + ")");
                }
            }
            mark = mark == limit ? 0 : -1; // marked at the end of the old block: the new one's first byte
            position = 0;
            limit = raw;
            return true;
        }

        private void readFully(byte[] into, int length) throws IOException {
            if (in.readNBytes(into, 0, length) < length) {
                throw corrupt("a block cut short");
            }
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

    private static EOFException corrupt(String what) {
        return new EOFException("spill file is damaged: " + what);
    }
}
