package dev.strangler.cli.dba;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.strangler.cli.StranglerCommand;
import dev.strangler.contract.TableId;
import dev.strangler.engine.config.ConfigKey;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineConfigLoader;
import dev.strangler.engine.config.PipelineKeys;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import picocli.CommandLine;

/**
 * compose/ checked without a Docker engine (none runs here or in CI): the YAML parses, every service has its image,
 * environment, health check and (for the stateful ones) a named volume and ports; every ${VAR} is set in .env;
 * every mounted file exists; the mounted pipeline config passes Strangler's own validation with only documented
 * keys; and the names the DBA init script uses agree with that config.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComposeStackTest {

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z0-9_]+)(:-[^}]*)?}");

    private Path compose;
    private String yamlText;
    private JsonNode yaml;
    private Map<String, String> dotEnv;

    @BeforeAll
    void load() throws IOException {
        compose = Path.of("..", "compose").toAbsolutePath().normalize(); // tests run in the cli module
        yamlText = Files.readString(compose.resolve("docker-compose.yml"));
        yaml = new ObjectMapper(new YAMLFactory()).readTree(yamlText);
        Properties env = new Properties();
        try (Reader r = Files.newBufferedReader(compose.resolve(".env"), StandardCharsets.UTF_8)) {
            env.load(r);
        }
        dotEnv = new HashMap<>();
        env.stringPropertyNames().forEach(k -> dotEnv.put(k, env.getProperty(k)));
    }

    private JsonNode service(String name) {
        JsonNode service = yaml.path("services").path(name);
        assertThat(service.isMissingNode()).as("service %s", name).isFalse();
        return service;
    }

    /** A value as docker compose would substitute it from .env. */
    private String resolved(String value) {
        Matcher m = VARIABLE.matcher(value);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String v = dotEnv.get(m.group(1));
            if (v == null && m.group(2) != null) {
                v = m.group(2).substring(2);
            }
            m.appendReplacement(b, Matcher.quoteReplacement(String.valueOf(v)));
        }
        m.appendTail(b);
        return b.toString();
    }

    private Map<String, String> environment(String service) {
        Map<String, String> env = new HashMap<>();
        service(service).path("environment").fields().forEachRemaining(e -> env.put(e.getKey(),
                resolved(e.getValue().asText())));
        return env;
    }

    @Test
    void everyServiceHasImageEnvironmentHealthCheckAndTheStatefulOnesPortsAndANamedVolume() {
        assertThat(yaml.path("services").fieldNames()).toIterable()
                .containsExactlyInAnyOrder("postgres", "kafka", "strangler", "prometheus", "grafana");
        for (String name : List.of("postgres", "kafka", "strangler", "prometheus", "grafana")) {
            JsonNode s = service(name);
            assertThat(s.path("image").asText()).as("%s image", name).isNotBlank();
            assertThat(s.path("environment").size()).as("%s environment", name).isPositive();
            assertThat(s.path("healthcheck").path("test").size()).as("%s healthcheck", name).isPositive();
        }
        assertThat(resolved(service("postgres").path("image").asText())).isEqualTo("postgres:17");
        assertThat(resolved(service("kafka").path("image").asText()))
                .as("the official image of the Kafka version the pipeline is built against")
                .isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
        assertThat(service("strangler").path("build").path("dockerfile").asText()).isEqualTo(
                "compose/strangler.Dockerfile");
        for (String stateful : List.of("postgres", "kafka", "prometheus", "grafana")) {
            assertThat(service(stateful).path("ports").size()).as("%s ports", stateful).isPositive();
            String volume = service(stateful).path("volumes").get(0).asText();
            String named = volume.substring(0, volume.indexOf(':'));
            assertThat(yaml.path("volumes").has(named)).as("named volume %s declared", named).isTrue();
        }
        assertThat(service("postgres").path("volumes").get(0).asText()).endsWith(":/var/lib/postgresql/data");
        assertThat(service("kafka").path("volumes").get(0).asText()).endsWith(":/var/lib/kafka/data");
        assertThat(environment("kafka")).containsEntry("KAFKA_LOG_DIRS", "/var/lib/kafka/data")
                .containsEntry("KAFKA_PROCESS_ROLES", "broker,controller");
        assertThat(service("postgres").path("command").toString()).contains("wal_level=logical");
        assertThat(service("strangler").path("depends_on").path("postgres").path("condition").asText())
                .isEqualTo("service_healthy");
        assertThat(service("strangler").path("depends_on").path("kafka").path("condition").asText())
                .isEqualTo("service_healthy");
    }

    @Test
    void everyVariableIsSetInDotEnvAndEveryMountExists() throws IOException {
        Matcher m = VARIABLE.matcher(yamlText);
        while (m.find()) {
            assertThat(m.group(2) != null || dotEnv.containsKey(m.group(1))).as("${%s} set in .env", m.group(1))
                    .isTrue();
        }
        for (String name : List.of("postgres", "kafka", "strangler", "prometheus", "grafana")) {
            for (JsonNode volume : service(name).path("volumes")) {
                String source = volume.asText().substring(0, volume.asText().indexOf(':'));
                if (source.startsWith(".")) {
                    assertThat(compose.resolve(source).normalize()).as("%s mounts %s", name, source).exists();
                }
            }
        }
        assertThat(compose.resolve("strangler.Dockerfile")).content().contains("-pl cli -am package",
                "COPY --from=build /src/cli/target/strangler.jar /opt/strangler/strangler.jar",
                "ENTRYPOINT [\"java\", \"-jar\", \"/opt/strangler/strangler.jar\"]");
        assertThat(Files.readAllLines(compose.resolve("strangler.Dockerfile")).stream()
                .filter(line -> !line.startsWith("#")))
                .as("the image builds and ships the production jar, never the demo's")
                .noneMatch(line -> line.contains("demo"));
        assertThat(compose.resolve("README.md")).exists();
    }

    @Test
    void theMountedConfigPassesStranglersOwnValidationWithDocumentedKeysOnly() throws IOException {
        PipelineConfig config = mountedConfig();
        assertThat(config.source().endpoint().host()).isEqualTo("postgres");
        assertThat(config.source().endpoint().port()).isEqualTo(5432);
        assertThat(config.source().endpoint().database()).isEqualTo(environment("postgres").get("POSTGRES_DB"));
        assertThat(config.kafka().bootstrapServers()).isEqualTo("kafka:9092");
        assertThat(environment("kafka").get("KAFKA_ADVERTISED_LISTENERS")).contains("//kafka:9092");
        assertThat(config.source().password().reveal()).isEqualTo(dotEnv.get("STRANGLER_SOURCE_PASSWORD"));

        Properties file = new Properties();
        try (Reader r = Files.newBufferedReader(compose.resolve("pipeline.properties"))) {
            file.load(r);
        }
        List<String> documented = PipelineKeys.ALL.stream().map(ConfigKey::name).toList();
        assertThat(documented).containsAll(file.stringPropertyNames());
        for (String variable : environment("strangler").keySet()) {
            assertThat(PipelineKeys.ALL.stream().map(ConfigKey::environmentVariable).toList())
                    .as("%s overrides a documented key", variable).contains(variable);
        }
    }

    @Test
    void theDbaInitScriptCreatesWhatTheConfigExpects() throws IOException {
        PipelineConfig config = mountedConfig();
        Map<String, String> pg = environment("postgres");
        assertThat(pg.get("STRANGLER_ROLE")).isEqualTo(config.source().user());
        assertThat(pg.get("STRANGLER_ROLE_PASSWORD")).isEqualTo(config.source().password().reveal());
        assertThat(pg.get("STRANGLER_PUBLICATION")).isEqualTo(config.source().publication());
        assertThat(pg.get("STRANGLER_TABLES")).isEqualTo(
                config.capturedTables().stream().map(TableId::toString).collect(Collectors.joining(",")));

        String init = Files.readString(compose.resolve("postgres-init/00_strangler.sh"));
        Matcher scripts = Pattern.compile("/strangler/sql/(dba|demo)/([0-9A-Za-z_]+\\.sql)").matcher(init);
        List<String> used = new ArrayList<>();
        while (scripts.find()) {
            assertThat(compose.resolve("../sql/" + scripts.group(1) + "/" + scripts.group(2)).normalize()).exists();
            used.add(scripts.group(2));
        }
        assertThat(used).contains("01_enable_logical_decoding.sql", "02_pipeline_role.sql", "03_publication.sql");
        for (String variable : List.of("STRANGLER_ROLE", "STRANGLER_ROLE_PASSWORD", "STRANGLER_TABLES",
                "STRANGLER_PUBLICATION", "STRANGLER_SLOT_WAL_KEEP_SIZE")) {
            assertThat(init).contains("\"$" + variable + "\"");
            assertThat(pg).containsKey(variable);
        }
        assertThat(Files.isExecutable(compose.resolve("postgres-init/00_strangler.sh"))).isTrue();
    }

    @Test
    void theStranglerCommandIsAValidCommandLineAndItsHealthCheckAsksTheReadinessEndpoint() {
        List<String> run = new ArrayList<>();
        service("strangler").path("command").forEach(n -> run.add(n.asText()));
        List<String> health = new ArrayList<>();
        service("strangler").path("healthcheck").path("test").forEach(n -> health.add(n.asText()));
        String mounted = service("strangler").path("volumes").get(0).asText().split(":")[1];
        assertThat(run).containsExactly("run", "--config", mounted);
        StranglerCommand.newCommandLine().parseArgs(run.toArray(String[]::new));

        // no second JVM: bash asks GET /health/ready on the port the mounted config serves, inside the container
        int port = mountedConfig().operations().httpPort();
        assertThat(mountedConfig().operations().httpEnabled()).isTrue();
        assertThat(health.subList(0, 3)).containsExactly("CMD", "bash", "-c");
        assertThat(String.join(" ", health)).doesNotContain("java").contains("/dev/tcp/127.0.0.1/" + port)
                .contains("GET /health/ready HTTP/1.0").contains("grep -q ' 200 '");
        assertThat(service("strangler").path("ports").get(0).asText()).endsWith(":" + port);
    }

    @Test
    void prometheusScrapesTheEndpointAndLoadsTheAlertRules() throws IOException {
        JsonNode prometheus = new ObjectMapper(new YAMLFactory()).readTree(compose.resolve("prometheus/prometheus.yml")
                .toFile());
        JsonNode job = prometheus.path("scrape_configs").get(0);
        assertThat(job.path("job_name").asText()).as("the job the alert rules' up{job=...} names")
                .isEqualTo("strangler");
        assertThat(job.path("metrics_path").asText()).isEqualTo("/metrics");
        assertThat(job.path("static_configs").get(0).path("targets").get(0).asText())
                .isEqualTo("strangler:" + mountedConfig().operations().httpPort());
        List<String> mounts = new ArrayList<>();
        service("prometheus").path("volumes").forEach(v -> mounts.add(v.asText()));
        String ruleFile = prometheus.path("rule_files").get(0).asText();
        assertThat(mounts).anyMatch(m -> m.startsWith("./prometheus/alerts.yml:" + ruleFile));

        JsonNode alerts = new ObjectMapper(new YAMLFactory()).readTree(compose.resolve("prometheus/alerts.yml")
                .toFile());
        List<String> names = new ArrayList<>();
        for (JsonNode rule : alerts.path("groups").get(0).path("rules")) {
            names.add(rule.path("alert").asText());
            assertThat(rule.path("expr").asText()).as(rule.toString()).isNotBlank();
            assertThat(rule.path("labels").path("severity").asText()).isIn("warning", "critical");
            assertThat(rule.path("annotations").path("summary").asText()).isNotBlank();
            if (rule.has("for")) {
                assertThat(rule.path("for").asText()).matches("\\d+[smh]");
            }
        }
        // what the issue asks the rules to cover (OperationsIT checks every metric and label they use is served)
        assertThat(names).contains("StranglerSlotRetainedWalHigh", "StranglerSlotWalStatusNotReserved",
                "StranglerLagHigh", "StranglerPipelineDown", "StranglerNotReady");
        assertThat(alerts.toString()).contains("strangler_slot_max_wal_keep_size_bytes")
                .contains("strangler_slot_wal_status{status=\\\"reserved\\\"}");
    }

    @Test
    void grafanaProvisionsPrometheusAndTheDashboard() throws IOException {
        ObjectMapper yamlMapper = new ObjectMapper(new YAMLFactory());
        JsonNode datasource = yamlMapper.readTree(compose.resolve("grafana/provisioning/datasources/prometheus.yml")
                .toFile()).path("datasources").get(0);
        assertThat(datasource.path("url").asText()).isEqualTo("http://prometheus:9090");
        JsonNode provider = yamlMapper.readTree(compose.resolve("grafana/provisioning/dashboards/strangler.yml")
                .toFile()).path("providers").get(0);
        List<String> mounts = new ArrayList<>();
        service("grafana").path("volumes").forEach(v -> mounts.add(v.asText()));
        assertThat(mounts).contains("./grafana/dashboards:" + provider.path("options").path("path").asText() + ":ro",
                "./grafana/provisioning:/etc/grafana/provisioning:ro");

        JsonNode dashboard = new ObjectMapper().readTree(compose.resolve("grafana/dashboards/strangler.json")
                .toFile());
        assertThat(dashboard.path("uid").asText()).isNotBlank();
        List<Integer> ids = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            ids.add(panel.path("id").asInt());
            assertThat(panel.path("datasource").path("uid").asText()).as(panel.path("title").asText())
                    .isEqualTo(datasource.path("uid").asText());
            assertThat(panel.path("targets").size()).as(panel.path("title").asText()).isPositive();
            panel.path("targets").forEach(t -> assertThat(t.path("expr").asText()).isNotBlank());
        }
        assertThat(ids).doesNotHaveDuplicates().hasSizeGreaterThan(10);
    }

    private PipelineConfig mountedConfig() {
        return new PipelineConfigLoader(environment("strangler")).load(compose.resolve("pipeline.properties"));
    }
}
