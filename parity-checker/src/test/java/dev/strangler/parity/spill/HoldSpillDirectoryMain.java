package dev.strangler.parity.spill;

import java.io.OutputStream;
import java.nio.file.Path;

/**
 * A process that holds a spill directory under the root given as its argument, with one spill file in it, and prints
 * {@value #READY} and the directory; then waits to be signalled.
 */
public final class HoldSpillDirectoryMain {

    static final String READY = "holding spill directory";

    private HoldSpillDirectoryMain() {
    }

    public static void main(String[] args) throws Exception {
        SpillDirectory dir = SpillDirectory.create(Path.of(args[0]));
        try (OutputStream out = OwnerOnly.newFile(dir.path().resolve("shop.t-stream-0.bin"))) {
            out.write(new byte[4096]);
        }
        System.out.println(dir.path());
        System.out.println(READY);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
