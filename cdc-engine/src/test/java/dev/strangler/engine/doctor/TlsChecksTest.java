package dev.strangler.engine.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsChecksTest {

    @TempDir
    Path dir;

    private static PipelineConfig config(String url, String bootstrap, String... clientSettings) {
        Map<String, String> m = new HashMap<>();
        m.put("source.url", url);
        m.put("source.user", "strangler");
        m.put("source.tables", "shop.orders");
        m.put("kafka.bootstrap.servers", bootstrap);
        for (int i = 0; i < clientSettings.length; i += 2) {
            m.put("kafka.client." + clientSettings[i], clientSettings[i + 1]);
        }
        return new PipelineConfigLoader(Map.of()).fromMap(m);
    }

    private static Check source(String url) {
        return TlsChecks.source(config(url, "localhost:9092"));
    }

    @Test
    void shouldPassAServerOnThisMachineWhateverTheMode() {
        for (String host : new String[] {"localhost", "127.0.0.1", "127.1.2.3", "[::1]"}) {
            Check check = source("jdbc:postgresql://" + host + ":5432/legacy");
            assertThat(check.status()).as(host).isEqualTo(Status.PASS);
            assertThat(check.detail()).contains("this machine", "sslmode=prefer");
        }
    }

    @Test
    void shouldWarnARemoteServerWithoutVerifyFullWithTheFix() {
        for (String mode : new String[] {"disable", "allow", "prefer", "require", "verify-ca"}) {
            Check check = source("jdbc:postgresql://db.internal:5432/legacy?sslmode=" + mode);
            assertThat(check.status()).as(mode).isEqualTo(Status.WARN);
            assertThat(check.detail()).contains("db.internal", "sslmode=" + mode);
            assertThat(check.fix()).contains("sslmode=verify-full&sslrootcert=");
        }
        assertThat(source("jdbc:postgresql://db.internal/legacy").detail()).as("the driver's default")
                .contains("sslmode=prefer", "never verified");
        assertThat(source("jdbc:postgresql://db.internal/legacy?sslmode=require").detail())
                .contains("the server is not verified");
    }

    @Test
    void shouldPassVerifyFullWithAReadableRootCertificate() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        Check check = source("jdbc:postgresql://db.internal/legacy?sslmode=verify-full&sslrootcert=" + ca);
        assertThat(check.status()).isEqualTo(Status.PASS);
        assertThat(check.detail()).contains("verified against " + ca, "must name db.internal");
        assertThat(source("jdbc:postgresql://db.internal/legacy?ssl=true&sslrootcert=" + ca).status())
                .as("ssl=true alone is verify-full in PgJDBC").isEqualTo(Status.PASS);
        Check missing = source("jdbc:postgresql://db.internal/legacy?sslmode=verify-full&sslrootcert="
                + dir.resolve("nope.pem"));
        assertThat(missing.status()).isEqualTo(Status.WARN);
        assertThat(missing.detail()).contains("is not a readable file");
    }

    @Test
    void shouldWarnAFactoryThatAcceptsAnyCertificate() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        Check check = source("jdbc:postgresql://db.internal/legacy?sslmode=verify-full&sslrootcert=" + ca
                + "&sslfactory=org.postgresql.ssl.NonValidatingFactory");
        assertThat(check.status()).isEqualTo(Status.WARN);
        assertThat(check.fix()).contains("remove sslfactory");
    }

    @Test
    void shouldWarnKafkaInTheClearOverANetworkAndPassTlsThatVerifies() {
        Check plain = TlsChecks.kafka(config("jdbc:postgresql://localhost/x", "kafka-1.internal:9092").kafka());
        assertThat(plain.status()).isEqualTo(Status.WARN);
        assertThat(plain.detail()).contains("PLAINTEXT", "unencrypted", "kafka-1.internal");
        assertThat(plain.fix()).contains("kafka.client.security.protocol=SASL_SSL");
        Check saslPlain = TlsChecks.kafka(config("jdbc:postgresql://localhost/x", "kafka-1.internal:9092",
                "security.protocol", "SASL_PLAINTEXT").kafka());
        assertThat(saslPlain.detail()).contains("and the SASL exchange");
        assertThat(TlsChecks.kafka(config("jdbc:postgresql://localhost/x", "127.0.0.1:9092").kafka()).status())
                .isEqualTo(Status.PASS);
        Check tls = TlsChecks.kafka(config("jdbc:postgresql://localhost/x", "kafka-1.internal:9093",
                "security.protocol", "SASL_SSL", "ssl.truststore.type", "PEM", "ssl.truststore.location",
                "/etc/kafka-ca.pem").kafka());
        assertThat(tls.status()).isEqualTo(Status.PASS);
        assertThat(tls.detail()).contains("SASL_SSL", "/etc/kafka-ca.pem");
        Check noNames = TlsChecks.kafka(config("jdbc:postgresql://localhost/x", "kafka-1.internal:9093",
                "security.protocol", "SSL", "ssl.endpoint.identification.algorithm", "").kafka());
        assertThat(noNames.status()).isEqualTo(Status.WARN);
        assertThat(noNames.fix()).contains("remove kafka.client.ssl.endpoint.identification.algorithm");
    }
}
