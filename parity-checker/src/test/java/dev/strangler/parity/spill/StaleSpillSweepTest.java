package dev.strangler.parity.spill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.sandbox.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaleSpillSweepTest {

    @TempDir
    Path root;

    @Test
    void shouldRemoveTheDirectoryOfAKilledRunAndCountItsBytes() throws Exception {
        Path killed = holdThenKill();
        try (SpillDirectory own = SpillDirectory.create(root)) {
            StaleSpillSweep.Swept swept = new StaleSpillSweep().sweepAround(own);
            assertThat(swept.directories()).containsExactly(killed);
            assertThat(swept.bytes()).isEqualTo(4096);
            assertThat(killed).doesNotExist();
            assertThat(own.path()).isDirectory();
        }
    }

    @Test
    void shouldLeaveTheDirectoryOfARunStillGoingInAnotherProcess() throws Exception {
        try (ChildJvm live = hold(); SpillDirectory own = SpillDirectory.create(root)) {
            Path theirs = directoryOf(live);
            assertThat(new StaleSpillSweep().sweepAround(own).directories()).isEmpty();
            assertThat(theirs.resolve("shop.t-stream-0.bin")).exists();
        }
    }

    @Test
    void shouldLeaveTheDirectoryOfARunStillGoingInThisJvm() {
        try (SpillDirectory other = SpillDirectory.create(root); SpillDirectory own = SpillDirectory.create(root)) {
            assertThat(new StaleSpillSweep().sweepAround(own).directories()).isEmpty();
            assertThat(other.path()).isDirectory();
        }
    }

    @Test
    void shouldRemoveADirectoryWithoutLockFileOnlyOnceItIsOld() throws Exception {
        Path unlocked = Files.createDirectory(root.resolve("strangler-parity-1-2"));
        Files.write(unlocked.resolve("x.bin"), new byte[10]);
        Instant modified = Instant.parse("2026-01-01T00:00:00Z");
        Files.setLastModifiedTime(unlocked, FileTime.from(modified));
        try (SpillDirectory own = SpillDirectory.create(root)) {
            assertThat(sweepAt(own, modified.plus(Duration.ofMinutes(1))).directories())
                    .as("perhaps a run between its directory and its lock file").isEmpty();
            assertThat(sweepAt(own, modified.plus(StaleSpillSweep.UNLOCKED_GRACE).plusSeconds(1)).directories())
                    .containsExactly(unlocked);
            assertThat(unlocked).doesNotExist();
        }
    }

    @Test
    void shouldNeverFollowALinkNorTouchOtherDirectories() throws Exception {
        Path precious = Files.createDirectory(root.resolve("precious"));
        Files.write(precious.resolve("data"), new byte[10]);
        Files.setLastModifiedTime(precious, FileTime.from(Instant.EPOCH));
        Path link = Files.createSymbolicLink(root.resolve("strangler-parity-9-9"), precious);
        Path unrelated = Files.createDirectory(root.resolve("other-tool-1"));
        Files.setLastModifiedTime(unrelated, FileTime.from(Instant.EPOCH));
        try (SpillDirectory own = SpillDirectory.create(root)) {
            assertThat(new StaleSpillSweep().sweepAround(own).directories()).isEmpty();
        }
        assertThat(link).isSymbolicLink();
        assertThat(precious.resolve("data")).exists();
        assertThat(unrelated).isDirectory();
    }

    private StaleSpillSweep.Swept sweepAt(SpillDirectory own, Instant now) {
        return new StaleSpillSweep(Clock.fixed(now, ZoneOffset.UTC)).sweepAround(own);
    }

    private ChildJvm hold() throws Exception {
        return ChildJvm.start(HoldSpillDirectoryMain.class, List.of(root.toString()), List.of(),
                root.resolve("hold-" + System.nanoTime() + ".log"), HoldSpillDirectoryMain.READY, Duration.ofSeconds(30));
    }

    private Path holdThenKill() throws Exception {
        ChildJvm child = hold();
        Path dir = directoryOf(child);
        child.kill(); // SIGKILL: no shutdown hook runs
        assertThat(dir).isDirectory();
        return dir;
    }

    private static Path directoryOf(ChildJvm child) throws Exception {
        return Path.of(child.output().lines().filter(l -> l.contains("strangler-parity-")).findFirst().orElseThrow());
    }
}
