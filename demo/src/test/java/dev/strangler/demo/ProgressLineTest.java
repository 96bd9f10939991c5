package dev.strangler.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    @Test
    void showsElapsedTotalEventsRateAndLag() {
        String line = ProgressLine.format(Duration.ofSeconds(12), Duration.ofSeconds(30), "workload", 12_345, 87,
                OptionalLong.of(5_632));
        assertThat(line).isEqualTo("demo 00:12 / 00:30 workload    | 12,345 events published | 87 ev/s | "
                + "slot lag 5.5 KiB");
    }

    @Test
    void showsADashWhileTheSlotDoesNotExist() {
        assertThat(ProgressLine.format(Duration.ZERO, Duration.ofMinutes(2), "catching up", 0, 0,
                OptionalLong.empty())).endsWith("slot lag -").contains("00:00 / 02:00 catching up");
    }

    @Test
    void formatsClockAndBytes() {
        assertThat(ProgressLine.clock(Duration.ofSeconds(59))).isEqualTo("00:59");
        assertThat(ProgressLine.clock(Duration.ofSeconds(3_725))).isEqualTo("1:02:05");
        assertThat(ProgressLine.bytes(0)).isEqualTo("0 B");
        assertThat(ProgressLine.bytes(1023)).isEqualTo("1023 B");
        assertThat(ProgressLine.bytes(1024)).isEqualTo("1.0 KiB");
        assertThat(ProgressLine.bytes(3L * 1024 * 1024 * 1024)).isEqualTo("3.0 GiB");
    }

    @Test
    void closeEndsARewrittenLineOnlyOnce() {
        StringWriter text = new StringWriter();
        ProgressLine progress = new ProgressLine(new PrintWriter(text), true, Duration.ofSeconds(1),
                new AtomicLong()::get, OptionalLong::empty);
        progress.close();
        progress.close();
        assertThat(text.toString()).isEmpty();
    }
}
