package dev.camrelay.server.hls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.server.demo.ClipFeeds;
import dev.camrelay.server.demo.DemoCamera;
import dev.camrelay.server.hls.HlsTestRig.ToolRun;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A relay configured with another PART-TARGET ({@code RELAY_HLS_PART_TARGET_MS}) advertises it rounded up to whole
 * frames of the camera (25 fps here: 100 ms is 2.5 frames, 500 ms 12.5), cuts every part to the 85-100 % rule of
 * RFC 8216bis §4.4.4.9, and ffmpeg still plays the stream.
 */
@Timeout(120)
class HlsPartTargetTest {

    private static final Pattern PART = Pattern.compile("^#EXT-X-PART:DURATION=([0-9.]+),URI=\"[^\"]+\"(.*)$");

    /** One part as listed: its duration, whether independent, whether the last of a complete segment. */
    private record Part(double duration, boolean independent, boolean lastOfSegment) {
    }

    @ParameterizedTest(name = "{0} ms -> PART-TARGET={1}")
    @CsvSource({"100, 0.12, 0.36", "500, 0.52, 1.56"})
    void theConfiguredPartTargetIsAdvertisedInWholeFramesPartsObeyItAndFfmpegPlays(int millis, String advertised,
                                                                                 String holdBack) throws Exception {
        try (HlsTestRig rig = new HlsTestRig(Map.of("RELAY_HLS_PART_TARGET_MS", Integer.toString(millis)))) {
            // 2 s GOPs, so a segment has parts that are neither its first (independent) nor its last
            HttpResponse<String> created = rig.admin("POST", "/api/v1/cameras",
                    "{\"id\":\"gop2\",\"publish\":{\"user\":\"gop\",\"password\":\"gop2-secret-pw\"}}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            DemoCamera feed = ClipFeeds.start(HlsTestRig.taggedClip("GOP-2", 6, 50),
                    rig.relay.cameras().find("gop2").orElseThrow().sink());
            try {
                rig.awaitLive("gop2");
                String hlsUrl = rig.session("gop2", 600).path("hlsUrl").asText();
                String media = rig.mediaPlaylistUrl(hlsUrl);
                String playlist = awaitTwoSegments(rig, media);

                assertThat(playlist).contains("#EXT-X-PART-INF:PART-TARGET=" + advertised + "\n",
                        "PART-HOLD-BACK=" + holdBack + "\n");
                double target = Double.parseDouble(advertised);
                List<Part> parts = parts(playlist);
                assertThat(parts).allSatisfy(p -> assertThat(p.duration()).isLessThanOrEqualTo(target));
                List<Part> ruled = parts.stream().filter(p -> !p.independent() && !p.lastOfSegment()).toList();
                assertThat(ruled).as("parts the 85 %% rule applies to, in:\n%s", playlist).isNotEmpty()
                        .allSatisfy(p -> assertThat(p.duration()).isGreaterThanOrEqualTo(0.85 * target));

                ToolRun r = HlsTestRig.run(60, "ffmpeg", "-nostdin", "-v", "error", "-i", hlsUrl,
                        "-frames:v", "75", "-f", "framemd5", "-");
                assertThat(r.exit()).as(r.err()).isZero();
                assertThat(r.err()).as("ffmpeg errors").isBlank();
                assertThat(r.out().lines().filter(l -> !l.startsWith("#")).count()).isGreaterThanOrEqualTo(75);
            } finally {
                feed.close();
            }
        }
    }

    private static String awaitTwoSegments(HlsTestRig rig, String media) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        String p = "";
        while (Instant.now().isBefore(deadline)) {
            p = HlsTestRig.text(rig.get(media));
            if (p.split("#EXTINF:", -1).length > 2) {
                return p;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no two complete segments within 20 s:\n" + p);
    }

    /** Every part listed, with the segment it belongs to known complete when a URI line closes it. */
    private static List<Part> parts(String playlist) {
        List<Part> out = new ArrayList<>();
        List<Part> segment = new ArrayList<>();
        for (String line : playlist.split("\n")) {
            Matcher m = PART.matcher(line);
            if (m.find()) {
                segment.add(new Part(Double.parseDouble(m.group(1)), m.group(2).contains("INDEPENDENT=YES"), false));
            } else if (!line.startsWith("#") && !line.isBlank()) {
                if (!segment.isEmpty()) {
                    Part last = segment.remove(segment.size() - 1);
                    segment.add(new Part(last.duration(), last.independent(), true));
                }
                out.addAll(segment);
                segment.clear();
            }
        }
        out.addAll(segment); // the segment being written: every part of it is complete and held to the rule
        return out;
    }
}
