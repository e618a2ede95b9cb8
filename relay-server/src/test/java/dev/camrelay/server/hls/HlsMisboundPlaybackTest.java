package dev.camrelay.server.hls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.camrelay.core.session.SessionId;
import dev.camrelay.core.session.ViewerSession;
import dev.camrelay.server.demo.ClipFeeds;
import dev.camrelay.server.demo.DemoCamera;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Fault injection (isolation.md scorecard #3): a sid whose binding names the demo camera's session but another
 * camera's stream, as a bug in the relay's own mapping would make it. The egress check refuses every request on it
 * with zero media bytes, counts the violation and leaves the other viewers alone. Its own relay, so the violation it
 * provokes cannot meet another test's "no violation" assertion.
 */
class HlsMisboundPlaybackTest {

    @Test
    void aSidBoundToAnotherCamerasStreamIsRefusedAtEgressCountedAndServesNoMedia() throws Exception {
        try (HlsTestRig rig = new HlsTestRig()) {
            HttpResponse<String> created = rig.admin("POST", "/api/v1/cameras",
                    "{\"id\":\"cam-b\",\"publish\":{\"user\":\"camb\",\"password\":\"camb-secret-pw\"}}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            try (DemoCamera feed = ClipFeeds.start(HlsTestRig.taggedClip("CAM-B", 2),
                    rig.relay.cameras().find("cam-b").orElseThrow().sink())) {
                rig.awaitLive("cam-b");
                JsonNode demo = rig.session("demo", 600);
                String honest = rig.mediaPlaylistUrl(demo.path("hlsUrl").asText());
                ViewerSession session = rig.relay.sessions()
                        .find(SessionId.parse(demo.path("sessionId").asText()).orElseThrow()).orElseThrow();
                HlsStream camB = rig.relay.hlsStreams().forCamera("cam-b").orElseThrow();
                long epoch = camB.epoch();

                HlsPlayback misbound = rig.relay.hlsApi().playbacks().create(session, camB, Instant.now());
                String base = "/hls/s/" + misbound.sid() + "/source/";
                for (String name : new String[] {"index.m3u8", "init-" + epoch + ".mp4",
                        "part-" + epoch + "-0.m4s", "seg-" + epoch + "-0.m4s"}) {
                    HttpResponse<byte[]> r = rig.get(base + name);
                    assertThat(r.statusCode()).as(name).isEqualTo(403);
                    assertThat(r.headers().firstValue("Content-Type").orElse("")).as(name)
                            .startsWith("application/json");
                    assertThat(HlsTestRig.text(r)).as(name).contains("camera_mismatch").doesNotContain("#EXTM3U");
                }

                assertThat(rig.relay.violations().total()).as("violations counted").isEqualTo(4);
                assertThat(rig.relay.hlsRefusals().total(HlsRefusal.CAMERA_MISMATCH)).isEqualTo(4);
                HttpResponse<byte[]> stillServed = rig.get(honest);
                assertThat(stillServed.statusCode()).as("the demo viewer's own sid").isEqualTo(200);
            }
        }
    }
}
