package dev.camrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.camrelay.server.config.RelayConfigLoader;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Push cameras (protocols.md 2) against the real relay, started in-process on ephemeral ports, with a real FFmpeg
 * publishing the test rig's tagged stream (test-rig.md): the camera goes live with the SPS's codec facts, every
 * access unit in its buffer carries its own camera's tag, frames and keyframes are where the source put them.
 */
@Timeout(180)
class RtspPushIngestTest {

    static final String ADMIN_KEY = "test-admin-key-rtsp-0123456789";
    /** Seconds each FFmpeg publishes: 25 fps, so 25 frames a second and one keyframe a second (-g 25). */
    static final int SECONDS = 4;
    static final int GOP = 25;

    private static Relay relay;
    private static TestClient api;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        relay = Relay.start(RelayConfigLoader.load(null, Map.of(
                "RELAY_HTTP_PORT", "0", "RELAY_RTSP_PORT", "0", "RELAY_WEBRTC_PORT", "0",
                "RELAY_BIND", "127.0.0.1", "RELAY_ADMIN_KEY", ADMIN_KEY, "RELAY_DEMO", "false",
                "RELAY_STREAM_BUFFER_BYTES", Integer.toString(16 << 20))));
        api = new TestClient("http://127.0.0.1:" + relay.ports().http(), ADMIN_KEY);
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    static void addPushCamera(TestClient api, String id, String user, String password) throws Exception {
        HttpResponse<String> r = api.post("/api/v1/cameras", "{\"id\": \"" + id + "\", \"publish\": {\"user\": \""
                + user + "\", \"password\": \"" + password + "\"}}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    static String pushUrl(Relay relay, String user, String password, String id) {
        return "rtsp://" + user + ":" + password + "@127.0.0.1:" + relay.ports().rtsp().getAsInt() + "/" + id;
    }

    /** Polls the camera until {@code until} holds; returns the last view. */
    static JsonNode awaitCamera(TestClient api, String id, Duration within, Predicate<JsonNode> until)
            throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = TestClient.json(api.get("/api/v1/cameras/" + id));
            if (until.test(last)) {
                return last;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("camera " + id + " did not reach the expected state within " + within + ": "
                + last);
    }

    static boolean live(JsonNode camera) {
        return "live".equals(camera.path("state").asText());
    }

    /**
     * What every push test checks of one epoch's video as read from the buffer: within one GOP of the source's
     * frame count, keyframes exactly every GOP from the first, strictly increasing pts, every unit tagged.
     */
    static void assertSourceStream(List<StreamCollector.Unit> video, int sourceFrames, String tag) {
        assertThat(video.size()).as("frames read").isBetween(sourceFrames - GOP, sourceFrames);
        assertThat(video.getFirst().keyframe()).as("first frame read is a keyframe").isTrue();
        List<Integer> keyframes = new ArrayList<>();
        for (int i = 0; i < video.size(); i++) {
            if (video.get(i).keyframe()) {
                keyframes.add(i);
            }
            if (i > 0) {
                assertThat(video.get(i).pts()).as("pts of frame %d", i).isGreaterThan(video.get(i - 1).pts());
            }
        }
        for (int k = 0; k < keyframes.size(); k++) {
            assertThat(keyframes.get(k)).as("keyframe %d", k).isEqualTo(k * GOP);
        }
        assertThat(keyframes).hasSize((video.size() + GOP - 1) / GOP);
        assertThat(video).as("every access unit carries the camera's tag").allMatch(u -> u.tag().equals(tag));
    }

    private void pushesAndIsReadBack(String id, String transport, String tag) throws Exception {
        addPushCamera(api, id, "user", "pw");
        try (StreamCollector collector = new StreamCollector(relay, id);
             ExternalPeer ffmpeg = ExternalPeer.ffmpegPush(dir.resolve(id + ".log"),
                     pushUrl(relay, "user", "pw", id), transport, tag, SECONDS)) {
            JsonNode cam = awaitCamera(api, id, Duration.ofSeconds(15), RtspPushIngestTest::live);
            assertThat(cam.path("codecs").toString()).contains("H264").contains("AAC");
            assertThat(cam.path("width").asInt()).isEqualTo(640);
            assertThat(cam.path("height").asInt()).isEqualTo(360);
            assertThat(cam.path("fps").asDouble()).isEqualTo(25.0);
            long epoch = cam.path("epoch").asLong();
            assertThat(epoch).isPositive();

            assertThat(ffmpeg.await(SECONDS + 15)).as(ffmpeg.logText()).isZero();
            JsonNode after = awaitCamera(api, id, Duration.ofSeconds(5), c -> !live(c));
            assertThat(after.path("state").asText()).isEqualTo("reconnecting");
            collector.close();
            assertThat(collector.problems()).isEmpty();
            assertSourceStream(collector.video(epoch), SECONDS * 25, tag);
        } finally {
            api.delete("/api/v1/cameras/" + id);
        }
    }

    @Test
    void ffmpegPushOverTcpGoesLiveWithCodecFactsAndEveryFrameTagged() throws Exception {
        pushesAndIsReadBack("cam-tcp", "tcp", "CAMERA-A");
    }

    @Test
    void ffmpegPushOverUdpGoesLiveWithCodecFactsAndEveryFrameTagged() throws Exception {
        pushesAndIsReadBack("cam-udp", "udp", "CAMERA-U");
    }
}
