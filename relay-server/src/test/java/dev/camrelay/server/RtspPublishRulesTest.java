package dev.camrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may publish what (protocols.md 2.1, 2.4): each camera's buffer holds only its own publisher's frames, wrong
 * credentials publish nothing, a second publisher of a live camera is refused, and the camera's path is recognised
 * however the client spells it.
 */
@Timeout(180)
class RtspPublishRulesTest {

    private static final int SECONDS = RtspPushIngestTest.SECONDS;
    private static Relay relay;
    private static TestClient api;
    private static int rtspPort;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        relay = RtspTestRelay.start();
        api = RtspTestRelay.admin(relay);
        rtspPort = relay.ports().rtsp().getAsInt();
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    @Test
    void twoCamerasPushingAtOnceEachBufferHoldsOnlyItsOwnTag() throws Exception {
        RtspPushIngestTest.addPushCamera(api, "two-a", "ua", "pa");
        RtspPushIngestTest.addPushCamera(api, "two-b", "ub", "pb");
        try (StreamCollector a = new StreamCollector(relay, "two-a");
             StreamCollector b = new StreamCollector(relay, "two-b");
             ExternalPeer fa = ExternalPeer.ffmpegPush(dir.resolve("a.log"),
                     RtspPushIngestTest.pushUrl(relay, "ua", "pa", "two-a"), "tcp", "CAMERA-A", SECONDS);
             ExternalPeer fb = ExternalPeer.ffmpegPush(dir.resolve("b.log"),
                     RtspPushIngestTest.pushUrl(relay, "ub", "pb", "two-b"), "udp", "CAMERA-B", SECONDS)) {
            long ea = RtspPushIngestTest.awaitCamera(api, "two-a", Duration.ofSeconds(15), RtspPushIngestTest::live)
                    .path("epoch").asLong();
            long eb = RtspPushIngestTest.awaitCamera(api, "two-b", Duration.ofSeconds(15), RtspPushIngestTest::live)
                    .path("epoch").asLong();
            assertThat(fa.await(SECONDS + 15)).as(fa.logText()).isZero();
            assertThat(fb.await(SECONDS + 15)).as(fb.logText()).isZero();
            RtspPushIngestTest.awaitCamera(api, "two-a", Duration.ofSeconds(5), c -> !RtspPushIngestTest.live(c));
            RtspPushIngestTest.awaitCamera(api, "two-b", Duration.ofSeconds(5), c -> !RtspPushIngestTest.live(c));
            a.close();
            b.close();
            assertThat(a.problems()).isEmpty();
            assertThat(b.problems()).isEmpty();
            RtspPushIngestTest.assertSourceStream(a.video(ea), SECONDS * 25, "CAMERA-A");
            RtspPushIngestTest.assertSourceStream(b.video(eb), SECONDS * 25, "CAMERA-B");
            assertThat(relay.violations().total()).isZero();
        } finally {
            api.delete("/api/v1/cameras/two-a");
            api.delete("/api/v1/cameras/two-b");
        }
    }

    @Test
    void wrongOrMissingPublishCredentialsAre401AndNothingIsPublished() throws Exception {
        RtspPushIngestTest.addPushCamera(api, "locked", "owner", "right");
        try {
            try (ExternalPeer ffmpeg = ExternalPeer.ffmpegPush(dir.resolve("wrong.log"),
                    RtspPushIngestTest.pushUrl(relay, "owner", "wrong", "locked"), "tcp", "CAMERA-X", 2)) {
                assertThat(ffmpeg.await(20)).isNotZero();
                assertThat(ffmpeg.logText()).contains("401");
            }
            try (RawRtsp raw = new RawRtsp(rtspPort)) {
                String sdp = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\n"
                        + "a=rtpmap:96 H264/90000\r\na=control:streamid=0\r\n";
                String head = raw.send("ANNOUNCE rtsp://127.0.0.1/locked RTSP/1.0\r\nCSeq: 1\r\n"
                        + "Content-Type: application/sdp\r\nContent-Length: " + sdp.length() + "\r\n\r\n" + sdp)
                        .readHead();
                assertThat(head).startsWith("RTSP/1.0 401").contains("WWW-Authenticate: Digest")
                        .contains("WWW-Authenticate: Basic");
                // The connection is kept for the retry with credentials (FFmpeg's way, protocols.md 2.4).
                String basic = Base64.getEncoder().encodeToString("owner:wrong".getBytes(StandardCharsets.UTF_8));
                head = raw.send("SETUP rtsp://127.0.0.1/locked/streamid=0 RTSP/1.0\r\nCSeq: 2\r\n"
                        + "Authorization: Basic " + basic + "\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1;"
                        + "mode=record\r\n\r\n").readHead();
                assertThat(head).startsWith("RTSP/1.0 401");
            }
            JsonNode cam = TestClient.json(api.get("/api/v1/cameras/locked"));
            assertThat(cam.path("state").asText()).isEqualTo("idle");
            assertThat(cam.path("framesIn").asLong()).isZero();
            assertThat(cam.path("epoch").asLong()).isZero();
            assertThat(api.get("/metrics").body()).containsPattern("relay_rtsp_auth_failures_total [1-9]");
        } finally {
            api.delete("/api/v1/cameras/locked");
        }
    }

