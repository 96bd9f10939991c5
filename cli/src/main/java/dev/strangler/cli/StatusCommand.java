package dev.strangler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strangler.cli.ops.OfflineStatus;
import dev.strangler.cli.ops.StatusJson;
import dev.strangler.cli.ops.StatusText;
import dev.strangler.engine.config.PipelineConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show the pipeline's status: state (starting, snapshotting with %, streaming, waiting for "
                + "Kafka or PostgreSQL, standby, failed with the last error), slot, position, lag, uptime, versions.",
            "Asks the running pipeline's HTTP endpoint (/status); when it does not answer, reads what PostgreSQL "
                + "(slot, heartbeat, the instance holding the pipeline's lock) and Kafka (the stored position) say.",
            "Exit code: 0 when the status was read, 1 when the pipeline failed or its slot is lost, 69 when neither "
                + "the endpoint nor PostgreSQL answers."})
public final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Mixin
    PipelineConfigOption config;

    @Option(names = "--json", description = "Print the status as JSON (the shape of the endpoint's /status).")
    boolean json;

    @Option(names = "--url", paramLabel = "URL",
            description = "The running pipeline's endpoint, e.g. http://strangler-1:9393 (default: "
                    + "http://localhost:<http.port>, or the http.bind address when it is not 0.0.0.0).")
    String url;

    @Override
    public Integer call() throws Exception {
        verbosity.apply();
        PipelineConfig pipelineConfig = config.load();
        String base = url != null ? url.replaceAll("/+$", "")
                : pipelineConfig.operations().httpEnabled() && pipelineConfig.operations().httpPort() > 0
                ? "http://" + localAddress(pipelineConfig.operations().httpBind()) + ":"
                        + pipelineConfig.operations().httpPort() : null;
        JsonNode status = null;
        String from;
        String problem = base == null ? "http.enabled=false or http.port=0: no endpoint to ask" : null;
        if (base != null) {
            try {
                status = fetch(base + "/status");
            } catch (IOException e) {
                problem = base + "/status: " + (e.getMessage() == null ? e.getClass().getSimpleName()
                        : e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw e;
            }
        }
        if (status != null && pipelineConfig.pipelineName().equals(status.path("pipeline").asText())) {
            from = base + "/status";
        } else {
            if (status != null) {
                problem = base + " serves pipeline '" + status.path("pipeline").asText() + "', not '"
                        + pipelineConfig.pipelineName() + "'";
            }
            status = JSON.valueToTree(OfflineStatus.read(pipelineConfig, problem));
            from = "PostgreSQL and Kafka (" + problem + ")";
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? StatusJson.write(status) : StatusText.render(status, from));
        out.flush();
        boolean failed = "failed".equals(status.path("state").asText())
                || "lost".equals(status.path("slot").path("walStatus").asText());
        return failed ? ExitCodes.FINDINGS : ExitCodes.OK;
    }

    /** Where this host reaches an endpoint bound to {@code bind}: localhost for every interface. */
    private static String localAddress(String bind) {
        return bind.equals("0.0.0.0") || bind.equals("::") ? "localhost" : bind.contains(":") ? "[" + bind + "]" : bind;
    }

    private static JsonNode fetch(String address) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(address))
                .timeout(Duration.ofSeconds(5)).GET().build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode());
        }
        return JSON.readTree(response.body());
    }
}
