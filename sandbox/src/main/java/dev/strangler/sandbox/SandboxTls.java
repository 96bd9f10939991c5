package dev.strangler.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away certificate authority and a broker certificate it signed, made with the JDK's own {@code keytool} the
 * way an operator would make them: a CA key pair, a broker key pair, the broker's certificate request signed by the
 * CA (named {@code localhost} and {@code 127.0.0.1}, so clients verify the host name), the broker's key store with the
 * whole chain, and a trust store for clients in two forms (PEM, PKCS12).
 *
 * <p>Why it exists: the TLS example in the README is tested for real against {@link SandboxKafka}'s SASL_SSL
 * listener, without certificates checked into the repository. Valid for two days; every file lives in the directory
 * given, which the caller deletes.
 *
 * @param caCertificate      the CA's certificate, PEM: a client's {@code ssl.truststore.type=PEM} trust store
 * @param trustStore         the same certificate in a PKCS12 trust store
 * @param trustStorePassword the PKCS12 trust store's password
 * @param brokerKeyStore     the broker's PKCS12 key store: its key and the chain up to the CA
 * @param keyStorePassword   the broker key store's (and key's) password
 */
public record SandboxTls(Path caCertificate, Path trustStore, String trustStorePassword, Path brokerKeyStore,
                         String keyStorePassword) {

    private static final String VALIDITY_DAYS = "2";

    /** Generates a fresh CA and broker certificate into {@code directory} (created if missing). */
    public static SandboxTls generate(Path directory) {
        try {
            Files.createDirectories(directory);
            String caPassword = UUID.randomUUID().toString();
            String keyPassword = UUID.randomUUID().toString();
            String trustPassword = UUID.randomUUID().toString();
            Path caStore = directory.resolve("ca.p12");
            Path caPem = directory.resolve("ca.pem");
            Path broker = directory.resolve("broker.p12");
            Path request = directory.resolve("broker.csr");
            Path signed = directory.resolve("broker.pem");
            Path trust = directory.resolve("truststore.p12");
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=Strangler Sandbox CA", "-ext", "bc:c", "-validity", VALIDITY_DAYS,
                    "-keystore", caStore.toString(), "-storetype", "PKCS12", "-storepass", caPassword);
            keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-storepass", caPassword,
                    "-file", caPem.toString());
            keytool("-genkeypair", "-alias", "broker", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=localhost", "-validity", VALIDITY_DAYS, "-keystore", broker.toString(),
                    "-storetype", "PKCS12", "-storepass", keyPassword);
            keytool("-certreq", "-alias", "broker", "-keystore", broker.toString(), "-storepass", keyPassword,
                    "-file", request.toString());
            keytool("-gencert", "-alias", "ca", "-keystore", caStore.toString(), "-storepass", caPassword,
                    "-infile", request.toString(), "-outfile", signed.toString(), "-rfc", "-validity", VALIDITY_DAYS,
                    "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-ext", "EKU=serverAuth");
            keytool("-importcert", "-noprompt", "-alias", "ca", "-keystore", broker.toString(), "-storepass",
                    keyPassword, "-file", caPem.toString());
            keytool("-importcert", "-alias", "broker", "-keystore", broker.toString(), "-storepass", keyPassword,
                    "-file", signed.toString());
            keytool("-importcert", "-noprompt", "-alias", "ca", "-keystore", trust.toString(), "-storetype",
                    "PKCS12", "-storepass", trustPassword, "-file", caPem.toString());
            Files.delete(request);
            return new SandboxTls(caPem, trust, trustPassword, broker, keyPassword);
        } catch (IOException e) {
            throw new IllegalStateException("could not generate TLS material in " + directory, e);
        }
    }

    private static void keytool(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            byte[] output = p.getInputStream().readAllBytes();
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("keytool " + args[0] + " failed: "
                        + new String(output, StandardCharsets.UTF_8).trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running keytool " + args[0], e);
        }
    }

    @Override
    public String toString() {
        return "SandboxTls[" + caCertificate + "]"; // never the passwords
    }
}
