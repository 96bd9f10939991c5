package dev.strangler.parity.it;

import dev.strangler.parity.ParityChecker;
import dev.strangler.parity.ParityConfig;
import dev.strangler.parity.Progress;
import dev.strangler.parity.compare.CanonicalRowCodecs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real parity run in a process of its own that stops in the middle, with its spill files on disk: the first time
 * it reports table-scan progress it prints its spill directory and {@value #READY}, then waits to be signalled.
 *
 * <p>Arguments: jdbc url, user, password, slot, bootstrap servers, topic prefix, work directory.
 */
public final class BlockingParityRunMain {

    static final String READY = "parity run paused while spilling";

    private BlockingParityRunMain() {
    }

    public static void main(String[] args) {
        Path root = Path.of(args[6]);
        ParityConfig config = new ParityConfig(args[0], args[1], args[2], args[3], args[4], Map.of(), args[5],
                ParityFixture.TABLES, 0, Map.of(), Duration.ofSeconds(60), 20, root,
                ParityConfig.DEBEZIUM_UNAVAILABLE_VALUE);
        new ParityChecker(config, CanonicalRowCodecs.factory(config.unavailableValuePlaceholder()), new Progress() {
            @Override
            public void scanning(String table, long rows, long estimatedRows) {
                if (rows == 0) {
                    return; // the scan's start, reported before anything is spilled: pause at its end instead
                }
                System.out.println(spillDirectory(root));
                System.out.println(READY);
                System.out.flush();
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }).run();
    }

    private static Path spillDirectory(Path root) {
        try (Stream<Path> dirs = Files.list(root)) {
            List<Path> runs = dirs.filter(p -> p.getFileName().toString().startsWith("strangler-parity-")).toList();
            if (runs.size() != 1) {
                throw new IllegalStateException("expected one spill directory in " + root + ", found " + runs);
            }
            return runs.get(0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
