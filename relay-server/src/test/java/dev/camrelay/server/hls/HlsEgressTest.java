package dev.camrelay.server.hls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.camrelay.core.ingest.IngestSink;
import dev.camrelay.server.demo.ClipFeeds;
import dev.camrelay.server.demo.DemoCamera;
import dev.camrelay.server.hls.HlsTestRig.ToolRun;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * LL-HLS egress of the real relay (in-process, port 0) against real clients: ffmpeg, and a Java client that fetches
 * like a player and checks the SEI camera tag of every access unit it receives.
 */
@Timeout(120)
class HlsEgressTest {

    private static final Pattern PART = Pattern.compile("^#EXT-X-PART:.*URI=\"(part-(\\d+)-(\\d+)\\.m4s)\"");
    private static HlsTestRig rig;
    private static byte[] camB;
    private static IngestSink camBSink;
    private static DemoCamera camBFeed;

    @BeforeAll
    static void start() throws Exception {
        rig = new HlsTestRig();
        camB = HlsTestRig.taggedClip("CAM-B", 4);
        HttpResponse<String> created = rig.admin("POST", "/api/v1/cameras",
                "{\"id\":\"cam-b\",\"publish\":{\"user\":\"camb\",\"password\":\"camb-secret-pw\"}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        camBSink = rig.relay.cameras().find("cam-b").orElseThrow().sink();
        camBFeed = ClipFeeds.start(camB, camBSink);
        rig.awaitLive("cam-b");
    }

    @AfterAll
    static void stop() {
        if (camBFeed != null) {
            camBFeed.close();
        }
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void ffmpegDecodesTheDemoCameraFromItsHlsUrl() throws Exception {
        String hlsUrl = rig.session("demo", 600).path("hlsUrl").asText();

        ToolRun r = HlsTestRig.run(60, "ffmpeg", "-nostdin", "-v", "error", "-i", hlsUrl, "-frames:v", "60",
                "-f", "framemd5", "-");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).as("ffmpeg errors").isBlank();
        long frames = r.out().lines().filter(l -> !l.startsWith("#")).count();
        assertThat(frames).isGreaterThanOrEqualTo(50);
    }

    @Test
    void everyAccessUnitOfTheDemoCameraCarriesItsTag() throws Exception {
        Fetched f = fetchAll(rig.mediaPlaylistUrl(rig.session("demo", 600).path("hlsUrl").asText()));

        assertThat(f.tags).hasSizeGreaterThanOrEqualTo(25).containsOnly("DEMO");
    }

    @Test
    void twoCamerasTwoViewersEachGetOnlyTheirOwnCamerasAccessUnits() throws Exception {
        List<Fetched> demo = new ArrayList<>();
        List<Fetched> b = new ArrayList<>();
        for (int viewer = 0; viewer < 2; viewer++) {
            demo.add(fetchAll(rig.mediaPlaylistUrl(rig.session("demo", 600).path("hlsUrl").asText())));
            b.add(fetchAll(rig.mediaPlaylistUrl(rig.session("cam-b", 600).path("hlsUrl").asText())));
        }

        for (Fetched f : demo) {
            assertThat(f.tags).hasSizeGreaterThanOrEqualTo(25).containsOnly("DEMO");
        }
        for (Fetched f : b) {
            assertThat(f.tags).hasSizeGreaterThanOrEqualTo(25).containsOnly("CAM-B");
        }
    }

    @Test
    void mediaResponsesArePrivateAndPlaylistsNoCacheWithCors() throws Exception {
        String media = rig.mediaPlaylistUrl(rig.session("demo", 600).path("hlsUrl").asText());
        String origin = rig.relay.links().origin();

        HttpResponse<byte[]> playlist = rig.get(media, Map.of("Origin", origin));
        String init = media.replace("index.m3u8", HlsTestRig.mediaUris(HlsTestRig.text(playlist)).get(0));
        HttpResponse<byte[]> initResponse = rig.get(init, Map.of("Origin", origin));

        assertThat(playlist.headers().firstValue("Content-Type")).hasValue(HlsApi.PLAYLIST_TYPE);
        assertThat(playlist.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(playlist.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
        assertThat(initResponse.statusCode()).isEqualTo(200);
        assertThat(initResponse.headers().firstValue("Content-Type")).hasValue(HlsApi.MEDIA_TYPE);
        assertThat(initResponse.headers().firstValue("Cache-Control")).hasValue("private");
        assertThat(initResponse.headers().firstValue("Access-Control-Allow-Origin")).hasValue(origin);
        assertThat(rig.get(media.replace("index.m3u8", "nope.m4s")).statusCode()).isEqualTo(404);
        assertThat(rig.get(media.replace("index.m3u8", "part-1-999999.m4s")).statusCode()).isEqualTo(403);
    }

    @Test
    void refusedRequestsGet403JsonAndNoMediaByte() throws Exception {
        JsonNode demoSession = rig.session("demo", 600);
        String demoMedia = rig.mediaPlaylistUrl(demoSession.path("hlsUrl").asText());
        String demoInit = demoMedia.replace("index.m3u8",
                HlsTestRig.mediaUris(HlsTestRig.text(rig.get(demoMedia))).get(0));
        JsonNode bSession = rig.session("cam-b", 600);
        String bMedia = rig.mediaPlaylistUrl(bSession.path("hlsUrl").asText());
        String bSid = bMedia.split("/s/")[1].split("/")[0];

        // demo's init through cam-b's sid: another camera's stream, another epoch
        assertRefused(demoInit.replaceFirst("/s/[^/]+/", "/s/" + bSid + "/"));
        // cam-b's token on the demo camera
        assertRefused(rig.base + "/hls/demo/index.m3u8?token=" + bSession.path("token").asText());
        // an unknown sid
        assertRefused(demoMedia.replaceFirst("/s/[^/]+/", "/s/AAAAAAAAAAAAAAAAAAAAAA/"));
        // a revoked session: playlists and media
        assertThat(rig.admin("DELETE", "/api/v1/sessions/" + demoSession.path("sessionId").asText(), null)
                .statusCode()).isEqualTo(204);
        assertRefused(demoMedia);
        assertRefused(demoInit);
        // an expired session
        JsonNode shortLived = rig.session("demo", 1);
        String shortMedia = rig.mediaPlaylistUrl(shortLived.path("hlsUrl").asText());
        Thread.sleep(1_600);
        assertRefused(shortMedia);
        assertRefused(shortLived.path("hlsUrl").asText());
        assertThat(rig.relay.hlsRefusals().total()).isGreaterThanOrEqualTo(4);
        assertThat(HlsTestRig.text(rig.get("/metrics"))).contains("relay_hls_refusals_total{reason=\"unknown_sid\"}",
                "relay_hls_refusals_total{reason=\"stale_epoch\"}", "relay_isolation_violations_total 0");
    }

    @Test
    void blockingReloadReturnsWhenTheNextPartIsPublished() throws Exception {
        String media = rig.mediaPlaylistUrl(rig.session("demo", 600).path("hlsUrl").asText());
        String playlist = HlsTestRig.text(rig.get(media));
        long[] last = lastPart(playlist);
        long msn = last[1];
        long part = last[2] + 1;

        Instant t0 = Instant.now();
        HttpResponse<byte[]> r = rig.get(media + "?_HLS_msn=" + msn + "&_HLS_part=" + part);
        Duration held = Duration.between(t0, Instant.now());

        assertThat(r.statusCode()).isEqualTo(200);
        long[] now = lastPart(HlsTestRig.text(r));
        assertThat(now[1] > msn || (now[1] == msn && now[2] >= part)).as(HlsTestRig.text(r)).isTrue();
        assertThat(held).isLessThan(Duration.ofSeconds(2));
    }

    @Test
    void theHintedPartIsHeldUntilPublishedThenSentWhole() throws Exception {
        String media = rig.mediaPlaylistUrl(rig.session("demo", 600).path("hlsUrl").asText());
        String playlist = HlsTestRig.text(rig.get(media));
        Matcher hint = Pattern.compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"([^\"]+)\"").matcher(playlist);
        assertThat(hint.find()).as(playlist).isTrue();

        HttpResponse<byte[]> part = rig.get(media.replace("index.m3u8", hint.group(1)));
        String after = HlsTestRig.text(rig.get(media));

        assertThat(part.statusCode()).isEqualTo(200);
        assertThat(HlsTestRig.tags(part.body())).isNotEmpty().containsOnly("DEMO");
        assertThat(after).contains("URI=\"" + hint.group(1) + "\"");
    }

    @Test
    void badDeliveryDirectivesAre400() throws Exception {
        String media = rig.mediaPlaylistUrl(rig.session("demo", 600).path("hlsUrl").asText());
        long msn = lastPart(HlsTestRig.text(rig.get(media)))[1];

        for (String query : List.of("?_HLS_part=1", "?_HLS_msn=" + (msn + 10), "?_HLS_msn=x", "?_HLS_skip=NO",
                "?_HLS_msn=" + msn + "&_HLS_part=99")) {
            HttpResponse<byte[]> r = rig.get(media + query);
            assertThat(r.statusCode()).as(query + ": " + HlsTestRig.text(r)).isEqualTo(400);
            assertThat(HlsTestRig.text(r)).contains("\"error\"");
        }
    }

    @Test
    void cameraRestartIsADiscontinuityAndPlaybackContinuesOnTheNewEpoch() throws Exception {
        String media = rig.mediaPlaylistUrl(rig.session("cam-b", 600).path("hlsUrl").asText());
        String before = HlsTestRig.text(rig.get(media));
        long oldEpoch = lastPart(before)[0];
        String oldPart = "part-" + oldEpoch + "-" + lastPart(before)[3] + ".m4s";

        camBFeed.close();
        camBFeed = ClipFeeds.start(camB, camBSink);
        String after = awaitPlaylist(media, p -> p.contains("#EXT-X-DISCONTINUITY\n") && lastPart(p)[0] != oldEpoch
                && lastPart(p)[2] >= 2);

        assertThat(after).contains("#EXT-X-DISCONTINUITY\n", "init-" + lastPart(after)[0] + ".mp4");
        String newInit = media.replace("index.m3u8", "init-" + lastPart(after)[0] + ".mp4");
        assertThat(rig.get(newInit).statusCode()).isEqualTo(200);
        // once the player has crossed into the new epoch, the old one is refused; so it is for a new playback
        assertRefused(media.replace("index.m3u8", oldPart));
        String fresh = rig.mediaPlaylistUrl(rig.session("cam-b", 600).path("hlsUrl").asText());
        assertRefused(fresh.replace("index.m3u8", oldPart));
        Fetched f = fetchAll(media);
        assertThat(f.tags).isNotEmpty().containsOnly("CAM-B");
        assertThat(f.epochs).containsExactly(lastPart(after)[0]);
    }

    @Test
    void ffmpegKeepsDecodingThroughACameraRestart() throws Exception {
        HlsTestRig.requireTool("ffmpeg");
        String hlsUrl = rig.session("cam-b", 600).path("hlsUrl").asText();
        java.nio.file.Path progress = java.nio.file.Files.createTempFile("ffmpeg", ".progress");
        java.nio.file.Path out = java.nio.file.Files.createTempFile("ffmpeg", ".framemd5");
        java.nio.file.Path err = java.nio.file.Files.createTempFile("ffmpeg", ".err");
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "warning", "-progress", progress.toString(),
                "-i", hlsUrl, "-t", "12", "-f", "framemd5", out.toString(), "-y")
                .redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            // restart the camera only once ffmpeg is decoding, then let it run on into the new epoch
            Instant deadline = Instant.now().plusSeconds(20);
            while (!java.nio.file.Files.readString(progress).matches("(?s).*frame=[1-9].*")) {
                assertThat(Instant.now()).as("ffmpeg started decoding").isBefore(deadline);
                assertThat(ffmpeg.isAlive()).as(() -> readQuietly(err)).isTrue();
                Thread.sleep(100);
            }
            camBFeed.close();
            camBFeed = ClipFeeds.start(camB, camBSink);
            assertThat(ffmpeg.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

            long frames = java.nio.file.Files.readAllLines(out).stream().filter(l -> !l.startsWith("#")).count();
            System.out.println("ffmpeg across a restart: " + frames + " frames; stderr:\n" + readQuietly(err));
            assertThat(ffmpeg.exitValue()).as(() -> readQuietly(err)).isZero();
            assertThat(frames).as("frames decoded across the restart").isGreaterThan(200);
        } finally {
            if (ffmpeg.isAlive()) {
                ffmpeg.destroyForcibly();
            }
            java.nio.file.Files.deleteIfExists(progress);
            java.nio.file.Files.deleteIfExists(out);
            java.nio.file.Files.deleteIfExists(err);
        }
    }

    @Test
    void ffmpegJoiningRightAfterACameraRestartIsNeverSentToTheOldEpoch() throws Exception {
        String before = rig.mediaPlaylistUrl(rig.session("cam-b", 600).path("hlsUrl").asText());
        long oldEpoch = lastPart(HlsTestRig.text(rig.get(before)))[0];

        camBFeed.close();
        camBFeed = ClipFeeds.start(camB, camBSink);
        // the stream's playlist still lists the old epoch, as an older playback sees it
        String old = awaitPlaylist(before, p -> p.contains("#EXT-X-DISCONTINUITY\n") && lastPart(p)[0] != oldEpoch);
        assertThat(old).contains("seg-" + oldEpoch + "-");
        // a playback made now is bound to the new epoch, and its playlist lists nothing else
        String hlsUrl = rig.session("cam-b", 600).path("hlsUrl").asText();
        String joined = HlsTestRig.text(rig.get(rig.mediaPlaylistUrl(hlsUrl)));
        assertThat(joined).doesNotContain("-" + oldEpoch + "-", "init-" + oldEpoch + ".mp4", "#EXT-X-DISCONTINUITY\n")
                .contains("#EXTINF");
        ToolRun r = HlsTestRig.run(60, "ffmpeg", "-nostdin", "-v", "error", "-i", hlsUrl, "-frames:v", "50",
                "-f", "framemd5", "-");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).as("ffmpeg errors (a 403 on an old epoch's name would show here)").isBlank();
        assertThat(r.out().lines().filter(l -> !l.startsWith("#")).count()).isGreaterThanOrEqualTo(50);
    }

