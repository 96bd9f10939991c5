package dev.strangler.engine.doctor;

import dev.strangler.sql.StranglerSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The SQL files the strangler-sql jar ships, found on the classpath (a directory in the IDE and tests, a jar in the
 * runnable CLI), so nothing keeps a second list of them: Flyway's migrations under strangler/sql/migrations and the
 * DBA scripts under strangler/sql/dba.
 */
public final class SqlScripts {

    public static final String MIGRATIONS = "strangler/sql/migrations/";
    public static final String DBA = "strangler/sql/dba/";
    private static final Pattern MIGRATION = Pattern.compile("V(\\d+)__.*\\.sql");

    private SqlScripts() {
    }

    /** A script: its classpath path and its text. */
    public record Script(String path, String text) {
        public String fileName() {
            return path.substring(path.lastIndexOf('/') + 1);
        }
    }

    /** The migrations in the order Flyway applies them (by version number, V2 before V10). */
    public static List<Script> migrations() {
        return list(MIGRATIONS).stream()
                .filter(p -> MIGRATION.matcher(fileName(p)).matches())
                .sorted(Comparator.comparingInt(SqlScripts::version))
                .map(SqlScripts::load).toList();
    }

    /** The DBA scripts in the order a DBA runs them (their file names start with the step number). */
    public static List<Script> dbaScripts() {
        return list(DBA).stream().filter(p -> p.endsWith(".sql")).sorted().map(SqlScripts::load).toList();
    }

    /** The highest migration version this build ships (e.g. 2 for V2__parity_history.sql). */
    public static int latestMigrationVersion() {
        return list(MIGRATIONS).stream().filter(p -> MIGRATION.matcher(fileName(p)).matches())
                .mapToInt(SqlScripts::version).max().orElse(0);
    }

    static int version(String path) {
        Matcher m = MIGRATION.matcher(fileName(path));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a versioned migration: " + path);
        }
        return Integer.parseInt(m.group(1));
    }

    private static Script load(String path) {
        return new Script(path, StranglerSchema.classpathScript(path));
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Every resource directly under {@code directory} (ending in '/'), across all classpath entries. */
    static List<String> list(String directory) {
        List<String> result = new ArrayList<>();
        try {
            Enumeration<URL> roots = StranglerSchema.class.getClassLoader().getResources(directory);
            while (roots.hasMoreElements()) {
                URL root = roots.nextElement();
                if (root.getProtocol().equals("jar")) {
                    JarURLConnection connection = (JarURLConnection) root.openConnection();
                    connection.setUseCaches(false);
                    try (JarFile jar = connection.getJarFile()) {
                        for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                            String name = e.nextElement().getName();
                            if (name.startsWith(directory) && name.length() > directory.length()
                                    && name.indexOf('/', directory.length()) < 0 && !result.contains(name)) {
                                result.add(name);
                            }
                        }
                    }
                } else if (root.getProtocol().equals("file")) {
                    try (Stream<Path> files = Files.list(Path.of(root.toURI()))) {
                        files.filter(Files::isRegularFile).map(f -> directory + f.getFileName())
                                .filter(n -> !result.contains(n)).forEach(result::add);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory + " on the classpath", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        if (result.isEmpty()) {
            throw new IllegalStateException("no SQL scripts under " + directory + " on the classpath; the "
                    + "strangler-sql jar is missing or was built without them");
        }
        return result;
    }
}