    @Test
    void aSecondPublisherOfALiveCameraIsRefusedAndTheFirstCarriesOn() throws Exception {
        RtspPushIngestTest.addPushCamera(api, "taken", "u", "p");
        String url = RtspPushIngestTest.pushUrl(relay, "u", "p", "taken");
        try (StreamCollector collector = new StreamCollector(relay, "taken");
             ExternalPeer first = ExternalPeer.ffmpegPush(dir.resolve("first.log"), url, "tcp", "FIRST", 6)) {
            long epoch = RtspPushIngestTest.awaitCamera(api, "taken", Duration.ofSeconds(15),
                    RtspPushIngestTest::live).path("epoch").asLong();
            try (ExternalPeer second = ExternalPeer.ffmpegPush(dir.resolve("second.log"), url, "tcp", "SECOND", 2)) {
                assertThat(second.await(20)).isNotZero();
                assertThat(second.logText()).contains("409");
            }
            assertThat(first.await(25)).as(first.logText()).isZero();
            RtspPushIngestTest.awaitCamera(api, "taken", Duration.ofSeconds(5), c -> !RtspPushIngestTest.live(c));
            collector.close();
            assertThat(collector.epochsRead()).isEqualTo(1);
            RtspPushIngestTest.assertSourceStream(collector.video(epoch), 6 * 25, "FIRST");
            assertThat(api.get("/metrics").body()).containsPattern("relay_rtsp_publishers_refused_total [1-9]");
        } finally {
            api.delete("/api/v1/cameras/taken");
        }
    }

    @Test
    void theCameraPathIsRecognisedWithTrailingSlashesAndStreamIds() throws Exception {
        RtspPushIngestTest.addPushCamera(api, "paths", "u", "p");
        String basic = "Basic " + Base64.getEncoder().encodeToString("u:p".getBytes(StandardCharsets.UTF_8));
        String sdp = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=x\r\nt=0 0\r\nm=video 0 RTP/AVP 96\r\n"
                + "a=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1\r\na=control:streamid=0\r\n";
        try (RawRtsp raw = new RawRtsp(rtspPort)) {
            assertThat(raw.send("OPTIONS rtsp://127.0.0.1/paths/ RTSP/1.0\r\nCSeq: 1\r\n\r\n").readHead())
                    .startsWith("RTSP/1.0 200").contains("ANNOUNCE").contains("RECORD");
            assertThat(raw.send("ANNOUNCE rtsp://127.0.0.1:" + rtspPort + "/paths/ RTSP/1.0\r\nCSeq: 2\r\n"
                    + "Authorization: " + basic + "\r\nContent-Type: application/sdp\r\nContent-Length: "
                    + sdp.length() + "\r\n\r\n" + sdp).readHead()).startsWith("RTSP/1.0 200");
            String setup = raw.send("SETUP /paths/streamid=0 RTSP/1.0\r\nCSeq: 3\r\nAuthorization: " + basic
                    + "\r\nTransport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=record\r\n\r\n").readHead();
            assertThat(setup).startsWith("RTSP/1.0 200").contains("interleaved=0-1").contains("Session: ");
            assertThat(raw.send("SETUP rtsp://127.0.0.1/other/streamid=0 RTSP/1.0\r\nCSeq: 4\r\nAuthorization: "
                    + basic + "\r\nTransport: RTP/AVP/TCP;unicast;interleaved=2-3\r\n\r\n").readHead())
                    .startsWith("RTSP/1.0 404");
            assertThat(raw.send("RECORD rtsp://127.0.0.1/paths RTSP/1.0\r\nCSeq: 5\r\nAuthorization: " + basic
                    + "\r\n\r\n").readHead()).startsWith("RTSP/1.0 200");
            RtspPushIngestTest.awaitCamera(api, "paths", Duration.ofSeconds(5), RtspPushIngestTest::live);
        } finally {
            api.delete("/api/v1/cameras/paths");
        }
    }
}
