package dev.strangler.security;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.apache.kafka.common.config.provider.EnvVarConfigProvider;
import org.apache.kafka.common.config.provider.FileConfigProvider;

/**
 * Turns a configuration's settings into their values, wherever a secret lives: in the settings themselves, in a file
 * named by {@code KEY.file}, or behind one of Kafka's config-provider references. One resolver for every command and
 * module that reads a configuration, so a secret is found the same way everywhere.
 *
 * <p>Order, for each key:
 * <ol>
 *   <li>The settings as given (the caller has already applied its own overrides, e.g. environment variables).</li>
 *   <li>Config-provider references in any value, {@code ${provider:[path:]key}}, are replaced by Kafka's own
 *       {@link ConfigTransformer} with Kafka's providers: {@code ${file:/path/to/file.properties:key}} (a key of a
 *       properties file), {@code ${directory:/run/secrets:name}} (the whole content of a file in a directory, as
 *       Kubernetes and Docker mount secrets) and {@code ${env:NAME}} (an environment variable). One pass: a value
 *       read from a provider is never resolved again. A reference that resolves to nothing is an error naming the key
 *       and the reference, never the value.</li>
 *   <li>For a secret key {@code K}, a setting {@code K.file} names a file whose content is K's value (UTF-8, one
 *       trailing line break removed, as {@code echo} and editors leave one). Setting both {@code K} and {@code K.file}
 *       is an error: which one wins would be a guess.</li>
 * </ol>
 * A file a secret is read from (through {@code K.file}, {@code ${file:...}} or {@code ${directory:...}}) that its
 * group or others may read is a warning, not an error: Docker's and Kubernetes' defaults are 0444 and 0644.
 *
 * <p>Nothing here logs, and no message contains a value read from anywhere.
 */
public final class SecretResolver {

    /** The suffix of a setting that names the file a secret key's value is read from. */
    public static final String FILE_SUFFIX = ".file";

