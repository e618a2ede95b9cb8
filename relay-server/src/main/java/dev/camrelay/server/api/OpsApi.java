package dev.camrelay.server.api;

import dev.camrelay.server.http.HttpError;
import dev.camrelay.server.http.JsonCodec;
import dev.camrelay.server.http.Request;
import dev.camrelay.server.http.Response;
import dev.camrelay.server.http.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Operations endpoints: {@code /healthz}, {@code /readyz}, {@code /metrics} and the {@code /dashboard} page.
 * None needs the admin key: probes and Prometheus scrape without one, and the dashboard page asks for the key and
 * sends it with its own API calls.
 *
 * <p>Threading: stateless; the suppliers must be thread-safe.
 */
public final class OpsApi {

    private static final String DASHBOARD_RESOURCE = "/dashboard/index.html";

    private final JsonCodec json;
    private final Supplier<Optional<String>> notReadyReason;
    private final Supplier<byte[]> metrics;
    private final String metricsContentType;
    private final byte[] dashboard;

    /**
     * @param notReadyReason empty when ready, else why not
     * @param metrics        the Prometheus text exposition
     */
    public OpsApi(JsonCodec json, Supplier<Optional<String>> notReadyReason, Supplier<byte[]> metrics,
                  String metricsContentType) {
        this.json = json;
        this.notReadyReason = notReadyReason;
        this.metrics = metrics;
        this.metricsContentType = metricsContentType;
        this.dashboard = resource(DASHBOARD_RESOURCE);
    }

    public void register(Router router) {
        router.add("GET", "/healthz", r -> json.response(200, Map.of("status", "ok")));
        router.add("GET", "/readyz", this::ready);
        router.add("GET", "/metrics", r -> new Response(200, metricsContentType, metrics.get(), Map.of()));
        router.add("GET", "/dashboard", this::dashboard);
        router.add("GET", "/", r -> new Response(302, null, new byte[0], Map.of("Location", "/dashboard")));
    }

    private Response ready(Request request) {
        Optional<String> reason = notReadyReason.get();
        if (reason.isPresent()) {
            throw new HttpError(503, "not_ready", reason.get(), Map.of("Retry-After", "1"));
        }
        return json.response(200, Map.of("status", "ready"));
    }

    private Response dashboard(Request request) {
        // The page's script talks only to this relay; nothing else may be loaded or framed.
        return new Response(200, "text/html; charset=utf-8", dashboard, Map.of(
                "Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; "
                        + "style-src 'unsafe-inline'; frame-ancestors 'none'",
                "Referrer-Policy", "no-referrer"));
    }

    private static byte[] resource(String name) {
        try (InputStream in = OpsApi.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name + " in the relay's jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
