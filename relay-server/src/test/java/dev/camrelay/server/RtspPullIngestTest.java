package dev.camrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pull cameras (protocols.md 1) against the real relay and a real GStreamer RTSP server with Digest auth
 * (test-rig.md, {@code gstreamer/rtsp_camera.py}): the camera goes live; when the source dies the camera shows
 * {@code reconnecting} with the reason and the next attempt; when the source is back it is live on a new epoch.
 */
@Timeout(180)
class RtspPullIngestTest {

    private static Relay relay;
    private static TestClient api;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        relay = RtspTestRelay.start();
        api = RtspTestRelay.admin(relay);
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    /** GStreamer's live test pattern, /cam behind Digest u/p. */
    static GstRtspCamera gstreamerCamera(Path log, int port) throws Exception {
        return GstRtspCamera.start(log, port, "u", "p");
    }

    @Test
    void gstreamerCameraPulledWithDigestGoesLiveAndComesBackOnANewEpochAfterItDies() throws Exception {
        int port = GstRtspCamera.freePort();
        String id = "pulled";
        long firstEpoch;
        try (StreamCollector collector = new StreamCollector(relay, id)) {
            try (GstRtspCamera camera = gstreamerCamera(dir.resolve("gst1.log"), port)) {
                HttpResponse<String> r = api.post("/api/v1/cameras", "{\"id\": \"" + id
                        + "\", \"source\": \"rtsp://u:p@127.0.0.1:" + port + "/cam\"}");
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                JsonNode cam = RtspPushIngestTest.awaitCamera(api, id, Duration.ofSeconds(20),
                        RtspPushIngestTest::live);
                assertThat(cam.path("codecs").toString()).contains("H264");
                assertThat(cam.path("width").asInt()).isEqualTo(320);
                assertThat(cam.path("height").asInt()).isEqualTo(240);
                firstEpoch = cam.path("epoch").asLong();
                Thread.sleep(3000);
            }
            // The source is killed: the relay notices the connection drop and retries with backoff.
            JsonNode down = RtspPushIngestTest.awaitCamera(api, id, Duration.ofSeconds(15),
                    c -> c.path("state").asText().equals("reconnecting"));
            assertThat(TestClient.json(api.get("/api/v1/cameras/" + id)).path("state").asText())
                    .isIn("reconnecting", "live");
            assertThat(down.path("epoch").asLong()).isEqualTo(firstEpoch);
            Thread.sleep(1500);
            JsonNode retrying = TestClient.json(api.get("/api/v1/cameras/" + id));
            assertThat(retrying.path("state").asText()).isEqualTo("reconnecting");
            assertThat(retrying.path("stateReason").asText()).contains("next attempt in");

            try (GstRtspCamera camera = gstreamerCamera(dir.resolve("gst2.log"), port)) {
                JsonNode back = RtspPushIngestTest.awaitCamera(api, id, Duration.ofSeconds(45),
                        RtspPushIngestTest::live);
                assertThat(back.path("epoch").asLong()).isGreaterThan(firstEpoch);
                Thread.sleep(2000);
                collector.close();
                assertThat(collector.problems()).isEmpty();
                assertThat(collector.epochsRead()).isEqualTo(2);
                for (long epoch : List.of(firstEpoch, back.path("epoch").asLong())) {
                    List<StreamCollector.Unit> video = collector.video(epoch);
                    assertThat(video).as("epoch %d", epoch).hasSizeGreaterThan(25);
                    assertThat(video.getFirst().keyframe()).isTrue();
                    for (int i = 1; i < video.size(); i++) {
                        assertThat(video.get(i).pts()).isGreaterThan(video.get(i - 1).pts());
                    }
                }
            } finally {
                assertThat(api.delete("/api/v1/cameras/" + id).statusCode()).isEqualTo(204);
            }
        }
    }

    @Test
    void anOnDemandCameraConnectsWhenAViewerArrivesAndGoesIdleAfterTheGrace() throws Exception {
        int port = GstRtspCamera.freePort();
        String id = "on-demand";
        try (GstRtspCamera camera = gstreamerCamera(dir.resolve("gst-od.log"), port)) {
            HttpResponse<String> r = api.post("/api/v1/cameras", "{\"id\": \"" + id
                    + "\", \"source\": \"rtsp://u:p@127.0.0.1:" + port + "/cam\", \"onDemand\": true}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            Thread.sleep(1500);
            JsonNode before = TestClient.json(api.get("/api/v1/cameras/" + id));
            assertThat(before.path("state").asText()).isEqualTo("idle");
            assertThat(before.path("epoch").asLong()).isZero();

            HttpResponse<String> session = api.post("/api/v1/cameras/" + id + "/sessions",
                    "{\"protocol\": \"hls\", \"ttlSeconds\": 600, \"viewer\": \"od-test\"}");
            assertThat(session.statusCode()).as(session.body()).isEqualTo(201);
            RtspPushIngestTest.awaitCamera(api, id, Duration.ofSeconds(15), RtspPushIngestTest::live);

            String sessionId = TestClient.json(session).path("sessionId").asText();
            assertThat(api.delete("/api/v1/sessions/" + sessionId).statusCode()).isEqualTo(204);
            long left = System.nanoTime();
            RtspPushIngestTest.awaitCamera(api, id, Duration.ofSeconds(60),
                    c -> c.path("state").asText().equals("idle"));
            assertThat(Duration.ofNanos(System.nanoTime() - left)).as("stays connected for the grace period")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(25));
        } finally {
            api.delete("/api/v1/cameras/" + id);
        }
    }
}
