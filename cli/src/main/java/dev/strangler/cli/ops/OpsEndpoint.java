package dev.strangler.cli.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.strangler.engine.config.ConfigException;
import dev.strangler.engine.config.PipelineConfig;
import dev.strangler.engine.config.PipelineKeys;
import dev.strangler.engine.metrics.PipelineStatus;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoint of {@code strangler run}, on the JDK's own server ({@code com.sun.net.httpserver}: no dependency,
 * four read-only routes, a scrape or probe every few seconds):
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text format (0.0.4) from the {@link OpsRegistry};</li>
 *   <li>{@code GET /health/live}: 200 while the pipeline is doing its job or on its way back to it, 503 once it
 *       failed or stopped (Kubernetes' liveness probe);</li>
 *   <li>{@code GET /health/ready}: 200 while it streams within health.ready.max.lag, else 503 with the reason
 *       (readiness probe);</li>
 *   <li>{@code GET /status}: {@link StatusJson}.</li>
 * </ul>
 * Health bodies have the MicroProfile Health shape Debezium Server (Quarkus) answers with:
 * {@code {"status":"UP","checks":[{"name":"pipeline","status":"UP","data":{...}}]}}.
 *
 * <p>It is bound by {@link #bind} before the pipeline starts, so a port in use stops {@code strangler run} before
 * anything connects, and it serves from the moment it is bound (the pipeline then says "starting"). Nothing it serves
 * holds the password: the status carries no URL or setting, and every body is checked for the password before it
 * leaves (a defence in depth).
 */
public final class OpsEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpsEndpoint.class);

    private final HttpServer server;
    private final ExecutorService executor;
    private final String secret;
    private volatile Supplier<PipelineStatus> status = () -> null;
    private volatile Supplier<String> metrics = () -> "";
    private final Versions versions = Versions.read();

    private OpsEndpoint(HttpServer server, ExecutorService executor, String secret) {
        this.server = server;
        this.executor = executor;
        this.secret = secret;
    }

    /**
     * Binds the configured address and port and starts serving.
     *
     * @throws ConfigException the port is in use or the address is not this host's (one line, with the fix)
     */
    public static OpsEndpoint bind(PipelineConfig config) {
        PipelineConfig.Operations ops = config.operations();
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(ops.httpBind(), ops.httpPort()), 16);
        } catch (BindException e) {
            throw new ConfigException(PipelineKeys.HTTP_PORT.name() + "=" + ops.httpPort() + " on " + ops.httpBind()
                    + " cannot be used (" + e.getMessage() + "): another process listens there, perhaps another "
                    + "strangler run on this host; set http.port to a free port (0 takes any) or http.enabled=false");
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(PipelineKeys.HTTP_BIND.name() + "=" + ops.httpBind() + ": cannot listen there ("
                    + e.getMessage() + "); use 0.0.0.0, 127.0.0.1 or an address of this host");
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "strangler-http-" + config.pipelineName());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        OpsEndpoint endpoint = new OpsEndpoint(server, executor, config.source().password().reveal());
        server.createContext("/", ex -> endpoint.serve(ex, switch (ex.getRequestURI().getPath()) {
            case "/metrics" -> () -> new Response(200, "text/plain; version=0.0.4; charset=utf-8",
                    endpoint.metrics.get());
            case "/health/live" -> () -> endpoint.health(true);
            case "/health/ready" -> () -> endpoint.health(false);
            case "/status" -> endpoint::status;
            default -> () -> new Response(404, "text/plain; charset=utf-8",
                    "not found: GET /metrics, /health/live, /health/ready or /status\n");
        }));
        server.start();
        return endpoint;
    }

    /** What to serve: the pipeline's status and the registry's scrape. */
    public OpsEndpoint serving(Supplier<PipelineStatus> status, OpsRegistry registry) {
        this.status = status;
        this.metrics = registry::scrape;
        return this;
    }

    /** The port it listens on (the one the system chose for http.port=0). */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Where a person on this host reaches it, e.g. http://localhost:9393. */
    public String url() {
        String host = server.getAddress().getAddress().isAnyLocalAddress() ? "localhost"
                : server.getAddress().getHostString();
        return "http://" + host + ":" + port();
    }

    private record Response(int code, String contentType, String body) {
    }

    private Response health(boolean liveness) {
        PipelineStatus s = status.get();
        boolean up;
        Map<String, Object> data = new LinkedHashMap<>();
        if (s == null) {
            up = liveness;
            data.put("state", "starting");
        } else {
            up = liveness ? s.live() : s.readiness().ready();
            data.put("state", s.phase().label());
            if (!liveness) {
                data.put("reason", s.readiness().reason());
                data.put("lagSeconds", s.lagSeconds().isPresent() ? s.lagSeconds().getAsDouble() : null);
            }
        }
        Map<String, Object> check = new LinkedHashMap<>();
        check.put("name", "pipeline");
        check.put("status", up ? "UP" : "DOWN");
        check.put("data", data);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("checks", List.of(check));
        return new Response(up ? 200 : 503, "application/json", StatusJson.write(body));
    }

    private Response status() {
        PipelineStatus s = status.get();
        if (s == null) {
            return new Response(503, "application/json", StatusJson.write(Map.of("state", "starting")));
        }
        return new Response(200, "application/json", StatusJson.write(StatusJson.of(s, versions)));
    }

    private void serve(HttpExchange exchange, Supplier<Response> handler) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Response response;
            try {
                response = handler.get();
            } catch (RuntimeException e) {
                LOG.warn("serving {} failed: {}", exchange.getRequestURI().getPath(), e.toString());
                response = new Response(500, "text/plain; charset=utf-8", "internal error: see the log\n");
            }
            String body = response.body();
            if (secret.length() >= 4 && body.contains(secret)) {
                body = body.replace(secret, "****");
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(response.code(), -1);
                return;
            }
            exchange.sendResponseHeaders(response.code(), bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
