package dev.strangler.parity.spill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.sandbox.ChildJvm;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpillDirectoryTest {

    @TempDir
    Path tmp;

    @Test
    void shouldCreateAnOwnerOnlyDirectoryOfItsOwnWithOwnerOnlyFiles() throws Exception {
        try (SpillDirectory dir = SpillDirectory.create(tmp)) {
            assertThat(dir.path().getParent()).isEqualTo(tmp);
            assertThat(dir.path().getFileName().toString())
                    .startsWith("strangler-parity-" + ProcessHandle.current().pid() + "-");
            assertThat(permissions(dir.path())).isEqualTo("rwx------");
            assertThat(permissions(dir.path().resolve(".lock"))).isEqualTo("rw-------");
            Path spill = dir.path().resolve("shop.t-table-0.bin");
            try (OutputStream out = OwnerOnly.newFile(spill)) {
                out.write(42);
            }
            assertThat(permissions(spill)).isEqualTo("rw-------");
        }
    }

    @Test
    void shouldCreateAMissingRootOwnerOnly() throws Exception {
        Path root = tmp.resolve("spill/parity");
        try (SpillDirectory dir = SpillDirectory.create(root)) {
            assertThat(permissions(tmp.resolve("spill"))).isEqualTo("rwx------");
            assertThat(permissions(root)).isEqualTo("rwx------");
            assertThat(dir.path()).startsWith(root);
        }
    }

    @Test
    void shouldGiveEachRunADirectoryOfItsOwnAndRemoveItWhenClosed() throws Exception {
        SpillDirectory first = SpillDirectory.create(tmp);
        SpillDirectory second = SpillDirectory.create(tmp);
        assertThat(first.path()).isNotEqualTo(second.path());
        try (OutputStream out = OwnerOnly.newFile(first.path().resolve("a.bin"))) {
            out.write(new byte[100]);
        }
        first.close();
        second.close();
        try (var left = Files.list(tmp)) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void shouldRemoveTheDirectoryWhenTheProcessIsStoppedWithSigterm() throws Exception {
        ChildJvm child = ChildJvm.start(HoldSpillDirectoryMain.class, List.of(tmp.toString()), List.of(),
                tmp.resolve("child.log"), HoldSpillDirectoryMain.READY, Duration.ofSeconds(30));
        Path dir = Path.of(child.output().lines().filter(l -> l.contains("strangler-parity-")).findFirst()
                .orElseThrow());
        assertThat(dir).isDirectory();
        child.stop(Duration.ofSeconds(20)); // SIGTERM
        assertThat(child.process().exitValue()).as("ended by SIGTERM, not SIGKILL").isEqualTo(143);
        assertThat(dir).doesNotExist();
    }

    @Test
    void shouldRefuseToCreateAFileThatExists() throws Exception {
        try (SpillDirectory dir = SpillDirectory.create(tmp)) {
            Path planted = Files.createFile(dir.path().resolve("x.bin"));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> OwnerOnly.newFile(planted))
                    .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
        }
    }

    static String permissions(Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