    /** What resolving found: the settings with every value in place, and warnings for a person to read. */
    public record Resolved(Map<String, String> settings, List<Warning> warnings) {
        public Resolved {
            settings = java.util.Collections.unmodifiableMap(new TreeMap<>(settings));
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * Something a person should fix that does not stop the configuration from working.
     *
     * @param key    the setting it is about
     * @param detail what was found
     * @param fix    what to do about it
     */
    public record Warning(String key, String detail, String fix) {
        @Override
        public String toString() {
            return detail + "; " + fix;
        }
    }

    private static final String FILE = "file";
    private static final String DIRECTORY = "directory";
    private static final String ENV = "env";

    private final Map<String, String> environment;
    private final Predicate<String> isSecret;

    /**
     * @param environment what {@code ${env:NAME}} reads (the process environment, or a map in tests)
     * @param isSecret    which keys hold secrets: only they may be read from {@code KEY.file}, and only their files'
     *                    permissions are checked
     */
    public SecretResolver(Map<String, String> environment, Predicate<String> isSecret) {
        this.environment = Map.copyOf(environment);
        this.isSecret = isSecret;
    }

    /**
     * The settings with provider references replaced and {@code KEY.file} settings of secret keys read into
     * {@code KEY} (the {@code .file} setting itself removed). Other {@code .file} settings are left for the caller,
     * whose unknown-key check names them.
     *
     * @throws SecretException naming the key that cannot be resolved and why
     */
    public Resolved resolve(Map<String, String> settings) {
        List<Warning> warnings = new ArrayList<>();
        Map<String, String> resolved = new TreeMap<>();
        settings.forEach((key, value) -> resolved.put(key, value == null ? "" : value));
        resolveReferences(resolved, warnings);
        readSecretFiles(resolved, warnings);
        return new Resolved(resolved, warnings);
    }

    private void resolveReferences(Map<String, String> settings, List<Warning> warnings) {
        Map<String, ConfigProvider> providers = null;
        try {
            for (Map.Entry<String, String> e : settings.entrySet()) {
                String key = e.getKey();
                List<Reference> references = references(key, e.getValue());
                if (references.isEmpty()) {
                    continue;
                }
                if (providers == null) {
                    providers = providers();
                }
                ConfigTransformer transformer = new ConfigTransformer(providers);
                for (Reference ref : references) {
                    String alone = transform(transformer, key, ref, ref.text());
                    if (alone.equals(ref.text())) {
                        throw new SecretException(key + ": " + ref.text() + " resolves to nothing: " + ref.missing());
                    }
                    if (isSecret.test(key)) {
                        ref.file().ifPresent(file -> permissionWarning(key, key + " (" + ref.text() + ")", file)
                                .ifPresent(warnings::add));
                    }
                }
                e.setValue(transform(transformer, key, references.get(0), e.getValue()));
            }
        } finally {
            if (providers != null) {
                providers.values().forEach(SecretResolver::closeQuietly);
            }
        }
    }

    private static String transform(ConfigTransformer transformer, String key, Reference ref, String value) {
        try {
            return transformer.transform(Map.of(key, value)).data().get(key);
        } catch (org.apache.kafka.common.config.ConfigException | IllegalArgumentException e) {
            throw new SecretException(key + ": " + ref.text() + " cannot be resolved: " + e.getMessage());
        }
    }

    private static List<Reference> references(String key, String value) {
        List<Reference> result = new ArrayList<>();
        Matcher m = pattern(value);
        while (m.find()) {
            String provider = m.group(1);
            String path = m.group(3) == null ? "" : m.group(3);
            String name = m.group(4);
            Reference ref = new Reference(m.group(), provider, path, name);
            switch (provider) {
                case FILE, DIRECTORY -> {
                    if (path.isEmpty()) {
                        throw new SecretException(key + ": " + ref.text() + " names no path; write ${" + provider
                                + ":/PATH:" + (provider.equals(FILE) ? "KEY}" : "FILE}"));
                    }
                }
                case ENV -> {
                    if (!path.isEmpty()) {
                        throw new SecretException(key + ": " + ref.text() + " has a path; write ${env:NAME}");
                    }
                }
                default -> throw new SecretException(key + ": unknown config provider '" + provider + "' in "
                        + ref.text() + "; Strangler resolves ${file:/PATH:KEY} (a properties file), "
                        + "${directory:/PATH:FILE} (a file's content) and ${env:NAME}");
            }
            result.add(ref);
        }
        return result;
    }

    /** Kafka's own ${provider:[path:]key} syntax: the pattern ConfigTransformer replaces by. */
    private static Matcher pattern(String value) {
        return ConfigTransformer.DEFAULT_PATTERN.matcher(value);
    }

    private Map<String, ConfigProvider> providers() {
        Map<String, ConfigProvider> providers = new LinkedHashMap<>();
        FileConfigProvider file = new FileConfigProvider();
        file.configure(Map.of());
        providers.put(FILE, file);
        DirectoryConfigProvider directory = new DirectoryConfigProvider();
        directory.configure(Map.of());
        providers.put(DIRECTORY, directory);
        EnvVarConfigProvider env = new EnvVarConfigProvider(environment);
        env.configure(Map.of(EnvVarConfigProvider.ALLOWLIST_PATTERN_CONFIG, ".*"));
        providers.put(ENV, env);
        return providers;
    }

    private void readSecretFiles(Map<String, String> settings, List<Warning> warnings) {
        for (String fileKey : List.copyOf(settings.keySet())) {
            if (!fileKey.endsWith(FILE_SUFFIX)) {
                continue;
            }
            String key = fileKey.substring(0, fileKey.length() - FILE_SUFFIX.length());
            if (key.isEmpty() || !isSecret.test(key)) {
                continue;
            }
            String pathText = settings.remove(fileKey).trim();
            if (pathText.isEmpty()) {
                continue; // an empty KEY.file is unset, like an empty KEY
            }
            if (!settings.getOrDefault(key, "").isEmpty()) {
                throw new SecretException(key + " and " + fileKey + " are both set; set only one of them (the file "
                        + "for a secret mounted as a file, e.g. by Docker or Kubernetes)");
            }
            Path file = path(fileKey, pathText);
            settings.put(key, read(fileKey, file));
            permissionWarning(fileKey, fileKey, file).ifPresent(warnings::add);
        }
    }

    private static Path path(String fileKey, String text) {
        if (text.chars().anyMatch(Character::isISOControl)) {
            throw new SecretException(fileKey + ": the path contains a control character");
        }
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new SecretException(fileKey + ": '" + text + "' is not a valid path: " + e.getReason());
        }
    }

