package dev.strangler.parity.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.strangler.parity.spill.Lz4Blocks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The spill files' LZ4 blocks: bytes come back as written, compressible or not, and damage is told, not read. */
class Lz4BlocksTest {

    @Test
    void compressibleAndRandomBytesComeBackAsWrittenAtEveryBlockSize() throws IOException {
        Random random = new Random(11);
        for (int blockSize : new int[] {4 << 10, 64 << 10}) {
            byte[] data = mixed(random, 3_000_000);
            byte[] file = write(data, blockSize, random);
            assertThat(readAll(file, 1 << 16)).isEqualTo(data);
            assertThat(readAll(file, 16)).as("a reader whose first buffer is smaller than the blocks")
                    .isEqualTo(data);
        }
    }

    @Test
    void jsonLikeRowsTakeFarFewerBytesAndRandomBytesHardlyMore() throws IOException {
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            rows.append("{\"id\":").append(i).append(",\"name\":\"customer ").append(i * 7)
                    .append("\",\"created_at\":\"2026-12-03T18:").append(10 + i % 50).append(":00Z\"}");
        }
        byte[] json = rows.toString().getBytes(StandardCharsets.UTF_8);
        assertThat(write(json, 64 << 10, new Random(1)).length).isLessThan(json.length / 3);

        byte[] noise = new byte[1_000_000];
        new Random(2).nextBytes(noise);
        byte[] file = write(noise, 64 << 10, new Random(3));
        // stored as they are: 8 header bytes per 64 KB block
        assertThat(file.length).isLessThanOrEqualTo(noise.length + 8 * (noise.length / (64 << 10) + 1));
        assertThat(readAll(file, 1 << 16)).isEqualTo(noise);
    }

    @Test
    void theEndIsSeenExactlyAtABlockBoundary() throws IOException {
        byte[] data = new byte[64 << 10]; // exactly one block
        Arrays.fill(data, (byte) 'a');
        try (DataInputStream in = new DataInputStream(new Lz4Blocks.Reading(
                new ByteArrayInputStream(write(data, 64 << 10, new Random(4))), 1 << 16))) {
            in.readFully(new byte[data.length - 1]);
            assertThat(Partitions.atEnd(in)).isFalse();
            assertThat(in.readByte()).isEqualTo((byte) 'a');
            assertThat(Partitions.atEnd(in)).isTrue();
            assertThat(in.read()).isEqualTo(-1);
        }
    }

    @Test
    void aDamagedOrCutFileIsToldAsDamaged() throws IOException {
        byte[] data = mixed(new Random(5), 300_000);
        byte[] file = write(data, 64 << 10, new Random(6));

        byte[] cut = Arrays.copyOf(file, file.length - 10);
        assertThatThrownBy(() -> readAll(cut, 1 << 16)).hasMessageContaining("spill file is damaged");

        byte[] badHeader = file.clone();
        badHeader[0] = 0x7F; // a raw length of about 2 GB: refused before anything is allocated for it
        assertThatThrownBy(() -> readAll(badHeader, 1 << 16))
                .hasMessageStartingWith("spill file is damaged: a block header of 21");

        byte[] halfHeader = Arrays.copyOf(file, firstBlockLength(file) + 5);
        assertThatThrownBy(() -> readAll(halfHeader, 1 << 16)).hasMessageContaining("block header cut short");
    }

    @Test
    void aCompressedBlockWithBadContentIsToldAsDamaged() throws IOException {
        byte[] data = new byte[50_000];
        Arrays.fill(data, (byte) 'z');
        byte[] file = write(data, 64 << 10, new Random(7));
        assertThat(file.length).as("compressed").isLessThan(1_000);
        byte[] garbled = file.clone();
        for (int i = 8; i < garbled.length; i++) {
            garbled[i] = (byte) 0xFF;
        }
        assertThatThrownBy(() -> readAll(garbled, 1 << 16)).hasMessageContaining("spill file is damaged");
    }

    private static int firstBlockLength(byte[] file) {
        int stored = (file[4] & 0xFF) << 24 | (file[5] & 0xFF) << 16 | (file[6] & 0xFF) << 8 | (file[7] & 0xFF);
        return 8 + stored;
    }

    /** Runs of repeated text between runs of random bytes, written in pieces of random sizes. */
    private static byte[] mixed(Random random, int size) {
        byte[] data = new byte[size];
        int i = 0;
        while (i < size) {
            int run = Math.min(size - i, 1 + random.nextInt(5_000));
            if (random.nextBoolean()) {
                byte[] noise = new byte[run];
                random.nextBytes(noise);
                System.arraycopy(noise, 0, data, i, run);
            } else {
                Arrays.fill(data, i, i + run, (byte) ('a' + random.nextInt(3)));
            }
            i += run;
        }
        return data;
    }

    private static byte[] write(byte[] data, int blockSize, Random pieces) throws IOException {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(
                new Lz4Blocks.Writing(file, blockSize, Lz4Blocks.scratchFor(blockSize)))) {
            int i = 0;
            while (i < data.length) {
                int piece = pieces.nextInt(4) == 0 ? 1 : Math.min(data.length - i, 1 + pieces.nextInt(3 * blockSize));
                if (piece == 1) {
                    out.write(data[i]);
                } else {
                    out.write(data, i, piece);
                }
                i += piece;
            }
        }
        return file.toByteArray();
    }

    private static byte[] readAll(byte[] file, int bufferSize) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        try (Lz4Blocks.Reading in = new Lz4Blocks.Reading(new ByteArrayInputStream(file), bufferSize)) {
            byte[] piece = new byte[777];
            int n;
            while ((n = in.read(piece, 0, piece.length)) >= 0) {
                read.write(piece, 0, n);
            }
        }
        return read.toByteArray();
    }
}