    private static String readQuietly(java.nio.file.Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static String awaitPlaylist(String media, java.util.function.Predicate<String> done) throws Exception {
        Instant deadline = Instant.now().plusSeconds(15);
        String p = "";
        while (Instant.now().isBefore(deadline)) {
            p = HlsTestRig.text(rig.get(media));
            if (done.test(p)) {
                return p;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("playlist did not reach the expected state:\n" + p);
    }

    private static void assertRefused(String url) throws Exception {
        HttpResponse<byte[]> r = rig.get(url);
        assertThat(r.statusCode()).as(url + ": " + HlsTestRig.text(r)).isIn(401, 403);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/json"));
        assertThat(HlsTestRig.text(r)).startsWith("{\"error\"");
    }

    /** (epoch, msn, part index in its segment, stream-wide part number) of the last part listed. */
    private static long[] lastPart(String playlist) {
        long[] last = null;
        long msn = 0;
        int index = 0;
        for (String line : playlist.split("\n")) {
            Matcher m = PART.matcher(line);
            if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                msn = Long.parseLong(line.substring(line.indexOf(':') + 1));
            } else if (m.find()) {
                last = new long[] {Long.parseLong(m.group(2)), msn, index++, Long.parseLong(m.group(3))};
            } else if (!line.startsWith("#") && !line.isBlank()) {
                msn++;
                index = 0;
            }
        }
        if (last == null) {
            throw new AssertionError("no part in playlist:\n" + playlist);
        }
        return last;
    }

    /**
     * Fetches the playlist, then every init section, part and segment it lists that is still in the bound epoch,
     * and collects the tag of every access unit.
     */
    private static Fetched fetchAll(String media) throws Exception {
        String playlist = awaitPlaylist(media, p -> p.contains("#EXTINF"));
        Fetched f = new Fetched();
        for (String uri : HlsTestRig.mediaUris(playlist)) {
            HttpResponse<byte[]> r = rig.get(media.replace("index.m3u8", uri));
            if (r.statusCode() == 403 || r.statusCode() == 404) {
                // an older epoch after a restart, or media that left the store: never media bytes
                assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
                continue;
            }
            assertThat(r.statusCode()).as(uri).isEqualTo(200);
            f.epochs.add(Long.parseLong(uri.split("-")[1].replace(".mp4", "").replace(".m4s", "")));
            if (!uri.startsWith("init-")) {
                f.tags.addAll(HlsTestRig.tags(r.body()));
            }
        }
        return f;
    }

    private static final class Fetched {
        final List<String> tags = new ArrayList<>();
        final Set<Long> epochs = new HashSet<>();
    }
}
