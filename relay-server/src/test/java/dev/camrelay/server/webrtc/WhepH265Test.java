package dev.camrelay.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.camrelay.rtsp.depacketize.AccessUnitSink;
import dev.camrelay.rtsp.depacketize.H265Depacketizer;
import dev.camrelay.rtsp.rtp.RtpPacket;
import dev.camrelay.server.Relay;
import dev.camrelay.server.config.RelayConfigLoader;
import dev.camrelay.webrtc.dtls.SrtpProfile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * H.265 over WHEP (RFC 7798), only when the viewer offers it: a real FFmpeg pushes libx265 into a push camera; the
 * Java WHEP peer offering H265/90000 gets it and the ingest's own RFC 7798 depacketizer reassembles whole access units
 * with keyframes from the packets; a peer offering only H.264 is refused with a reason (no transcoding).
 */
@Timeout(90)
class WhepH265Test {

    private static final String ADMIN_KEY = "test-admin-key-webrtc-h265-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void anH265CameraPlaysToAPeerThatOffersH265AndIsRefusedToOneThatDoesNot() throws Exception {
        if (!ChromiumDriver.onPath("ffmpeg")) {
            fail("this test needs ffmpeg with libx265 (apt-get install ffmpeg)");
        }
        Path log = Files.createTempFile("ffmpeg-h265", ".log");
        Process ffmpeg = null;
        try (Relay relay = Relay.start(RelayConfigLoader.load(null, Map.of(
                "RELAY_HTTP_PORT", "0", "RELAY_RTSP_PORT", "0", "RELAY_WEBRTC_PORT", "0",
                "RELAY_BIND", "127.0.0.1", "RELAY_ADMIN_KEY", ADMIN_KEY, "RELAY_DEMO", "false")))) {
            String base = "http://127.0.0.1:" + relay.ports().http();
            HttpResponse<String> created = admin(base, "POST", "/api/v1/cameras",
                    "{\"id\": \"hevc-cam\", \"publish\": {\"user\": \"pub\", \"password\": \"pub-secret\"}}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            ffmpeg = new ProcessBuilder(List.of("timeout", "-s", "KILL", "40", "ffmpeg", "-nostdin", "-hide_banner",
                    "-loglevel", "warning", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25", "-t", "30",
                    "-c:v", "libx265", "-preset", "ultrafast", "-tune", "zerolatency",
                    "-x265-params", "keyint=25:min-keyint=25:bframes=0:log-level=error", "-an",
                    "-f", "rtsp", "-rtsp_transport", "tcp", "rtsp://pub:pub-secret@127.0.0.1:"
                            + relay.ports().rtsp().getAsInt() + "/hevc-cam"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            awaitLive(base, "hevc-cam", log);

            try (WhepTestClient h264Only = new WhepTestClient()) {
                HttpResponse<String> r = h264Only.post(base, "hevc-cam", token(base), "application/sdp",
                        h264Only.offer("recvonly"));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
                assertThat(r.body()).contains("H.265");
            }
            try (WhepTestClient client = new WhepTestClient()) {
                int[] units = new int[2];
                H265Depacketizer depacketizer = new H265Depacketizer(0, new AccessUnitSink() {
                    @Override
                    public void onAccessUnit(int track, long pts, long dts, boolean keyframe,
                                             org.agrona.DirectBuffer buffer, int offset, int length) {
                        units[0]++;
                        units[1] += keyframe ? 1 : 0;
                    }
                }, 0);
                RtpPacket packet = new RtpPacket();
                client.rtpListener = (bytes, length) -> {
                    if ((bytes[1] & 0x7F) == 98 && packet.wrap(new UnsafeBuffer(bytes, 0, length), 0, length)
                            == RtpPacket.OK) {
                        depacketizer.onPacket(packet);
                    }
                };
                HttpResponse<String> r = client.post(base, "hevc-cam", token(base), "application/sdp",
                        client.offerWithH265());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                assertThat(client.answer).contains("a=rtpmap:98 H265/90000\r\n").doesNotContain("H264");
                client.connect(SrtpProfile.AEAD_AES_128_GCM);
                client.receiveFor(Duration.ofSeconds(3));

                System.out.printf("WHEP H.265: %d access units, %d keyframes, %d RTP packets%n", units[0], units[1],
                        client.rtpPacketsReceived);
                assertThat(units[0]).as("whole H.265 access units in 3 s at 25 fps").isGreaterThan(40);
                assertThat(units[1]).as("keyframes (IRAP, one a second)").isGreaterThanOrEqualTo(2);
                assertThat(client.srtpRejected).isZero();
            }
            assertThat(relay.violations().total()).isZero();
        } finally {
            if (ffmpeg != null) {
                ffmpeg.descendants().forEach(ProcessHandle::destroyForcibly);
                ffmpeg.destroyForcibly();
                ffmpeg.waitFor(5, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(log);
        }
    }

    private static String token(String base) throws Exception {
        HttpResponse<String> session = admin(base, "POST", "/api/v1/cameras/hevc-cam/sessions",
                "{\"protocol\": \"webrtc\", \"ttlSeconds\": 600, \"viewer\": \"hevc\"}");
        return JSON.readTree(session.body()).path("token").asText();
    }

    private static void awaitLive(String base, String camera, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = JSON.readTree(admin(base, "GET", "/api/v1/cameras/" + camera, null).body());
            if ("live".equals(last.path("state").asText())) {
                return;
            }
            Thread.sleep(100);
        }
        fail("camera %s not live within 20 s: %s%nffmpeg:%n%s", camera, last, Files.readString(log));
    }

    private static HttpResponse<String> admin(String base, String method, String path, String json)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + ADMIN_KEY)
                .method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
