package dev.strangler.engine.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the pipeline's secrets may come from, and what the configuration refuses so that none leaks. */
class SecureConfigTest {

    private static final String PASSWORD = "pw-7c1f-secure-config";
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"strangler\" password=\"sasl-9d2e-secure-config\";";

    @TempDir
    Path dir;

    private static Map<String, String> minimal() {
        Map<String, String> m = new HashMap<>();
        m.put("source.url", "jdbc:postgresql://db.internal:6543/legacy?sslmode=verify-full");
        m.put("source.user", "strangler");
        m.put("source.tables", "public.orders");
        m.put("kafka.bootstrap.servers", "k1:9093");
        return m;
    }

    private Path secretFile(String name, String content, String mode) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
        return file;
    }

    @Test
    void shouldReadThePasswordAndPassThroughSecretsFromFiles() throws Exception {
        Map<String, String> m = minimal();
        m.put("source.password.file", secretFile("pw", PASSWORD + "\n", "r--------").toString());
        m.put("kafka.client.security.protocol", "SASL_SSL");
        m.put("kafka.client.sasl.jaas.config.file", secretFile("jaas", JAAS, "rw-------").toString());
        PipelineConfig c = new PipelineConfigLoader(Map.of()).fromMap(m);
        assertThat(c.source().password().reveal()).isEqualTo(PASSWORD);
        assertThat(c.kafka().clientOverrides()).containsEntry("sasl.jaas.config", JAAS)
                .doesNotContainKey("sasl.jaas.config.file");
        assertThat(c.warnings()).isEmpty();
    }

    @Test
    void shouldTakeTheFileFromTheEnvironmentAndWarnWhenOthersCanReadIt() throws Exception {
        Path file = secretFile("pw", PASSWORD, "rw-r--r--");
        PipelineConfig c = new PipelineConfigLoader(Map.of("STRANGLER_SOURCE_PASSWORD_FILE", file.toString()))
                .fromMap(minimal());
        assertThat(c.source().password().reveal()).isEqualTo(PASSWORD);
        assertThat(c.warnings()).singleElement().asString().contains("source.password.file", "chmod 600")
                .doesNotContain(PASSWORD);
    }

    @Test
    void shouldResolveConfigProviderReferencesInAnyKey() throws Exception {
        Path props = secretFile("secrets.properties", "db.password=" + PASSWORD + "\nprefix=billing\n", "rw-------");
        Map<String, String> m = minimal();
        m.put("source.password", "${file:" + props + ":db.password}");
        m.put("topic.prefix", "${file:" + props + ":prefix}");
        m.put("kafka.client.sasl.jaas.config", "${env:KAFKA_JAAS}");
        PipelineConfig c = new PipelineConfigLoader(Map.of("KAFKA_JAAS", JAAS)).fromMap(m);
        assertThat(c.source().password().reveal()).isEqualTo(PASSWORD);
        assertThat(c.kafka().topicPrefix()).isEqualTo("billing");
        assertThat(c.kafka().clientOverrides()).containsEntry("sasl.jaas.config", JAAS);
    }

    @Test
    void shouldRefuseASecretSetTwiceOrAReferenceThatResolvesToNothing() throws Exception {
        Map<String, String> m = minimal();
        m.put("source.password.file", secretFile("pw", PASSWORD, "rw-------").toString());
        assertThatThrownBy(() -> new PipelineConfigLoader(Map.of("STRANGLER_SOURCE_PASSWORD", "x")).fromMap(m))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("source.password and source.password.file are both set");
        Map<String, String> ref = minimal();
        ref.put("source.password", "${env:DB_PW}");
        assertThatThrownBy(() -> new PipelineConfigLoader(Map.of()).fromMap(ref))
                .isInstanceOf(ConfigException.class)
                .hasMessage("source.password: ${env:DB_PW} resolves to nothing: environment variable DB_PW is not set");
    }

    @Test
    void shouldRefuseAFileSettingForAKeyThatIsNoSecret() {
        Map<String, String> m = minimal();
        m.put("source.user.file", "/etc/user");
        assertThatThrownBy(() -> new PipelineConfigLoader(Map.of()).fromMap(m))
                .hasMessageContaining("unknown config key 'source.user.file'");
    }

    @Test
    void shouldRefuseCredentialsInTheUrlNamingTheKeyToUseWithoutEchoingThem() {
        Map<String, String> m = minimal();
        m.put("source.url", "jdbc:postgresql://db:5432/legacy?sslmode=verify-full&password=" + PASSWORD);
        assertThatThrownBy(() -> new PipelineConfigLoader(Map.of()).fromMap(m))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("source.url: the URL carries password as a query parameter")
                .hasMessageContaining("set source.password (or source.password.file, STRANGLER_SOURCE_PASSWORD)")
                .message().doesNotContain(PASSWORD);
        m.put("source.url", "jdbc:postgresql://db:5432/legacy?user=app&Password=" + PASSWORD);
        assertThatThrownBy(() -> new PipelineConfigLoader(Map.of()).fromMap(m))
                .hasMessageContaining("carries user and Password").hasMessageContaining("set source.user and "
                        + "source.password").message().doesNotContain(PASSWORD);
        m.put("source.url", "jdbc:postgresql://app:" + PASSWORD + "@db:5432/legacy");
        assertThatThrownBy(() -> new PipelineConfigLoader(Map.of()).fromMap(m))
                .hasMessageContaining("names credentials before the host").message().doesNotContain(PASSWORD);
        m.put("source.url", "jdbc:mysql://db/legacy?sslpassword=" + PASSWORD);
        assertThatThrownBy(() -> new PipelineConfigLoader(Map.of()).fromMap(m))
                .hasMessageContaining("'jdbc:mysql://db/legacy?...' is not a PostgreSQL JDBC URL")
                .message().doesNotContain(PASSWORD);
    }

    @Test
    void shouldHandTheDriverTheUrlsParametersDecoded() {
        Map<String, String> m = minimal();
        m.put("source.url", "jdbc:postgresql://db:5432/legacy?sslmode=verify-full&sslrootcert=%2Fetc%2Fca%20dir%2Fca.pem");
        SourceEndpoint endpoint = new PipelineConfigLoader(Map.of()).fromMap(m).source().endpoint();
        assertThat(endpoint.parameters()).containsEntry("sslrootcert", "/etc/ca dir/ca.pem");
        assertThat(endpoint.redacted()).isEqualTo("jdbc:postgresql://db:5432/legacy?...");
    }

    @Test
    void shouldAcceptRoleNamesPostgresAndCloudsUseAndRefuseOnesThatCouldEndACommentOrAString() {
        for (String ok : new String[] {"strangler", "Strangler_App", "app$1", "strangler@billing-db", "svc.cdc-1"}) {
            Map<String, String> m = minimal();
            m.put("source.user", ok);
            assertThat(new PipelineConfigLoader(Map.of()).fromMap(m).source().user()).isEqualTo(ok);
        }
        for (String bad : new String[] {"app\nDROP ROLE x", "app'--", "app\"", "app;", "1app", "a b", "x".repeat(64)}) {
            Map<String, String> m = minimal();
            m.put("source.user", bad);
            assertThatThrownBy(() -> new PipelineConfigLoader(Map.of()).fromMap(m)).as(bad)
                    .isInstanceOf(ConfigException.class).hasMessageContaining("source.user: '")
                    .hasMessageContaining("is not allowed").message().doesNotContain("\n");
        }
    }

    @Test
    void shouldRefuseAnOffsetsFileWithAControlCharacter() {
        Map<String, String> m = minimal();
        m.put("offsets.storage", "file");
        m.put("offsets.file", "./x\n.offsets");
        assertThatThrownBy(() -> new PipelineConfigLoader(Map.of()).fromMap(m))
                .hasMessage("offsets.file: './x\\u000a.offsets' contains a control character");
    }

    @Test
    void shouldMaskSecretPassThroughSettingsWhenTheConfigIsPrinted() throws Exception {
        Map<String, String> m = minimal();
        m.put("source.password", PASSWORD);
        m.put("kafka.client.sasl.jaas.config", JAAS);
        m.put("kafka.client.ssl.truststore.password", PASSWORD);
        m.put("kafka.producer.linger.ms", "7");
        m.put("debezium.database.sslpassword", PASSWORD);
        PipelineConfig c = new PipelineConfigLoader(Map.of()).fromMap(m);
        assertThat(c.toString()).doesNotContain(PASSWORD).doesNotContain("sasl-9d2e").contains("linger.ms=7")
                .contains("sasl.jaas.config=********");
        assertThat(c.kafka().toString()).doesNotContain("sasl-9d2e");
    }

    @Test
    void shouldCallSecretOnlyDeclaredSecretsAndPassThroughKeysThatLookSecret() {
        assertThat(PipelineKeys.isSecret("source.password")).isTrue();
        assertThat(PipelineKeys.isSecret("kafka.client.sasl.jaas.config")).isTrue();
        assertThat(PipelineKeys.isSecret("kafka.client.ssl.keystore.password")).isTrue();
        assertThat(PipelineKeys.isSecret("source.user")).isFalse();
        assertThat(PipelineKeys.isSecret("source.password.file")).isFalse();
        assertThat(PipelineKeys.isSecret("password")).isFalse();
    }
}
