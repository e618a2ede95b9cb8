package dev.camrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.camrelay.server.config.RelayConfigLoader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The real relay, started in-process on an ephemeral port, driven through its HTTP API. */
@Timeout(60)
class RelayServerTest {

    private static final String ADMIN_KEY = "test-admin-key-0123456789";
    private static Relay relay;
    private static TestClient api;

    @BeforeAll
    static void start() throws Exception {
        relay = Relay.start(RelayConfigLoader.load(null, Map.of(
                "RELAY_HTTP_PORT", "0", "RELAY_RTSP_PORT", "0", "RELAY_WEBRTC_PORT", "0",
                "RELAY_BIND", "127.0.0.1", "RELAY_ADMIN_KEY", ADMIN_KEY,
                "RELAY_STREAM_BUFFER_BYTES", Integer.toString(1 << 20))));
        api = new TestClient("http://127.0.0.1:" + relay.ports().http(), ADMIN_KEY);
        awaitDemoLive();
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    private static JsonNode awaitDemoLive() throws Exception {
        Instant deadline = Instant.now().plusSeconds(10);
        JsonNode demo = null;
        while (Instant.now().isBefore(deadline)) {
            HttpResponse<String> r = api.get("/api/v1/cameras/demo");
            if (r.statusCode() == 200) {
                demo = TestClient.json(r);
                if ("live".equals(demo.path("state").asText())) {
                    return demo;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("demo camera not live within 10 s: " + demo);
    }

    private static void assertJsonError(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        JsonNode body = TestClient.json(r);
        assertThat(body.path("error").asText()).isNotBlank();
        assertThat(body.path("message").asText()).isNotBlank();
    }

    @Test
    void demoCameraGoesLiveWithItsCodecFacts() throws Exception {
        JsonNode demo = awaitDemoLive();

        assertThat(demo.path("codecs").toString()).contains("H264");
        assertThat(demo.path("width").asInt()).isEqualTo(640);
        assertThat(demo.path("height").asInt()).isEqualTo(360);
        assertThat(demo.path("fps").asDouble()).isBetween(24.0, 26.0);
        assertThat(demo.path("epoch").asLong()).isPositive();
        assertThat(demo.path("renditions").toString()).contains("source");
        assertThat(relay.isReady()).isTrue();
        assertThat(api.get("/readyz").statusCode()).isEqualTo(200);
        assertThat(api.get("/healthz").body()).contains("ok");
    }

    @Test
    void camerasAreListed() throws Exception {
        HttpResponse<String> r = api.get("/api/v1/cameras");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(TestClient.json(r).path("cameras").findValuesAsText("id")).contains("demo");
    }

    @Test
    void metricsShowDemoFramesRising() throws Exception {
        double first = demoFrames();
        Thread.sleep(1000);
        double second = demoFrames();

        assertThat(first).isPositive();
        assertThat(second).isGreaterThan(first);
        String text = api.get("/metrics").body();
        assertThat(text).contains("relay_isolation_violations_total 0", "relay_camera_live{camera=\"demo\"} 1",
                "relay_http_requests_total{status=\"2xx\"}", "relay_sessions_active", "relay_token_rejections_total");
    }

    private static double demoFrames() throws Exception {
        HttpResponse<String> r = api.send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + relay.ports().http() + "/metrics")).build());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body().lines().filter(l -> l.startsWith("relay_camera_frames_in_total{camera=\"demo\"}"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError("no demo frame counter in:\n" + r.body()));
    }

    @Test
    void aSessionIsCreatedListedAndRevoked() throws Exception {
        HttpResponse<String> created = api.post("/api/v1/cameras/demo/sessions",
                "{\"protocol\": \"hls\", \"ttlSeconds\": 600, \"viewer\": \"user-123\"}");

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode s = TestClient.json(created);
        String sid = s.path("sessionId").asText();
        String token = s.path("token").asText();
        assertThat(sid).isNotBlank();
        assertThat(Instant.parse(s.path("expiresAt").asText()))
                .isBetween(Instant.now().plusSeconds(590), Instant.now().plusSeconds(610));
        assertThat(s.path("hlsUrl").asText())
                .isEqualTo(relay.links().publicUrl() + "/hls/demo/index.m3u8?token=" + token);
        assertThat(s.path("whepUrl").asText()).isEqualTo(relay.links().publicUrl() + "/whep/demo");
        JsonNode claims = jwtClaims(token);
        assertThat(claims.path("cam").asText()).isEqualTo("demo");
        assertThat(claims.path("sub").asText()).isEqualTo("user-123");

        JsonNode listed = TestClient.json(api.get("/api/v1/sessions"));
        assertThat(listed.path("sessions").findValuesAsText("sessionId")).contains(sid);

        assertThat(api.delete("/api/v1/sessions/" + sid).statusCode()).isEqualTo(204);
        JsonNode after = TestClient.json(api.get("/api/v1/sessions"));
        for (JsonNode each : after.path("sessions")) {
            if (each.path("sessionId").asText().equals(sid)) {
                assertThat(each.path("state").asText()).isEqualTo("revoked");
            }
        }
    }

    private static JsonNode jwtClaims(String token) throws Exception {
        String[] parts = token.split("\\.");
        assertThat(parts).hasSize(3);
        return TestClient.JSON.readTree(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
    }

    @Test
    void revokingAnUnknownSessionIs404Json() throws Exception {
        assertJsonError(api.delete("/api/v1/sessions/AAAAAAAAAAAAAAAAAAAAAA"), 404);
        assertJsonError(api.delete("/api/v1/sessions/not-a-session-id"), 404);
    }

    @Test
    void badInputGetsJsonErrorsAndTheRelayKeepsServing() throws Exception {
        int port = relay.ports().http();
        assertJsonError(api.post("/api/v1/cameras/demo/sessions", "{\"protocol\": \"hls\","), 400);
        assertJsonError(api.post("/api/v1/cameras/demo/sessions", "{\"protocol\": \"hls\"}"), 400);
        assertThat(TestClient.json(api.post("/api/v1/cameras/demo/sessions", "{\"viewer\": \"v\"}"))
                .path("message").asText()).contains("protocol");
        assertThat(TestClient.json(api.post("/api/v1/cameras/demo/sessions",
                "{\"protocol\": \"hls\", \"viewer\": \"v\", \"ttlSeconds\": \"ten\"}")).path("message").asText())
                .contains("ttlSeconds");
        assertJsonError(api.post("/api/v1/cameras/demo/sessions",
                "{\"protocol\": \"smoke-signals\", \"viewer\": \"v\"}"), 400);
        assertJsonError(api.post("/api/v1/cameras", "{\"id\": \"bad id!\", \"source\": \"rtsp://10.0.0.1/s\"}"), 400);
        assertJsonError(api.post("/api/v1/cameras", "{\"id\": \"x\", \"sauce\": \"rtsp://10.0.0.1/s\"}"), 400);
        assertJsonError(api.post("/api/v1/cameras", "[]"), 400);
        assertJsonError(api.send(api.request("/api/v1/cameras").header("Authorization", "Bearer wrong").GET()
                .build()), 401);
        assertJsonError(api.send(HttpRequest.newBuilder(java.net.URI.create(
                "http://127.0.0.1:" + port + "/api/v1/cameras")).GET().build()), 401);
        assertJsonError(api.get("/api/v1/nothing-here"), 404);
        assertJsonError(api.get("/api/v1/cameras/no-such-camera"), 404);
        assertJsonError(api.send(api.request("/api/v1/cameras").PUT(HttpRequest.BodyPublishers.noBody()).build()),
                405);
        assertJsonError(api.post("/api/v1/cameras", "{\"id\": \"" + "x".repeat(100 * 1024) + "\"}"), 413);

        String oversizeHeader = TestClient.raw(port, ("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "a".repeat(32 * 1024) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(oversizeHeader).startsWith("HTTP/1.1 431").contains("\"error\":\"header_too_large\"");
        String garbage = TestClient.raw(port, "NOT HTTP AT ALL\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(garbage).startsWith("HTTP/1.1 400").contains("\"error\"");
        String longLine = TestClient.raw(port, ("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        assertThat(longLine).matches("(?s)HTTP/1.1 4\\d\\d .*");

        assertThat(api.get("/healthz").statusCode()).isEqualTo(200);
        assertThat(awaitDemoLive().path("state").asText()).isEqualTo("live");
        String metrics = api.get("/metrics").body();
        assertThat(metrics).containsPattern("relay_http_bad_requests_total [1-9]");
    }

    @Test
    void aDuplicateCameraIs409() throws Exception {
        String body = "{\"id\": \"dup-cam\", \"publish\": {\"user\": \"u\", \"password\": \"p\"}}";
        HttpResponse<String> first = api.post("/api/v1/cameras", body);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        assertThat(TestClient.json(first).path("state").asText()).isEqualTo("idle");
        assertThat(TestClient.json(first).path("note").asText()).contains("publishUrl");
        assertThat(first.body()).doesNotContain("\"p\"");

        assertJsonError(api.post("/api/v1/cameras", body), 409);
        assertJsonError(api.post("/api/v1/cameras", "{\"id\": \"demo\", \"source\": \"rtsp://10.0.0.1/s\"}"), 409);
        assertThat(api.delete("/api/v1/cameras/dup-cam").statusCode()).isEqualTo(204);
    }

    @Test
    void deletingACameraEndsItsSessions() throws Exception {
        assertThat(api.post("/api/v1/cameras", "{\"id\": \"porch\", \"source\": \"rtsp://u:secret@10.0.0.9/s\"}")
                .statusCode()).isEqualTo(201);
        assertThat(api.get("/api/v1/cameras/porch").body()).doesNotContain("secret");
        HttpResponse<String> created = api.post("/api/v1/cameras/porch/sessions",
                "{\"protocol\": \"webrtc\", \"viewer\": \"v\"}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String sid = TestClient.json(created).path("sessionId").asText();

        assertThat(api.delete("/api/v1/cameras/porch").statusCode()).isEqualTo(204);

        assertJsonError(api.get("/api/v1/cameras/porch"), 404);
        assertJsonError(api.delete("/api/v1/cameras/porch"), 404);
        for (JsonNode each : TestClient.json(api.get("/api/v1/sessions")).path("sessions")) {
            if (each.path("sessionId").asText().equals(sid)) {
                assertThat(each.path("state").asText()).isNotEqualTo("active");
            }
        }
        assertThat(relay.sessions().activeCount("porch")).isZero();
    }

    @Test
    void corsAllowsTheOwnOriginAndGstaticOnly() throws Exception {
        HttpResponse<String> allowed = api.send(api.request("/api/v1/cameras/demo/sessions")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://www.gstatic.com").header("Access-Control-Request-Method", "POST").build());
        assertThat(allowed.statusCode()).isEqualTo(204);
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://www.gstatic.com");
        assertThat(allowed.headers().firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(
                m -> assertThat(m).contains("POST"));

        HttpResponse<String> own = api.send(api.request("/api/v1/cameras")
                .header("Origin", relay.links().origin()).GET().build());
        assertThat(own.headers().firstValue("Access-Control-Allow-Origin")).hasValue(relay.links().origin());

        HttpResponse<String> other = api.send(api.request("/api/v1/cameras")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "GET").build());
        assertJsonError(other, 403);
        assertThat(other.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }

    @Test
    void theDashboardPageIsServed() throws Exception {
        HttpResponse<String> page = api.get("/dashboard");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("text/html"));
        assertThat(page.body()).contains("/api/v1/cameras");
    }

    @Test
    void responsesAreNeverCached() throws Exception {
        assertThat(api.get("/api/v1/cameras").headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(Duration.ofMillis(Relay.SWEEP_PERIOD_MILLIS)).isLessThanOrEqualTo(Duration.ofSeconds(1));
    }
}
