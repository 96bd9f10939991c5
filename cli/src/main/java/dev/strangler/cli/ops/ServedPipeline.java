package dev.strangler.cli.ops;

import dev.strangler.engine.Pipeline;
import dev.strangler.engine.config.PipelineConfig;
import java.util.Optional;

/**
 * A pipeline with its HTTP endpoint and registry, wired the way {@code strangler run} runs it (the demo and the drain
 * benchmark use the same wiring). The endpoint is bound first, so a port in use stops everything before anything
 * connects; with {@code http.enabled=false} there is neither endpoint nor registry, and no meters are recorded.
 */
public final class ServedPipeline implements AutoCloseable {

    private final Pipeline pipeline;
    private final OpsEndpoint endpoint;
    private final OpsRegistry registry;

    private ServedPipeline(Pipeline pipeline, OpsEndpoint endpoint, OpsRegistry registry) {
        this.pipeline = pipeline;
        this.endpoint = endpoint;
        this.registry = registry;
    }

    /**
     * Binds the endpoint (when enabled) and creates the pipeline, not started.
     *
     * @throws dev.strangler.engine.config.ConfigException the port is in use
     */
    public static ServedPipeline create(PipelineConfig config, Pipeline.Options options) {
        if (!config.operations().httpEnabled()) {
            return new ServedPipeline(new Pipeline(config, options), null, null);
        }
        OpsEndpoint endpoint = OpsEndpoint.bind(config);
        OpsRegistry registry = null;
        try {
            registry = new OpsRegistry(config.pipelineName());
            Pipeline pipeline = new Pipeline(config, options.withMeterRegistry(registry.registry()));
            endpoint.serving(pipeline::status, registry);
            return new ServedPipeline(pipeline, endpoint, registry);
        } catch (RuntimeException e) {
            endpoint.close();
            if (registry != null) {
                registry.close();
            }
            throw e;
        }
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    public Optional<OpsEndpoint> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    public Optional<OpsRegistry> registry() {
        return Optional.ofNullable(registry);
    }

    /** "metrics, health and status at http://localhost:9393 (/metrics, /health/ready, /status)", or why not. */
    public String where() {
        return endpoint == null ? "no HTTP endpoint (http.enabled=false)"
                : "metrics, health and status at " + endpoint.url() + " (/metrics, /health/live, /health/ready, "
                        + "/status)";
    }

    /** Stops the pipeline, then the endpoint and the registry. */
    @Override
    public void close() {
        try {
            pipeline.stop();
        } finally {
            if (endpoint != null) {
                endpoint.close();
            }
            if (registry != null) {
                registry.close();
            }
        }
    }
}
