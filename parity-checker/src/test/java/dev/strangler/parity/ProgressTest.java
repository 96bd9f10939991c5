package dev.strangler.parity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker reports from two threads; its listener gets the calls one at a time. */
class ProgressTest {

    /** Not thread-safe on purpose: an unsynchronised counter and list. */
    private static final class Counting implements Progress {
        long calls;
        final List<String> seen = new ArrayList<>();

        @Override
        public void consuming(String topic, long consumed, long total) {
            calls++;
            seen.add(topic);
        }

        @Override
        public void scanning(String table, long rows, long estimatedRows) {
            calls++;
            seen.add(table);
        }
    }

    @Test
    void twoThreadsReportingLoseNoCall() throws Exception {
        Counting listener = new Counting();
        Progress progress = Progress.serialized(listener);
        Thread topic = new Thread(() -> {
            for (int i = 0; i < 200_000; i++) {
                progress.consuming("t", i, 200_000);
            }
        });
        topic.start();
        for (int i = 0; i < 200_000; i++) {
            progress.scanning("s", i, 200_000);
        }
        topic.join();
        assertThat(listener.calls).isEqualTo(400_000);
        assertThat(listener.seen).hasSize(400_000);
        assertThat(Progress.serialized(progress)).isSameAs(progress);
        assertThat(Progress.serialized(Progress.NONE)).isSameAs(Progress.NONE);
    }
}
