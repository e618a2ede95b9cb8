package dev.camrelay.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camrelay.core.codec.h264.SeiCameraTag;
import dev.camrelay.server.Relay;
import dev.camrelay.server.camera.Camera;
import dev.camrelay.server.config.CameraSpec;
import dev.camrelay.server.config.RelayConfigLoader;
import dev.camrelay.server.demo.DemoCamera;
import dev.camrelay.server.demo.DemoClip;
import dev.camrelay.webrtc.dtls.SrtpProfile;
import java.io.ByteArrayOutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The real relay in-process on ephemeral ports (HTTP and the WebRTC UDP port, bound to 127.0.0.1), played by
 * {@link WhepTestClient}, a real WHEP peer: ICE, DTLS-SRTP, SRTP, H.264 reassembly, SEI camera tags.
 */
@Timeout(120)
class WhepPlaybackTest {

    private static final String ADMIN_KEY = "test-admin-key-webrtc-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static Relay relay;
    private static String base;
    private static DemoCamera camB;

    @BeforeAll
    static void start() throws Exception {
        relay = Relay.start(RelayConfigLoader.load(null, Map.of(
                "RELAY_HTTP_PORT", "0", "RELAY_RTSP_PORT", "0", "RELAY_WEBRTC_PORT", "0",
                "RELAY_BIND", "127.0.0.1", "RELAY_ADMIN_KEY", ADMIN_KEY,
                "RELAY_STREAM_BUFFER_BYTES", Integer.toString(1 << 21))));
        base = "http://127.0.0.1:" + relay.ports().http();
        Camera b = relay.cameras().add(CameraSpec.demo("cam-b"), "test camera tagged CAM-B");
        camB = new DemoCamera(retag(DemoClip.load(), "CAM-B"), b.sink());
        b.attachIngest(camB::close);
        camB.start();
        relay.cameras().add(CameraSpec.demo("idle-cam"), "test camera that never goes live");
        awaitLive("demo");
        awaitLive("cam-b");
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void demoPlaysForFiveSecondsWithEveryFrameTaggedDemo(SrtpProfile profile) throws Exception {
        JsonNode session = newSession("demo", "webrtc", 600);
        try (WhepTestClient client = new WhepTestClient()) {
            HttpResponse<String> r = client.post(base, "demo", session.path("token").asText());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    ct -> assertThat(ct).startsWith("application/sdp"));
            assertThat(client.location).startsWith("/whep/sessions/");
            assertThat(client.etag).isNotBlank();
            assertThat(client.answer).contains("a=ice-lite", "a=setup:passive",
                    "127.0.0.1 " + relay.ports().webrtc().orElseThrow() + " typ host", "a=end-of-candidates");

            client.connect(profile);
            client.receiveFor(Duration.ofSeconds(5));

            AccessUnitAssembler m = client.media;
            System.out.printf("WHEP %s: %d frames (%d keyframes) in 5 s, %d RTP packets, %d lost, %d RTCP, tags %s%n",
                    profile, m.frames, m.keyframes, m.packets, m.lostPackets, client.rtcpReceived, m.framesByTag);
            assertThat(client.profile).isEqualTo(profile);
            assertThat(m.frames).as("frames in 5 s; %s", m.framesByTag).isGreaterThanOrEqualTo(80);
            assertThat(m.framesByTag).containsOnlyKeys("DEMO");
            assertThat(m.untaggedFrames).isZero();
            assertThat(m.keyframes).isPositive();
            assertThat(m.lostPackets).isZero();
            assertThat(m.brokenFrames).isZero();
            assertThat(client.srtpRejected).isZero();
            assertThat(client.rtcpReceived).as("RTCP sender reports").isGreaterThanOrEqualTo(3);
        }
        assertThat(metric("relay_whep_packets_sent_total")).isPositive();
        assertThat(metric("relay_whep_frames_sent_total")).isPositive();
        List<String> latency = metricText().lines().filter(l -> l.startsWith("relay_whep_frame_latency_seconds{"))
                .toList();
        System.out.println("frame latency: " + latency);
        assertThat(latency).as("frame-in to last-packet-out p99 over the run: live frames only, so well under the "
                + "1 s GOP burst a new viewer starts with").anySatisfy(l -> assertThat(l)
                .contains("quantile=\"0.99\"", "window=\"total\"")
                .satisfies(x -> assertThat(Double.parseDouble(x.substring(x.lastIndexOf(' ') + 1)))
                        .isPositive().isLessThan(0.2)));
        assertThat(metric("relay_isolation_violations_total")).isZero();
    }

