package dev.camrelay.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Camera audio through WHEP (issue 5 §3): a real FFmpeg pushes H.264 with G.711 µ-law (PCMU, 8 kHz) into a push
 * camera over RTSP; the Java WHEP peer offers Opus, PCMU and PCMA and gets PCMU, payload type 0, in 20 ms packets
 * with continuous timestamps, next to video frames tagged with the camera's own tag. (Opus reaches Chromium in
 * {@link ChromiumWhepTest}; AAC is left out of the answer, a unit test of the answer builder.)
 */
@Timeout(90)
class WhepAudioTest {

    private static final String ADMIN_KEY = "test-admin-key-webrtc-audio-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @Test
    void pcmuFromAnFfmpegCameraArrivesAsPayloadType0InTwentyMillisecondPackets() throws Exception {
        if (!ChromiumDriver.onPath("ffmpeg")) {
            fail("this test needs ffmpeg (apt-get install ffmpeg)");
        }
        Path log = Files.createTempFile("ffmpeg-pcmu", ".log");
        Process ffmpeg = null;
        try (Relay relay = Relay.start(RelayConfigLoader.load(null, Map.of(
                "RELAY_HTTP_PORT", "0", "RELAY_RTSP_PORT", "0", "RELAY_WEBRTC_PORT", "0",
                "RELAY_BIND", "127.0.0.1", "RELAY_ADMIN_KEY", ADMIN_KEY, "RELAY_DEMO", "false")))) {
            String base = "http://127.0.0.1:" + relay.ports().http();
            HttpResponse<String> created = admin(base, "POST", "/api/v1/cameras",
                    "{\"id\": \"pcmu-cam\", \"publish\": {\"user\": \"pub\", \"password\": \"pub-secret\"}}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            ffmpeg = new ProcessBuilder(List.of("timeout", "-s", "KILL", "40", "ffmpeg", "-nostdin", "-hide_banner",
                    "-loglevel", "warning", "-re", "-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
                    "-f", "lavfi", "-i", "sine=sample_rate=8000", "-t", "30",
                    "-c:v", "libx264", "-tune", "zerolatency", "-g", "25", "-c:a", "pcm_mulaw", "-ar", "8000",
                    "-bsf:v", "dump_extra=freq=all,h264_metadata=sei_user_data="
                            + "086f3693-b7b3-4f2c-9653-21492feee5b8+PCMU-CAM",
                    "-f", "rtsp", "-rtsp_transport", "tcp", "rtsp://pub:pub-secret@127.0.0.1:"
                            + relay.ports().rtsp().getAsInt() + "/pcmu-cam"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            awaitLive(base, "pcmu-cam", log);

            HttpResponse<String> session = admin(base, "POST", "/api/v1/cameras/pcmu-cam/sessions",
                    "{\"protocol\": \"webrtc\", \"ttlSeconds\": 600, \"viewer\": \"audio\"}");
            String token = JSON.readTree(session.body()).path("token").asText();
            try (WhepTestClient client = new WhepTestClient()) {
                HttpResponse<String> r = client.post(base, "pcmu-cam", token, "application/sdp",
                        client.offerWithAudio());
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                assertThat(client.answer).contains("m=audio " + relay.ports().webrtc().orElseThrow()
                        + " UDP/TLS/RTP/SAVPF 0\r\n", "a=rtpmap:0 PCMU/8000\r\n", "a=group:BUNDLE 0 1\r\n");
                client.connect(SrtpProfile.AEAD_AES_128_GCM);
                client.receiveFor(Duration.ofSeconds(3));

                AccessUnitAssembler m = client.media;
                List<int[]> audio = m.otherPacketHeaders;
                System.out.printf("WHEP audio: %d video frames %s, %d audio packets%n", m.frames, m.framesByTag,
                        m.otherPackets);
                assertThat(m.framesByTag).containsOnlyKeys("PCMU-CAM");
                assertThat(m.frames).isGreaterThan(40);
                assertThat(m.otherPackets).as("50 packets a second").isGreaterThan(100);
                assertThat(audio).allSatisfy(h -> {
                    assertThat(h[0]).as("payload type").isZero();
                    assertThat(h[3]).as("payload bytes: 20 ms at 8 kHz, or the rest of a frame").isBetween(1, 160);
                });
                int fullPackets = 0;
                for (int i = 1; i < audio.size(); i++) {
                    assertThat((audio.get(i)[1] - audio.get(i - 1)[1]) & 0xFFFF).as("sequence step").isEqualTo(1);
                    int step = audio.get(i)[2] - audio.get(i - 1)[2];
                    assertThat(step).as("timestamp advances by the previous packet's samples")
                            .isEqualTo(audio.get(i - 1)[3]);
                    fullPackets += audio.get(i)[3] == 160 ? 1 : 0;
                }
                assertThat(fullPackets).isGreaterThan(audio.size() / 2);
                assertThat(audio.get(0)[4]).as("marker on the first audio packet").isEqualTo(1);
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