    private static String read(String fileKey, Path file) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (NoSuchFileException e) {
            throw new SecretException(fileKey + ": file " + file.toAbsolutePath() + " does not exist");
        } catch (AccessDeniedException e) {
            throw new SecretException(fileKey + ": file " + file.toAbsolutePath() + " cannot be read by this user");
        } catch (CharacterCodingException e) {
            throw new SecretException(fileKey + ": file " + file.toAbsolutePath() + " is not UTF-8 text");
        } catch (IOException e) {
            throw new SecretException(fileKey + ": file " + file.toAbsolutePath() + " cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (text.endsWith("\r\n")) {
            text = text.substring(0, text.length() - 2);
        } else if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty()) {
            throw new SecretException(fileKey + ": file " + file.toAbsolutePath() + " is empty");
        }
        return text;
    }

    /** A warning when a secret's file may be read by its group or by others; none where POSIX modes do not exist. */
    static java.util.Optional<Warning> permissionWarning(String key, String what, Path file) {
        try {
            java.util.Set<java.nio.file.attribute.PosixFilePermission> modes = Files.getPosixFilePermissions(file);
            boolean group = modes.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ);
            boolean others = modes.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
            if (!group && !others) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of(new Warning(key, what + ": secret file " + file.toAbsolutePath()
                    + " is readable by " + (group && others ? "its group and all users" : group ? "its group"
                    : "all users") + " (" + java.nio.file.attribute.PosixFilePermissions.toString(modes) + ")",
                    "make it readable by its owner only: chmod 600 " + file.toAbsolutePath() + " (Kubernetes: "
                            + "defaultMode: 0400 on the secret's volume; Docker: the secret's mode: 0400)"));
        } catch (UnsupportedOperationException | IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static void closeQuietly(ConfigProvider provider) {
        try {
            provider.close();
        } catch (IOException | RuntimeException ignored) {
            // Kafka's providers hold nothing open between calls
        }
    }

    /** One ${provider:[path:]key} in a value. */
    private record Reference(String text, String provider, String path, String key) {

        /** Why a reference came back unresolved, in words a person can act on. */
        String missing() {
            try {
                return describeMissing();
            } catch (InvalidPathException e) {
                return "'" + path + "' is not a valid path";
            }
        }

        private String describeMissing() {
            return switch (provider) {
                case FILE -> Files.isRegularFile(Path.of(path)) ? "properties file " + path + " has no key '" + key
                        + "'" : "properties file " + path + " does not exist";
                case DIRECTORY -> Files.isDirectory(Path.of(path)) ? "directory " + path + " has no file '" + key
                        + "'" : path + " is not a directory";
                default -> "environment variable " + key + " is not set";
            };
        }

        /** The file a secret is read from, for the permission check. */
        java.util.Optional<Path> file() {
            try {
                return switch (provider) {
                    case FILE -> java.util.Optional.of(Path.of(path));
                    case DIRECTORY -> java.util.Optional.of(Path.of(path, key));
                    default -> java.util.Optional.empty();
                };
            } catch (InvalidPathException e) {
                return java.util.Optional.empty();
            }
        }
    }
}