    @Test
    void twoCamerasWithTwoViewersEachDeliverOnlyTheirOwnTag() throws Exception {
        List<String> cameras = List.of("demo", "demo", "cam-b", "cam-b");
        List<WhepTestClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(cameras.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (String camera : cameras) {
                WhepTestClient c = new WhepTestClient();
                clients.add(c);
                HttpResponse<String> r = c.post(base, camera, newSession(camera, "webrtc", 600).path("token").asText());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                running.add(pool.submit(() -> {
                    c.connect(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES128_CM_HMAC_SHA1_80);
                    c.receiveFor(Duration.ofSeconds(4));
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(30, TimeUnit.SECONDS);
            }
            for (int i = 0; i < cameras.size(); i++) {
                String tag = cameras.get(i).equals("demo") ? "DEMO" : "CAM-B";
                AccessUnitAssembler m = clients.get(i).media;
                assertThat(m.frames).as("viewer %d of %s: %s", i, cameras.get(i), m.framesByTag)
                        .isGreaterThanOrEqualTo(60);
                assertThat(m.framesByTag).as("viewer %d of %s", i, cameras.get(i)).containsOnlyKeys(tag);
                assertThat(m.untaggedFrames).isZero();
            }
        } finally {
            pool.shutdownNow();
            clients.forEach(WhepTestClient::close);
        }
        assertThat(metric("relay_isolation_violations_total")).isZero();
    }

    @Test
    void oneSenderThreadServesTwelveViewersAtFullFrameRate() throws Exception {
        int viewers = 12;
        List<WhepTestClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(viewers);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < viewers; i++) {
                WhepTestClient c = new WhepTestClient();
                clients.add(c);
                String camera = i % 2 == 0 ? "demo" : "cam-b";
                HttpResponse<String> r = c.post(base, camera, newSession(camera, "webrtc", 600).path("token").asText());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                running.add(pool.submit(() -> {
                    c.connect(SrtpProfile.AEAD_AES_128_GCM);
                    c.receiveFor(Duration.ofSeconds(4));
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS);
            }
            int total = 0;
            for (int i = 0; i < viewers; i++) {
                AccessUnitAssembler m = clients.get(i).media;
                assertThat(m.frames).as("viewer %d", i).isGreaterThanOrEqualTo(80);
                assertThat(m.framesByTag).containsOnlyKeys(i % 2 == 0 ? "DEMO" : "CAM-B");
                total += m.frames;
            }
            System.out.printf("WHEP %d viewers: %d frames in 4 s, lost packets %d%n", viewers, total,
                    clients.stream().mapToLong(c -> c.media.lostPackets).sum());
        } finally {
            pool.shutdownNow();
            clients.forEach(WhepTestClient::close);
        }
    }

    @Test
    void wrongMissingForeignExpiredAndRevokedTokensAreRefused() throws Exception {
        try (WhepTestClient client = new WhepTestClient()) {
            assertJsonError(client.post(base, "demo", null), 401);
            assertJsonError(client.post(base, "demo", "not-a-jwt"), 401);
            String camBToken = newSession("cam-b", "webrtc", 600).path("token").asText();
            assertJsonError(client.post(base, "demo", camBToken), 403);

            JsonNode revoked = newSession("demo", "webrtc", 600);
            assertThat(admin("DELETE", "/api/v1/sessions/" + revoked.path("sessionId").asText(), null).statusCode())
                    .isEqualTo(204);
            assertThat(client.post(base, "demo", revoked.path("token").asText()).statusCode()).isIn(401, 403);

            JsonNode expiring = newSession("demo", "webrtc", 1);
            Thread.sleep(2100);
            assertThat(client.post(base, "demo", expiring.path("token").asText()).statusCode()).isIn(401, 403);

            JsonNode hls = newSession("demo", "hls", 600);
            assertJsonError(client.post(base, "demo", hls.path("token").asText()), 403);
        }
        assertThat(metric("relay_whep_sessions_active")).isLessThanOrEqualTo(relay.sessions().list().size());
    }

    @Test
    void badRequestsGetTheirWhepStatus() throws Exception {
        try (WhepTestClient client = new WhepTestClient()) {
            String token = newSession("demo", "webrtc", 600).path("token").asText();
            assertJsonError(client.post(base, "demo", token, "application/json", client.offer("recvonly")), 415);
            assertJsonError(client.post(base, "demo", token, "application/sdp", client.offer("sendonly")), 400);
            assertJsonError(client.post(base, "demo", token, "application/sdp", client.offer("inactive")), 400);
            assertJsonError(client.post(base, "demo", token, "application/sdp", "v=0\r\ngarbage"), 400);

            String idleToken = newSession("idle-cam", "webrtc", 600).path("token").asText();
            HttpResponse<String> notLive = client.post(base, "idle-cam", idleToken);
            assertJsonError(notLive, 409);
            assertThat(notLive.headers().firstValue("Retry-After")).hasValue("2");
        }
    }

    @Test
    void patchTakesTrickleCandidatesAndGuardsIceRestartsAndDeleteEndsMedia() throws Exception {
        JsonNode session = newSession("demo", "webrtc", 600);
        String token = session.path("token").asText();
        try (WhepTestClient client = new WhepTestClient()) {
            assertThat(client.post(base, "demo", token).statusCode()).isEqualTo(201);
            client.connect(SrtpProfile.AEAD_AES_128_GCM);
            assertThat(client.receiveFor(Duration.ofSeconds(1))).isPositive();

            String trickle = "a=ice-ufrag:" + client.ice.ufrag() + "\r\na=mid:0\r\n"
                    + "a=candidate:1 1 udp 2130706431 127.0.0.1 9 typ host\r\n";
            String sdpfrag = "application/trickle-ice-sdpfrag";
            assertThat(client.send(base, "PATCH", token, sdpfrag, trickle, null).statusCode()).isEqualTo(204);
            assertThat(client.send(base, "PATCH", token, "application/sdp", trickle, null).statusCode())
                    .isEqualTo(415);
            String restart = "a=ice-ufrag:ABCDEFGH\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\n";
            assertThat(client.send(base, "PATCH", token, sdpfrag, restart, null).statusCode()).isEqualTo(428);
            assertThat(client.send(base, "PATCH", token, sdpfrag, restart, "\"other\"").statusCode())
                    .isEqualTo(412);
            assertThat(client.send(base, "PATCH", token, sdpfrag, "a=mid:0\r\n", null).statusCode())
                    .isEqualTo(422);
            String otherViewer = newSession("demo", "webrtc", 600).path("token").asText();
            assertThat(client.send(base, "DELETE", otherViewer, null, null, null).statusCode()).isEqualTo(403);
            assertThat(client.send(base, "DELETE", null, null, null, null).statusCode()).isEqualTo(401);

            assertThat(client.send(base, "DELETE", token, null, null, null).statusCode()).isEqualTo(200);
            client.receiveFor(Duration.ofMillis(500));
            assertThat(client.receiveFor(Duration.ofSeconds(1))).as("packets after DELETE").isZero();
            assertThat(client.send(base, "DELETE", token, null, null, null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aNackIsAnsweredFromTheSendHistoryAndAPliIsCounted() throws Exception {
        JsonNode session = newSession("demo", "webrtc", 600);
        try (WhepTestClient client = new WhepTestClient()) {
            assertThat(client.post(base, "demo", session.path("token").asText()).statusCode()).isEqualTo(201);
            client.connect(SrtpProfile.AEAD_AES_128_GCM);
            client.receiveFor(Duration.ofSeconds(1));
            long nacks = metric("relay_whep_nacks_received_total");
            long resent = metric("relay_whep_retransmissions_total");
            long plis = metric("relay_whep_plis_received_total");
            int keyframes = client.media.keyframes;

            int nacked = (client.media.lastSequence() - 5) & 0xFFFF;
            client.sendNack(client.media.lastSsrc, nacked);
            client.sendPli(client.media.lastSsrc);
            client.receiveFor(Duration.ofMillis(2500));

            assertThat(client.media.rtxPayloadType).as("RTX answered for the offer's rtx/90000").isEqualTo(97);
            assertThat(client.media.rtxOriginalSequences).as("RTX packet with the OSN (RFC 4588 §4)")
                    .containsExactly(nacked);
            assertThat(client.media.latePackets).as("retransmitted packet received").isGreaterThanOrEqualTo(1);
            assertThat(metric("relay_whep_nacks_received_total") - nacks).isEqualTo(1);
            assertThat(metric("relay_whep_retransmissions_total") - resent).isEqualTo(1);
            assertThat(metric("relay_whep_plis_received_total") - plis).isEqualTo(1);
            assertThat(client.media.keyframes).as("playback resumes at a keyframe").isGreaterThan(keyframes);
            assertThat(client.media.brokenFrames).isZero();
        }
    }

    @Test
    void corsPreflightOfTheWhepEndpointAllowsTheRelaysOrigin() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/whep/demo"))
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
        String token = newSession("demo", "webrtc", 600).path("token").asText();
        try (WhepTestClient first = new WhepTestClient(); WhepTestClient second = new WhepTestClient()) {
            assertThat(first.post(base, "demo", token).statusCode()).isEqualTo(201);
            first.connect(SrtpProfile.AEAD_AES_128_GCM);
            assertThat(first.receiveFor(Duration.ofMillis(500))).isPositive();

            assertThat(second.post(base, "demo", token).statusCode()).isEqualTo(201);
            second.connect(SrtpProfile.AEAD_AES_128_GCM);
            second.receiveFor(Duration.ofSeconds(1));
            first.receiveFor(Duration.ofMillis(300));

            assertThat(first.receiveFor(Duration.ofSeconds(1))).as("packets to the replaced session").isZero();
            assertThat(second.receiveFor(Duration.ofSeconds(1))).as("packets to the new session").isPositive();
            assertThat(first.send(base, "DELETE", token, null, null, null).statusCode()).isEqualTo(404);
        }
    }

    @Test
    void revokingTheSessionStopsMediaWithinTwoSeconds() throws Exception {
        JsonNode session = newSession("demo", "webrtc", 600);
        try (WhepTestClient client = new WhepTestClient()) {
            assertThat(client.post(base, "demo", session.path("token").asText()).statusCode()).isEqualTo(201);
            client.connect(SrtpProfile.AES128_CM_HMAC_SHA1_80);
            assertThat(client.receiveFor(Duration.ofSeconds(1))).isPositive();

            assertThat(admin("DELETE", "/api/v1/sessions/" + session.path("sessionId").asText(), null).statusCode())
                    .isEqualTo(204);
            client.receiveFor(Duration.ofSeconds(2));

            assertThat(client.receiveFor(Duration.ofSeconds(2))).as("packets 2 s after revocation").isZero();
        }
    }

    @Test
    void expiryStopsMediaWithinTwoSeconds() throws Exception {
        JsonNode session = newSession("demo", "webrtc", 3);
        Instant expiresAt = Instant.parse(session.path("expiresAt").asText());
        try (WhepTestClient client = new WhepTestClient()) {
            assertThat(client.post(base, "demo", session.path("token").asText()).statusCode()).isEqualTo(201);
            client.connect(SrtpProfile.AEAD_AES_128_GCM);
            assertThat(client.receiveFor(Duration.ofSeconds(1))).isPositive();

            long untilDeadline = Duration.between(Instant.now(), expiresAt.plusSeconds(2)).toMillis();
            client.receiveFor(Duration.ofMillis(Math.max(0, untilDeadline)));

            assertThat(client.receiveFor(Duration.ofSeconds(2))).as("packets 2 s after expiry").isZero();
        }
    }

    @Test
    void garbageOnTheUdpPortIsDroppedAndCountedWhileAnotherSessionKeepsPlaying() throws Exception {
        JsonNode session = newSession("demo", "webrtc", 600);
        try (WhepTestClient client = new WhepTestClient();
             DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            assertThat(client.post(base, "demo", session.path("token").asText()).statusCode()).isEqualTo(201);
            client.connect(SrtpProfile.AEAD_AES_128_GCM);
            client.receiveFor(Duration.ofMillis(500));
            long stun = metric("relay_webrtc_stun_dropped_total");
            long dtls = metric("relay_webrtc_dtls_dropped_total");
            long rtp = metric("relay_webrtc_rtp_dropped_total");
            long unknown = metric("relay_webrtc_unknown_dropped_total");
            int framesBefore = client.media.frames;

            InetSocketAddress port = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    relay.ports().webrtc().orElseThrow());
            Random random = new Random(7);
            for (int i = 0; i < 20; i++) {
                send(attacker, port, garbage(random, 0x00, 0x01, 60));          // STUN-looking, broken
                byte[] unknownUser = WhepTestClient.bindingRequest("nosuchuser:x", "abcdefghijklmnopqrstuvwx");
                attacker.send(new DatagramPacket(unknownUser, unknownUser.length, port));
                send(attacker, port, garbage(random, 0x16, 0xFE, 100));         // DTLS record, unknown peer
                send(attacker, port, garbage(random, 0x80, 0x60, 200));         // RTP
                send(attacker, port, garbage(random, 0x80, 0xC9, 40));          // RTCP, unknown peer
                send(attacker, port, garbage(random, 0x50, 0x00, 30));          // none of them
            }
            // Garbage from the playing client's own address: routed to its session and refused by SRTCP/DTLS.
            byte[] forged = garbage(random, 0x80, 0xC9, 60);
            client.socket.send(new DatagramPacket(forged, forged.length));
            byte[] dtlsJunk = garbage(random, 0x17, 0xFE, 60);
            client.socket.send(new DatagramPacket(dtlsJunk, dtlsJunk.length));
            client.receiveFor(Duration.ofSeconds(2));

            assertThat(client.media.frames - framesBefore).as("frames while under garbage").isGreaterThanOrEqualTo(40);
            assertThat(client.media.framesByTag).containsOnlyKeys("DEMO");
            assertThat(metric("relay_webrtc_stun_dropped_total") - stun).isGreaterThanOrEqualTo(40);
            assertThat(metric("relay_webrtc_dtls_dropped_total") - dtls).isGreaterThanOrEqualTo(20);
            assertThat(metric("relay_webrtc_rtp_dropped_total") - rtp).isGreaterThanOrEqualTo(41);
            assertThat(metric("relay_webrtc_unknown_dropped_total") - unknown).isGreaterThanOrEqualTo(20);
        }
    }

    @Test
    void withoutRtxInTheOfferANackIsResentOnTheVideoSsrcAsItWas() throws Exception {
        JsonNode session = newSession("demo", "webrtc", 600);
        try (WhepTestClient client = new WhepTestClient()) {
            HttpResponse<String> r = client.post(base, "demo", session.path("token").asText(), "application/sdp",
                    client.offer("recvonly", false));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            assertThat(client.answer).doesNotContain("rtx", "ssrc-group");
            client.connect(SrtpProfile.AEAD_AES_128_GCM);
            client.receiveFor(Duration.ofSeconds(1));
            long late = client.media.latePackets;

            client.sendNack(client.media.lastSsrc, (client.media.lastSequence() - 3) & 0xFFFF);
            client.receiveFor(Duration.ofMillis(1000));

            assertThat(client.media.rtxPackets).isZero();
            assertThat(client.media.latePackets - late).as("the same packet again, on its own SSRC").isEqualTo(1);
            assertThat(client.media.brokenFrames).isZero();
        }
    }

    @Test
    void iceRestartThroughPatchGivesNewCredentialsAndMediaFollowsTheNewPair() throws Exception {
        JsonNode session = newSession("demo", "webrtc", 600);
        String token = session.path("token").asText();
        String sdpfrag = "application/trickle-ice-sdpfrag";
        try (WhepTestClient client = new WhepTestClient()) {
            assertThat(client.post(base, "demo", token).statusCode()).isEqualTo(201);
            client.connect(SrtpProfile.AEAD_AES_128_GCM);
            assertThat(client.receiveFor(Duration.ofMillis(500))).isPositive();
            String oldEtag = client.etag;
            long restarts = metric("relay_whep_ice_restarts_total");

            String restart = "a=ice-ufrag:NewClient\r\na=ice-pwd:abcdefghijklmnopqrstuvwxyz012345\r\n";
            assertThat(client.send(base, "PATCH", token, sdpfrag, "a=ice-ufrag:NewClient\r\n", "*").statusCode())
                    .as("a restart without a password").isEqualTo(400);
            HttpResponse<String> r = client.send(base, "PATCH", token, sdpfrag, restart, oldEtag);

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct)
                    .startsWith(sdpfrag));
            String newEtag = r.headers().firstValue("ETag").orElseThrow();
            assertThat(newEtag).isNotEqualTo(oldEtag);
            assertThat(r.body()).startsWith("a=ice-lite\r\n").contains("a=end-of-candidates",
                    "127.0.0.1 " + relay.ports().webrtc().orElseThrow() + " typ host");
            String ufrag = line(r.body(), "a=ice-ufrag:");
            String pwd = line(r.body(), "a=ice-pwd:");
            assertThat(client.answer).doesNotContain("a=ice-ufrag:" + ufrag);
            assertThat(metric("relay_whep_ice_restarts_total") - restarts).isEqualTo(1);
            assertThat(client.receiveFor(Duration.ofMillis(500))).as("media goes on before the new check")
                    .isPositive();

            client.recheck(ufrag, pwd, "NewClient");
            int frames = client.media.frames;
            client.receiveFor(Duration.ofSeconds(2));
            assertThat(client.media.frames - frames).as("frames after the restart's check").isGreaterThan(30);
            assertThat(client.media.brokenFrames).isZero();
            assertThat(client.send(base, "PATCH", token, sdpfrag, restart.replace("NewClient", "Third"), oldEtag)
                    .statusCode()).as("the old ETag is stale now").isEqualTo(412);
            assertThat(client.send(base, "DELETE", token, null, null, null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void receiverReportsGiveTheSessionAnRttInTheSessionsApiAndMetrics() throws Exception {
        JsonNode session = newSession("demo", "webrtc", 600);
        try (WhepTestClient client = new WhepTestClient()) {
            assertThat(client.post(base, "demo", session.path("token").asText()).statusCode()).isEqualTo(201);
            client.connect(SrtpProfile.AES128_CM_HMAC_SHA1_80);
            client.receiveFor(Duration.ofMillis(1500));
            assertThat(client.lastSrNanos).as("a sender report arrived").isPositive();
            Thread.sleep(30); // the report is held 30 ms: DLSR says so and the RTT must not include it
            client.sendReceiverReport(client.media.lastSsrc);
            client.receiveFor(Duration.ofMillis(300));

            JsonNode entry = null;
            for (JsonNode s : JSON.readTree(admin("GET", "/api/v1/sessions", null).body()).path("sessions")) {
                if (s.path("sessionId").asText().equals(session.path("sessionId").asText())) {
                    entry = s;
                }
            }
            assertThat(entry).isNotNull();
            JsonNode estimate = entry.path("webrtc").path("estimate");
            assertThat(entry.path("webrtc").path("rtx").asBoolean()).isTrue();
            assertThat(estimate.path("reportBlocks").asLong()).isEqualTo(1);
            assertThat(estimate.path("rttMillis").asDouble()).as("loopback RTT: %s", estimate)
                    .isGreaterThan(0).isLessThan(25);
            assertThat(metricText()).contains("relay_whep_session_rtt_seconds{camera=\"demo\",session=\""
                    + entry.path("webrtc").path("whepSession").asText() + "\"}");
        }
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] garbage(Random random, int first, int second, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        b[0] = (byte) first;
        b[1] = (byte) second;
        return b;
    }

    private static void send(DatagramSocket socket, InetSocketAddress to, byte[] data) throws Exception {
        socket.send(new DatagramPacket(data, data.length, to));
    }

    private static JsonNode newSession(String camera, String protocol, int ttl) throws Exception {
        HttpResponse<String> r = admin("POST", "/api/v1/cameras/" + camera + "/sessions",
                "{\"protocol\": \"" + protocol + "\", \"ttlSeconds\": " + ttl + ", \"viewer\": \"tester\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body());
    }

    private static HttpResponse<String> admin(String method, String path, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String line(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length())
                .strip();
    }

    private static String metricText() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static long metric(String name) throws Exception {
        String text = metricText();
        return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    private static void assertJsonError(HttpResponse<String> r, int status) throws Exception {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("error").asText()).isNotBlank();
        assertThat(body.path("message").asText()).isNotBlank();
    }

    private static void awaitLive(String camera) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (relay.cameras().find(camera).map(c -> c.state().isLive()).orElse(false)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError(camera + " not live within 10 s");
    }

    /** The demo clip with its SEI camera tag replaced, so a second camera's frames are told apart from demo's. */
    private static DemoClip retag(DemoClip clip, String tag) {
        byte[] sei = SeiCameraTag.buildSei(tag);
        List<UnsafeBuffer> frames = new ArrayList<>();
        for (UnsafeBuffer au : clip.frames()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int at = 0;
            while (at + 4 <= au.capacity()) {
                int length = au.getInt(at, java.nio.ByteOrder.BIG_ENDIAN);
                byte[] nal = new byte[length];
                au.getBytes(at + 4, nal);
                at += 4 + length;
                byte[] keep = SeiCameraTag.find(List.of(nal)).isPresent() ? sei : nal;
                out.writeBytes(ByteBuffer.allocate(4).putInt(keep.length).array());
                out.writeBytes(keep);
            }
            frames.add(new UnsafeBuffer(out.toByteArray()));
        }
        return new DemoClip(clip.format(), frames, clip.keyframes(), clip.gopFrames());
    }
}
