package dev.camrelay.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * What the WebRTC tests ask of a running relay over HTTP: the admin API with the admin key (cameras, viewer sessions,
 * the sessions list) and {@code /metrics}. Every request is bounded by a timeout. Thread-safe.
 */
final class RelayAdmin {

    static final ObjectMapper JSON = new ObjectMapper();
    /** The publish credentials of the push cameras the tests create. */
    static final String PUBLISH_USER = "pub";
    static final String PUBLISH_PASSWORD = "pub-secret";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    private final String base;
    private final String adminKey;

    RelayAdmin(String base, String adminKey) {
        this.base = base;
        this.adminKey = adminKey;
    }

    String base() {
        return base;
    }

    /** An admin request; {@code json} is the body (or null for none). */
    HttpResponse<String> call(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + adminKey)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A new viewer session ({@code sessionId}, {@code token}, ...) for {@code protocol}, {@code ttl} seconds long. */
    JsonNode newSession(String camera, String protocol, int ttl) throws Exception {
        HttpResponse<String> r = call("POST", "/api/v1/cameras/" + camera + "/sessions",
                "{\"protocol\": \"" + protocol + "\", \"ttlSeconds\": " + ttl + ", \"viewer\": \"tester\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    /** The token of a new ten-minute webrtc viewer session. */
    String webrtcToken(String camera) throws Exception {
        return newSession(camera, "webrtc", 600).path("token").asText();
    }

    /** Creates a camera that publishes to the relay with {@link #PUBLISH_USER} and {@link #PUBLISH_PASSWORD}. */
    void createPushCamera(String id) throws Exception {
        HttpResponse<String> r = call("POST", "/api/v1/cameras", "{\"id\": \"" + id + "\", \"publish\": {\"user\": \""
                + PUBLISH_USER + "\", \"password\": \"" + PUBLISH_PASSWORD + "\"}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    /** The camera's API entry once it is live; fails after 20 s with the entry and {@code diagnostics}. */
    JsonNode awaitLive(String camera, Callable<String> diagnostics) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        JsonNode last = null;
        while (System.nanoTime() - deadline < 0) {
            last = JSON.readTree(call("GET", "/api/v1/cameras/" + camera, null).body());
            if ("live".equals(last.path("state").asText())) {
                return last;
            }
            Thread.sleep(100);
        }
        return fail("camera %s not live within 20 s: %s%n%s", camera, last, diagnostics.call());
    }

    /** The viewer session's entry in {@code GET /api/v1/sessions}. */
    JsonNode sessionEntry(String sessionId) throws Exception {
        for (JsonNode s : JSON.readTree(call("GET", "/api/v1/sessions", null).body()).path("sessions")) {
            if (s.path("sessionId").asText().equals(sessionId)) {
                return s;
            }
        }
        return fail("session %s not listed", sessionId);
    }

    String metricText() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(TIMEOUT).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The sum of a metric's samples (every label set). */
    long metric(String name) throws Exception {
        return metricLines(name).stream().mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** The sample lines of a metric, or of every metric whose line starts with {@code prefix} ending in '{'. */
    List<String> metricLines(String nameOrPrefix) throws Exception {
        return metricText().lines().filter(l -> nameOrPrefix.endsWith("{") ? l.startsWith(nameOrPrefix)
                : l.startsWith(nameOrPrefix + " ") || l.startsWith(nameOrPrefix + "{")).toList();
    }
}
