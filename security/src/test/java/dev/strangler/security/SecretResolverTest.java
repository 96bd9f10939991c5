package dev.strangler.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretResolverTest {

    private static final String SECRET = "s3cr3t-value";

    @TempDir
    Path dir;

    private final SecretResolver resolver = new SecretResolver(Map.of("DB_PASSWORD", SECRET),
            key -> key.endsWith("password") || key.endsWith("jaas.config"));

    private Path ownerOnly(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    private static Map<String, String> settings(String... keyValues) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put(keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    @Test
    void shouldReadASecretKeysValueFromItsFileWithoutTheTrailingLineBreak() throws Exception {
        Path file = ownerOnly("pw", SECRET + "\n");
        SecretResolver.Resolved r = resolver.resolve(settings("source.password.file", file.toString(),
                "source.user", "app"));
        assertThat(r.settings()).containsEntry("source.password", SECRET).containsEntry("source.user", "app")
                .doesNotContainKey("source.password.file");
        assertThat(r.warnings()).isEmpty();
        assertThat(resolver.resolve(settings("source.password.file", ownerOnly("crlf", SECRET + "\r\n").toString()))
                .settings()).containsEntry("source.password", SECRET);
        assertThat(resolver.resolve(settings("kafka.client.sasl.jaas.config.file",
                ownerOnly("jaas", "a\nb\n").toString())).settings())
                .containsEntry("kafka.client.sasl.jaas.config", "a\nb");
    }

    @Test
    void shouldLeaveTheFileSettingOfAKeyThatIsNotSecretToTheCallersUnknownKeyCheck() {
        assertThat(resolver.resolve(settings("source.user.file", "/nowhere")).settings())
                .containsEntry("source.user.file", "/nowhere").doesNotContainKey("source.user");
    }

    @Test
    void shouldRefuseAKeySetBothWaysAndFilesThatCannotBeRead() throws Exception {
        Path file = ownerOnly("pw", SECRET);
        assertThatThrownBy(() -> resolver.resolve(settings("source.password", "x", "source.password.file",
                file.toString()))).isInstanceOf(SecretException.class)
                .hasMessageContaining("source.password and source.password.file are both set");
        assertThatThrownBy(() -> resolver.resolve(settings("source.password.file", dir.resolve("no").toString())))
                .hasMessageContaining("source.password.file: file " + dir.resolve("no") + " does not exist");
        assertThatThrownBy(() -> resolver.resolve(settings("source.password.file", ownerOnly("e", "\n").toString())))
                .hasMessageContaining("is empty");
        Path binary = dir.resolve("bin");
        Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0});
        assertThatThrownBy(() -> resolver.resolve(settings("source.password.file", binary.toString())))
                .hasMessageContaining("is not UTF-8 text");
        assertThat(resolver.resolve(settings("source.password.file", "", "source.password", "x")).settings())
                .as("an empty .file is unset").containsEntry("source.password", "x");
    }

    @Test
    void shouldWarnWhenOthersMayReadASecretFile() throws Exception {
        Path file = ownerOnly("pw", SECRET);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        SecretResolver.Resolved r = resolver.resolve(settings("source.password.file", file.toString()));
        assertThat(r.warnings()).singleElement().asString()
                .contains("source.password.file", file.toString(), "its group and all users", "rw-r--r--",
                        "chmod 600").doesNotContain(SECRET);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
        assertThat(resolver.resolve(settings("source.password.file", file.toString())).warnings()).singleElement()
                .asString().contains("readable by its group (");
    }

    @Test
    void shouldResolveKafkasConfigProviderReferencesInAnyKey() throws Exception {
        Path props = ownerOnly("secrets.properties", "db.password=" + SECRET + "\nbroker=kafka-1:9093\n");
        Path secrets = Files.createDirectory(dir.resolve("run-secrets"));
        Files.writeString(secrets.resolve("sasl"), "sasl-" + SECRET);
        Files.setPosixFilePermissions(secrets.resolve("sasl"), PosixFilePermissions.fromString("r--------"));
        SecretResolver.Resolved r = resolver.resolve(settings(
                "source.password", "${file:" + props + ":db.password}",
                "kafka.bootstrap.servers", "${file:" + props + ":broker}",
                "kafka.client.sasl.jaas.config", "x password=\"${directory:" + secrets + ":sasl}\";",
                "debezium.database.password", "${env:DB_PASSWORD}"));
        assertThat(r.settings()).containsEntry("source.password", SECRET)
                .containsEntry("kafka.bootstrap.servers", "kafka-1:9093")
                .containsEntry("kafka.client.sasl.jaas.config", "x password=\"sasl-" + SECRET + "\";")
                .containsEntry("debezium.database.password", SECRET);
        assertThat(r.warnings()).isEmpty();
    }

    @Test
    void shouldResolveOnceSoAValueFromAProviderIsNeverReadAsAReference() throws Exception {
        Path props = ownerOnly("p.properties", "pw=${env:DB_PASSWORD}\n");
        assertThat(resolver.resolve(settings("source.password", "${file:" + props + ":pw}")).settings())
                .containsEntry("source.password", "${env:DB_PASSWORD}");
    }

    @Test
    void shouldReadAFileNamedThroughAProvider() throws Exception {
        Path file = ownerOnly("pw", SECRET);
        SecretResolver withPath = new SecretResolver(Map.of("PW_FILE", file.toString()),
                key -> key.endsWith("password"));
        assertThat(withPath.resolve(settings("source.password.file", "${env:PW_FILE}")).settings())
                .containsEntry("source.password", SECRET);
    }

    @Test
    void shouldNameTheKeyAndTheReferenceThatResolveToNothing() throws Exception {
        Path props = ownerOnly("p.properties", "a=1\n");
        assertThatThrownBy(() -> resolver.resolve(settings("source.password", "${env:NOPE}")))
                .isInstanceOf(SecretException.class)
                .hasMessage("source.password: ${env:NOPE} resolves to nothing: environment variable NOPE is not set");
        assertThatThrownBy(() -> resolver.resolve(settings("source.password", "${file:" + props + ":b}")))
                .hasMessageContaining("properties file " + props + " has no key 'b'");
        assertThatThrownBy(() -> resolver.resolve(settings("source.password", "${file:" + dir.resolve("x") + ":b}")))
                .hasMessageContaining("source.password: ${file:" + dir.resolve("x") + ":b}");
        assertThatThrownBy(() -> resolver.resolve(settings("source.password", "${directory:" + dir + ":none}")))
                .hasMessageContaining("directory " + dir + " has no file 'none'");
        assertThatThrownBy(() -> resolver.resolve(settings("source.password", "${vault:secret/db:pw}")))
                .hasMessageContaining("unknown config provider 'vault'");
        assertThatThrownBy(() -> resolver.resolve(settings("source.password", "${env:/x:NAME}")))
                .hasMessageContaining("has a path; write ${env:NAME}");
        assertThatThrownBy(() -> resolver.resolve(settings("source.password", "${file:key}")))
                .hasMessageContaining("names no path");
    }

    @Test
    void shouldWarnAboutAProvidersFileOnlyForSecretKeys() throws Exception {
        Path props = dir.resolve("open.properties");
        Files.writeString(props, "pw=" + SECRET + "\nname=x\n");
        Files.setPosixFilePermissions(props, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThat(resolver.resolve(settings("pipeline.name", "${file:" + props + ":name}")).warnings()).isEmpty();
        assertThat(resolver.resolve(settings("source.password", "${file:" + props + ":pw}")).warnings())
                .singleElement().asString().contains("source.password (${file:" + props + ":pw})",
                        "readable by its group and all users");
    }

    @Test
    void shouldLeaveValuesWithoutReferencesAlone() {
        Map<String, String> plain = settings("a", "x$y", "b", "${not closed", "c", "");
        assertThat(resolver.resolve(plain).settings()).isEqualTo(plain);
    }
}
