package dev.strangler.engine.doctor;

import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.SourceEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whether the pipeline's connections verify who is at the other end, from the configuration alone (no connection):
 * the one to PostgreSQL (the role's password and every captured row cross it) and the ones to Kafka. A server on this
 * machine needs no TLS; any other needs TLS that checks the server's certificate and name, or whoever sits in between
 * can read the rows and, with a weak password exchange, the credentials.
 */
final class TlsChecks {

    static final String SOURCE = "source tls";
    static final String KAFKA = "kafka tls";
    private static final String SOURCE_FIX = "add sslmode=verify-full&sslrootcert=/path/to/ca.pem to source.url, "
            + "with the certificate of the CA that signed the server's (README 'Security')";
    private static final String NON_VALIDATING_FACTORY = "org.postgresql.ssl.NonValidatingFactory";

    private TlsChecks() {
    }

    static Check source(PipelineConfig config) {
        SourceEndpoint endpoint = config.source().endpoint();
        Map<String, String> params = endpoint.parameters();
        String mode = sslMode(params);
        String host = endpoint.host();
        if (isLocal(host)) {
            return Check.pass(SOURCE, host + " is this machine: nothing crosses a network (sslmode=" + mode + ")");
        }
        String factory = params.getOrDefault("sslfactory", "");
        if (factory.equals(NON_VALIDATING_FACTORY)) {
            return Check.warn(SOURCE, "source.url sets sslfactory=" + factory + ", which accepts any certificate: "
                    + "whoever sits between this host and " + host + " can pose as the server", "remove sslfactory "
                    + "from source.url and " + SOURCE_FIX);
        }
        if (!mode.equals("verify-full")) {
            return Check.warn(SOURCE, "source.url connects to " + host + " with sslmode=" + mode + ": "
                    + meaning(mode), SOURCE_FIX);
        }
        String rootCert = params.get("sslrootcert");
        if (rootCert == null) {
            Path defaultRoot = Path.of(System.getProperty("user.home"), ".postgresql", "root.crt");
            if (Files.isReadable(defaultRoot)) {
                return Check.pass(SOURCE, "sslmode=verify-full: the server's certificate and name are verified "
                        + "against " + defaultRoot + " (the driver's default; sslrootcert in source.url says which "
                        + "CA explicitly)");
            }
            return Check.warn(SOURCE, "sslmode=verify-full without sslrootcert: the driver looks for " + defaultRoot
                    + ", which does not exist, so it cannot verify " + host, SOURCE_FIX);
        }
        if (!Files.isReadable(Path.of(rootCert))) {
            return Check.warn(SOURCE, "sslrootcert " + rootCert + " is not a readable file, so the server cannot be "
                    + "verified", "point sslrootcert in source.url at the CA certificate (PEM) that signed the "
                    + "server's certificate");
        }
        return Check.pass(SOURCE, "sslmode=verify-full: the server's certificate is verified against " + rootCert
                + " and must name " + host);
    }

    /** PgJDBC's effective mode: sslmode, else ssl=true means verify-full, else the driver's default, prefer. */
    static String sslMode(Map<String, String> params) {
        String mode = params.get("sslmode");
        if (mode != null && !mode.isBlank()) {
            return mode.trim().toLowerCase(Locale.ROOT);
        }
        String ssl = params.get("ssl");
        return ssl != null && !ssl.equalsIgnoreCase("false") ? "verify-full" : "prefer";
    }

    private static String meaning(String mode) {
        return switch (mode) {
            case "disable" -> "no TLS at all: the role's password exchange and every captured row cross the network "
                    + "in clear";
            case "allow", "prefer" -> "TLS only if the server offers it, and the server is never verified: whoever "
                    + "sits in between can turn TLS off or pose as the server";
            case "require" -> "encrypted, but the server is not verified: whoever sits in between can pose as the "
                    + "server and read everything";
            case "verify-ca" -> "the certificate is checked against the CA but not the host name: any server with a "
                    + "certificate from the same CA can pose as this one";
            default -> "not a mode the driver knows (disable, allow, prefer, require, verify-ca, verify-full)";
        };
    }

    static Check kafka(PipelineConfig.Kafka kafka) {
        Map<String, String> client = kafka.clientOverrides();
        String protocol = client.getOrDefault("security.protocol", "PLAINTEXT").trim().toUpperCase(Locale.ROOT);
        List<String> hosts = Arrays.stream(kafka.bootstrapServers().split(",")).map(String::trim)
                .map(TlsChecks::hostOf).toList();
        boolean local = hosts.stream().allMatch(TlsChecks::isLocal);
        boolean tls = protocol.equals("SSL") || protocol.equals("SASL_SSL");
        if (tls) {
            String identification = client.get("ssl.endpoint.identification.algorithm");
            if (identification != null && identification.isBlank() && !local) {
                return Check.warn(KAFKA, protocol + " without host name verification "
                        + "(kafka.client.ssl.endpoint.identification.algorithm is empty): any broker certificate from "
                        + "a trusted CA is accepted for any host", "remove kafka.client.ssl.endpoint.identification"
                        + ".algorithm (Kafka's default, https, verifies the name)");
            }
            return Check.pass(KAFKA, protocol + ": the brokers' certificates are verified"
                    + (client.containsKey("ssl.truststore.location") ? " against "
                    + client.get("ssl.truststore.location") : " against the JVM's default trust store"));
        }
        if (local) {
            return Check.pass(KAFKA, "brokers on this machine (" + String.join(", ", hosts) + "): nothing crosses a "
                    + "network (" + protocol + ")");
        }
        return Check.warn(KAFKA, "kafka.client.security.protocol is " + protocol + ": every event (every captured "
                + "row)" + (protocol.startsWith("SASL") ? " and the SASL exchange" : "") + " crosses the network to "
                + String.join(", ", hosts) + " unencrypted", "set kafka.client.security.protocol=SASL_SSL (or SSL) "
                + "and kafka.client.ssl.truststore.location to the CA of the brokers' certificates (README "
                + "'Security')");
    }

    private static String hostOf(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** This machine, by name or loopback address (never resolved: a name's address may change). */
    static boolean isLocal(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        h = h.toLowerCase(Locale.ROOT);
        return h.equals("localhost") || h.startsWith("127.") || h.equals("::1") || h.equals("0:0:0:0:0:0:0:1");
    }
}
