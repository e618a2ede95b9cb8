package dev.camrelay.server.hls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The player page, its bundled hls.js, and the rate-limited demo session endpoint. */
@Timeout(60)
class PlayerPageTest {

    private static HlsTestRig rig;

    @BeforeAll
    static void start() throws Exception {
        rig = new HlsTestRig();
    }

    @AfterAll
    static void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void playerPageLoadsTheBundledHlsJsInLowLatencyMode() throws Exception {
        HttpResponse<byte[]> page = rig.get("/play/demo");
        HttpResponse<byte[]> script = rig.get("/play/assets/hls.min.js");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct)
                .startsWith("text/html"));
        assertThat(HlsTestRig.text(page)).contains("/play/assets/hls.min.js", "lowLatencyMode: true")
                .doesNotContain("cdn");
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(HlsTestRig.text(script)).contains("1.7.4");
        assertThat(rig.get("/play/assets/hls.js-LICENSE.txt").statusCode()).isEqualTo(200);
        assertThat(rig.get("/play/no-such-camera").statusCode()).isEqualTo(404);
    }

    @Test
    void demoSessionEndpointMintsAPlayableDemoSessionAndIsRateLimited() throws Exception {
        HttpResponse<String> first = post("/play/demo/session");
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        JsonNode session = HlsTestRig.JSON.readTree(first.body());
        String media = rig.mediaPlaylistUrl(session.path("hlsUrl").asText());
        assertThat(HlsTestRig.text(rig.get(media))).contains("#EXT-X-PART");

        int limited = 0;
        for (int i = 0; i < 15; i++) {
            HttpResponse<String> r = post("/play/demo/session");
            if (r.statusCode() == 429) {
                limited++;
                assertThat(r.headers().firstValue("Retry-After")).isPresent();
                assertThat(r.body()).contains("\"error\"");
            }
        }
        assertThat(limited).isPositive();
        assertThat(post("/play/cam-x/session").statusCode()).isIn(404, 405);
    }

    private static HttpResponse<String> post(String path) throws Exception {
        return rig.http.send(HttpRequest.newBuilder(rig.resolve(path)).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
