package dev.camrelay.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.camrelay.webrtc.dtls.SrtpProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who may open, change and end a WHEP session on the real relay ({@link TwoCameraRelay}), and what ending it does
 * (RFC 9725; contract.md, WebRTC): tokens refused by reason, WHEP's 4xx for bad requests, PATCH rules and DELETE,
 * the CORS preflight, one session per viewer session, and no media 2 s after revocation or expiry. Played by
 * {@link WhepTestClient}s; the media itself is {@link WhepPlaybackTest}.
 */
@Timeout(120)
class WhepSessionControlTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    @RegisterExtension
    static final TwoCameraRelay RIG = new TwoCameraRelay();

    @Test
    void wrongMissingForeignExpiredAndRevokedTokensAreRefused() throws Exception {
        try (WhepTestClient client = new WhepTestClient()) {
            assertJsonError(client.post(RIG.base, "demo", null), 401);
            assertJsonError(client.post(RIG.base, "demo", "not-a-jwt"), 401);
            String camBToken = RIG.admin.newSession("cam-b", "webrtc", 600).path("token").asText();
            assertJsonError(client.post(RIG.base, "demo", camBToken), 403);

            JsonNode revoked = RIG.admin.newSession("demo", "webrtc", 600);
            assertThat(RIG.admin.call("DELETE", "/api/v1/sessions/" + revoked.path("sessionId").asText(), null)
                    .statusCode()).isEqualTo(204);
            assertThat(client.post(RIG.base, "demo", revoked.path("token").asText()).statusCode()).isIn(401, 403);

            JsonNode expiring = RIG.admin.newSession("demo", "webrtc", 1);
            Thread.sleep(2100);
            assertThat(client.post(RIG.base, "demo", expiring.path("token").asText()).statusCode()).isIn(401, 403);

            JsonNode hls = RIG.admin.newSession("demo", "hls", 600);
            assertJsonError(client.post(RIG.base, "demo", hls.path("token").asText()), 403);
        }
        assertThat(RIG.admin.metric("relay_whep_sessions_active"))
                .isLessThanOrEqualTo(RIG.relay.sessions().list().size());
    }

    @Test
    void badRequestsGetTheirWhepStatus() throws Exception {
        try (WhepTestClient client = new WhepTestClient()) {
            String token = RIG.admin.newSession("demo", "webrtc", 600).path("token").asText();
            assertJsonError(client.post(RIG.base, "demo", token, "application/json", client.offer("recvonly")), 415);
            assertJsonError(client.post(RIG.base, "demo", token, "application/sdp", client.offer("sendonly")), 400);
            assertJsonError(client.post(RIG.base, "demo", token, "application/sdp", client.offer("inactive")), 400);
            assertJsonError(client.post(RIG.base, "demo", token, "application/sdp", "v=0\r\ngarbage"), 400);

            String idleToken = RIG.admin.newSession("idle-cam", "webrtc", 600).path("token").asText();
            HttpResponse<String> notLive = client.post(RIG.base, "idle-cam", idleToken);
            assertJsonError(notLive, 409);
            assertThat(notLive.headers().firstValue("Retry-After")).hasValue("2");
        }
    }

    @Test
    void patchTakesTrickleCandidatesAndGuardsIceRestartsAndDeleteEndsMedia() throws Exception {
        JsonNode session = RIG.admin.newSession("demo", "webrtc", 600);
        String token = session.path("token").asText();
        try (WhepTestClient client = new WhepTestClient()) {
            assertThat(client.post(RIG.base, "demo", token).statusCode()).isEqualTo(201);
            client.connect(SrtpProfile.AEAD_AES_128_GCM);
            assertThat(client.receiveFor(Duration.ofSeconds(1))).isPositive();

            String trickle = "a=ice-ufrag:" + client.ice.ufrag() + "\r\na=mid:0\r\n"
                    + "a=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host\r\n";
            String sdpfrag = "application/trickle-ice-sdpfrag";
            assertThat(client.send(RIG.base, "PATCH", token, sdpfrag, trickle, null).statusCode()).isEqualTo(204);
            assertThat(client.send(RIG.base, "PATCH", token, "application/sdp", trickle, null).statusCode())
                    .isEqualTo(415);
            String restart = "a=ice-ufrag:ABCDEFGH\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n";
            assertThat(client.send(RIG.base, "PATCH", token, sdpfrag, restart, null).statusCode()).isEqualTo(428);
            assertThat(client.send(RIG.base, "PATCH", token, sdpfrag, restart, "\"other\"").statusCode())
                    .isEqualTo(412);
            assertThat(client.send(RIG.base, "PATCH", token, sdpfrag, "a=mid:0\r\n", null).statusCode())
                    .isEqualTo(422);
            String otherViewer = RIG.admin.newSession("demo", "webrtc", 600).path("token").asText();
            assertThat(client.send(RIG.base, "DELETE", otherViewer, null, null, null).statusCode()).isEqualTo(403);
            assertThat(client.send(RIG.base, "DELETE", null, null, null, null).statusCode()).isEqualTo(401);

            assertThat(client.send(RIG.base, "DELETE", token, null, null, null).statusCode()).isEqualTo(200);
            client.receiveFor(Duration.ofMillis(500));
            assertThat(client.receiveFor(Duration.ofSeconds(1))).as("packets after DELETE").isZero();
            assertThat(client.send(RIG.base, "DELETE", token, null, null, null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void corsPreflightOfTheWhepEndpointAllowsTheRelaysOrigin() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(RIG.base + "/whep/demo"))
                .timeout(Duration.ofSeconds(10)).method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://www.gstatic.com").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "authorization, content-type").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(r.statusCode()).isIn(200, 204);
        assertThat(r.headers().firstValue("Access-Control-Allow-Origin")).hasValue("https://www.gstatic.com");
        assertThat(r.headers().firstValue("Access-Control-Allow-Methods").orElse("")).contains("POST");
        assertThat(r.headers().firstValue("Access-Control-Expose-Headers").orElse(""))
                .contains("Location", "ETag");
    }

    @Test
    void aSecondPostWithTheSameTokenReplacesTheFirstWhepSession() throws Exception {
        String token = RIG.admin.newSession("demo", "webrtc", 600).path("token").asText();
        try (WhepTestClient first = new WhepTestClient(); WhepTestClient second = new WhepTestClient()) {
            assertThat(first.post(RIG.base, "demo", token).statusCode()).isEqualTo(201);
            first.connect(SrtpProfile.AEAD_AES_128_GCM);
            assertThat(first.receiveFor(Duration.ofMillis(500))).isPositive();

            assertThat(second.post(RIG.base, "demo", token).statusCode()).isEqualTo(201);
            second.connect(SrtpProfile.AEAD_AES_128_GCM);
            second.receiveFor(Duration.ofSeconds(1));
            first.receiveFor(Duration.ofMillis(300));

            assertThat(first.receiveFor(Duration.ofSeconds(1))).as("packets to the replaced session").isZero();
            assertThat(second.receiveFor(Duration.ofSeconds(1))).as("packets to the new session").isPositive();
            assertThat(first.send(RIG.base, "DELETE", token, null, null, null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void revokingTheSessionStopsMediaWithinTwoSeconds() throws Exception {
        JsonNode session = RIG.admin.newSession("demo", "webrtc", 600);
        try (WhepTestClient client = new WhepTestClient()) {
            assertThat(client.post(RIG.base, "demo", session.path("token").asText()).statusCode()).isEqualTo(201);
            client.connect(SrtpProfile.AES128_CM_HMAC_SHA1_80);
            assertThat(client.receiveFor(Duration.ofSeconds(1))).isPositive();

            assertThat(RIG.admin.call("DELETE", "/api/v1/sessions/" + session.path("sessionId").asText(), null)
                    .statusCode()).isEqualTo(204);
            client.receiveFor(Duration.ofSeconds(2));

            assertThat(client.receiveFor(Duration.ofSeconds(2))).as("packets 2 s after revocation").isZero();
        }
    }

    @Test
    void expiryStopsMediaWithinTwoSeconds() throws Exception {
        JsonNode session = RIG.admin.newSession("demo", "webrtc", 3);
        Instant expiresAt = Instant.parse(session.path("expiresAt").asText());
        try (WhepTestClient client = new WhepTestClient()) {
            assertThat(client.post(RIG.base, "demo", session.path("token").asText()).statusCode()).isEqualTo(201);
            client.connect(SrtpProfile.AEAD_AES_128_GCM);
            assertThat(client.receiveFor(Duration.ofSeconds(1))).isPositive();

            long untilDeadline = Duration.between(Instant.now(), expiresAt.plusSeconds(2)).toMillis();
            client.receiveFor(Duration.ofMillis(Math.max(0, untilDeadline)));

            assertThat(client.receiveFor(Duration.ofSeconds(2))).as("packets 2 s after expiry").isZero();
        }
    }

    private static void assertJsonError(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        JsonNode body = RelayAdmin.JSON.readTree(r.body());
        assertThat(body.path("error").asText()).isNotBlank();
        assertThat(body.path("message").asText()).isNotBlank();
    }
}
