package dev.strangler.parity.compare;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The spill files' own buffers: what is written is read back, across buffer ends, with the end seen exactly. */
class PartitionsTest {

    @Test
    void recordsOfEverySizeReadBackAcrossBufferEnds(@TempDir Path dir) throws Exception {
        Random random = new Random(3);
        List<String> written = new ArrayList<>();
        try (Partitions partitions = new Partitions(dir, "t", 1)) {
            DataOutputStream out = partitions.output("k");
            for (int i = 0; i < 20_000; i++) {
                int size = random.nextInt(10) == 0 ? random.nextInt(200_000) : random.nextInt(40);
                String s = random.nextInt(50) == 0 ? null : "é".repeat(size / 2) + "x".repeat(size - size / 2);
                written.add(s);
                Partitions.writeString(out, s);
                out.writeByte(i);
                out.writeLong(i * 31L);
                Partitions.writeBytes(out, s == null ? null : s.getBytes(StandardCharsets.UTF_8));
            }
            partitions.finishWriting();
            List<String> read = new ArrayList<>();
            try (DataInputStream in = partitions.open(0)) {
                int i = 0;
                while (!Partitions.atEnd(in)) {
                    String s = Partitions.readString(in);
                    assertThat(in.readByte()).isEqualTo((byte) i);
                    assertThat(in.readLong()).isEqualTo(i * 31L);
                    byte[] bytes = Partitions.readBytes(in);
                    assertThat(bytes == null ? null : new String(bytes, StandardCharsets.UTF_8)).isEqualTo(s);
                    read.add(s);
                    i++;
                }
                assertThat(Partitions.atEnd(in)).isTrue();
            }
            assertThat(read).isEqualTo(written);
        }
    }

    @Test
    void anEmptyPartitionIsAtItsEndAtOnce(@TempDir Path dir) throws Exception {
        try (Partitions partitions = new Partitions(dir, "t", 2)) {
            partitions.finishWriting();
            try (DataInputStream in = partitions.open(1)) {
                assertThat(Partitions.atEnd(in)).isTrue();
            }
        }
    }
}
