package dev.strangler.parity.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.parity.ParityConfig;
import dev.strangler.parity.model.ParityReport;
import dev.strangler.parity.model.Verdict;
import dev.strangler.sandbox.ChildJvm;
import dev.strangler.sandbox.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parity's spill files (row values in plain text) are not left behind: a run stopped with SIGTERM removes them, and
 * what a SIGKILL leaves is removed by the next run. The runs are real ones, paused in the middle of a table's scan.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpillCleanupIT {

    private Sandbox sandbox;
    private ParityFixture fixture;
    @TempDir
    Path tmp;

    @BeforeAll
    void start() {
        sandbox = Sandbox.start();
        // enough customers that the paused run's stream spill outgrows its write buffer: row values on disk
        fixture = new ParityFixture(sandbox, "spill", Map.of(), List.of(
                "INSERT INTO shop.customers (external_ref, name, email) SELECT gen_random_uuid(), 'Customer ' || g, "
                + "'customer' || g || '@example.com' FROM generate_series(1, 1000) g"));
        // waits until the pipeline published its snapshot, so the paused runs below need not wait
        assertThat(fixture.check().verdict()).isEqualTo(Verdict.GO);
    }

    @AfterAll
    void close() {
        if (fixture != null) {
            fixture.close();
        }
        sandbox.close();
    }

    @Test
    void shouldRemoveTheSpillOfARunKilledMidRunAtTheNextRunsStart() throws Exception {
        Path root = tmp.resolve("killed");
        ChildJvm run = pausedRun(root);
        Path left = spillDirectory(run);
        run.kill(); // SIGKILL: no shutdown hook, the directory stays
        assertThat(left).isDirectory();
        assertThat(files(left)).as("spill files of the paused run").isNotEmpty().allSatisfy(f ->
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(left))).isEqualTo("rwx------");
        assertThat(files(left).stream().mapToLong(f -> f.toFile().length()).sum()).as("row values on disk")
                .isPositive();

        ParityReport next = fixture.check(config(root));

        assertThat(next.verdict()).isEqualTo(Verdict.GO);
        assertThat(entries(root)).as("the killed run's directory was swept, the new run's removed").isEmpty();
    }

    @Test
    void shouldLeaveNothingWhenARunIsStoppedWithSigterm() throws Exception {
        Path root = tmp.resolve("terminated");
        ChildJvm run = pausedRun(root);
        assertThat(files(spillDirectory(run))).isNotEmpty();
        run.stop(Duration.ofSeconds(30)); // SIGTERM
        assertThat(run.process().exitValue()).as("ended by SIGTERM").isEqualTo(143);
        assertThat(entries(root)).isEmpty();
    }

    private ParityConfig config(Path root) {
        return fixture.parityConfig(fixture.name, Duration.ofSeconds(60), root);
    }

    private ChildJvm pausedRun(Path root) throws Exception {
        Files.createDirectories(root);
        ParityConfig c = config(root);
        return ChildJvm.start(BlockingParityRunMain.class, List.of(c.jdbcUrl(), c.user(), c.password(), c.slot(),
                        c.bootstrapServers(), c.topicPrefix(), root.toString()), List.of(),
                tmp.resolve(root.getFileName() + ".log"), BlockingParityRunMain.READY, Duration.ofSeconds(60));
    }

    private static Path spillDirectory(ChildJvm run) throws IOException {
        return Path.of(run.output().lines().filter(l -> l.contains("strangler-parity-")).findFirst().orElseThrow());
    }

    private static List<Path> entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    private static List<Path> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".bin")).toList();
        }
    }

}
