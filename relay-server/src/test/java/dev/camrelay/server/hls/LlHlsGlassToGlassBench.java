package dev.camrelay.server.hls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.server.hls.HlsJsWatch.Sample;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Glass-to-glass latency of the relay's LL-HLS in hls.js, and in the same run of FFmpeg's own HLS muxer, the
 * do-it-yourself baseline. One FFmpeg process is the camera: it encodes a live test pattern once (libx264, zerolatency,
 * 1 s GOP) and, through the {@code tee} muxer, pushes that same encoded stream to the relay over RTSP and segments it
 * itself with {@code -f hls -hls_time 1} into a directory that {@link StaticFiles} serves from this JVM. Headless
 * Chromium then plays, one after the other in one tab, the relay's player page ({@code /play/{camera}?token=}, the
 * page's own hls.js settings) and a bare hls.js page on FFmpeg's playlist with hls.js defaults (3 segments back) and
 * with {@code liveSyncDurationCount: 1} (the most a DIY page can tune). Glass-to-glass is {@code Date.now()} minus
 * {@code hls.playingDate}, i.e. from each stream's {@code EXT-X-PROGRAM-DATE-TIME}: the relay dates media by when it
 * arrived at the relay, FFmpeg by its muxer's start time plus media time; both are within tens of milliseconds of
 * when the frame was encoded, since the encoder, the relay and the browser share this machine's clock.
 *
 * <p>Not part of the suite (its name does not end in Test). Run:
 * {@code ./mvnw -B -q -pl relay-server -am verify -Djcstress.skip -Dtest=LlHlsGlassToGlassBench
 * -Dsurefire.failIfNoSpecifiedTests=false [-Dhls.g2g.seconds=30]}
 */
class LlHlsGlassToGlassBench {

    private static final String CAMERA = "g2g";
    private static final String PASSWORD = "g2g-secret-pw";
    /** Played before measuring, so start-up and catch-up are not in the figures. */
    private static final int SETTLE_SECONDS = 5;

    @Test
    void glassToGlassOfTheRelayAndOfFfmpegsOwnHlsMuxer() throws Exception {
        int window = Integer.getInteger("hls.g2g.seconds", 30);
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).strip();
        Path dir = Files.createTempDirectory("ffmpeg-hls");
        Process ffmpeg = null;
        try (HlsTestRig rig = new HlsTestRig(); StaticFiles files = StaticFiles.serve(dir)) {
            HttpResponse<String> created = rig.admin("POST", "/api/v1/cameras", "{\"id\":\"" + CAMERA
                    + "\",\"publish\":{\"user\":\"" + CAMERA + "\",\"password\":\"" + PASSWORD + "\"}}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            writeBaselinePage(dir);
            int seconds = 20 + 3 * (window + SETTLE_SECONDS + 10);
            String rtsp = "rtsp://" + CAMERA + ":" + PASSWORD + "@127.0.0.1:" + rig.relay.ports().rtsp().orElseThrow()
                    + "/" + CAMERA;
            ffmpeg = new ProcessBuilder("timeout", "-s", "KILL", Integer.toString(seconds + 30), "ffmpeg",
                    "-nostdin", "-hide_banner", "-loglevel", "warning", "-re", "-f", "lavfi", "-i",
                    "testsrc2=size=640x360:rate=25", "-t", Integer.toString(seconds), "-c:v", "libx264",
                    "-preset", "veryfast", "-tune", "zerolatency", "-g", "25", "-keyint_min", "25",
                    "-sc_threshold", "0", "-pix_fmt", "yuv420p", "-b:v", "1M", "-flags", "+global_header",
                    "-bsf:v", "dump_extra=freq=keyframe", "-map", "0:v", "-f", "tee",
                    "[f=rtsp:rtsp_transport=tcp]" + rtsp + "|[f=hls:hls_time=1:hls_list_size=10:"
                            + "hls_flags=delete_segments+program_date_time]" + dir.resolve("index.m3u8"))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("ffmpeg.log").toFile()).start();
            rig.awaitLive(CAMERA);
            awaitSegments(dir, ffmpeg);
            String token = rig.session(CAMERA, 3600).path("token").asText();
            try (HeadlessChromium chromium = HeadlessChromium.start();
                 CdpPage page = chromium.open(rig.http, rig.base + "/play/" + CAMERA + "?token=" + token,
                         HlsJsWatch.BEFORE_LOAD)) {
                Result relay = measure(page, window);
                String relayLog = HlsJsWatch.log(page);
                page.navigate(files.base() + "/baseline.html");
                Result defaults = measure(page, window);
                page.navigate(files.base() + "/baseline.html?sync=1");
                Result tuned = measure(page, window);
                String loadAfter = Files.readString(Path.of("/proc/loadavg")).strip();
                System.out.printf("glass-to-glass over %d s each (after %d s of play), load before [%s] after [%s]%n"
                        + "  relay LL-HLS (/play page: 200 ms parts, 1 s GOP): %s%n"
                        + "  FFmpeg -f hls -hls_time 1, hls.js defaults:       %s%n"
                        + "  FFmpeg -f hls -hls_time 1, liveSyncDurationCount 1: %s%n", window, SETTLE_SECONDS,
                        loadBefore, loadAfter, relay, defaults, tuned);
                System.out.println("relay page's hls.js log: " + relayLog);
                assertThat(relay.g2gMedian()).as("the relay's glass-to-glass is measured").isPositive();
                assertThat(defaults.g2gMedian()).as("FFmpeg's glass-to-glass is measured").isPositive();
            }
        } finally {
            if (ffmpeg != null) {
                ffmpeg.descendants().forEach(ProcessHandle::destroyForcibly);
                ffmpeg.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** One player's figures over the window. */
    record Result(double g2gMedian, double g2gP90, double g2gMax, double latencyMedian, long frames, long dropped,
                  int stalls, String errors) {

        @Override
        public String toString() {
            return String.format("g2g median %.3f s, p90 %.3f s, max %.3f s; hls.latency median %.3f s; frames %d,"
                    + " dropped %d; stalls %d; errors %s", g2gMedian, g2gP90, g2gMax, latencyMedian, frames, dropped,
                    stalls, errors);
        }
    }

    private static Result measure(CdpPage page, int window) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        while (HlsJsWatch.sample(page).t() < 0.5) {
            assertThat(Instant.now()).as("playing within 20 s; hls.js log %s", HlsJsWatch.log(page))
                    .isBefore(deadline);
            Thread.sleep(250);
        }
        Thread.sleep(SETTLE_SECONDS * 1000L);
        Sample first = HlsJsWatch.sample(page);
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < window; i++) {
            Thread.sleep(1000);
            samples.add(HlsJsWatch.sample(page));
        }
        Sample last = samples.get(samples.size() - 1);
        List<Double> g2g = samples.stream().map(Sample::g2g).filter(v -> !v.isNaN()).sorted().toList();
        assertThat(g2g).as("hls.playingDate is set (the playlist has EXT-X-PROGRAM-DATE-TIME)").isNotEmpty();
        return new Result(g2g.get(g2g.size() / 2), g2g.get((int) Math.min(g2g.size() - 1, g2g.size() * 0.9)),
                g2g.get(g2g.size() - 1), HlsJsWatch.median(samples.stream().map(Sample::latency).toList()),
                last.total() - first.total(), last.dropped() - first.dropped(), last.stalls() - first.stalls(),
                last.errors());
    }

    private static void awaitSegments(Path dir, Process ffmpeg) throws Exception {
        Path playlist = dir.resolve("index.m3u8");
        Instant deadline = Instant.now().plusSeconds(20);
        while (!Files.exists(playlist) || Files.readString(playlist).split("#EXTINF").length <= 3) {
            assertThat(ffmpeg.isAlive()).as(() -> readQuietly(dir.resolve("ffmpeg.log"))).isTrue();
            assertThat(Instant.now()).as("FFmpeg wrote three segments").isBefore(deadline);
            Thread.sleep(200);
        }
    }

    /** A bare hls.js page on FFmpeg's playlist: what a do-it-yourself setup serves. */
    private static void writeBaselinePage(Path dir) throws Exception {
        try (InputStream js = LlHlsGlassToGlassBench.class.getResourceAsStream("/player/hls.min.js")) {
            assertThat(js).as("the bundled hls.js").isNotNull();
            Files.write(dir.resolve("hls.min.js"), js.readAllBytes());
        }
        Files.writeString(dir.resolve("baseline.html"), """
                <!doctype html>
                <html><body style="margin:0;background:#000">
                <video id="video" muted autoplay playsinline></video><div id="status"></div>
                <script src="hls.min.js"></script>
                <script>
                const video = document.getElementById('video');
                const sync = new URLSearchParams(location.search).get('sync');
                const hls = new Hls(sync ? { liveSyncDurationCount: Number(sync) } : {});
                window.hls = hls;
                hls.on(Hls.Events.ERROR, (e, d) => { window.hlsErrors = (window.hlsErrors || [])
                  .concat([d.type + '/' + d.details + (d.fatal ? ' (fatal)' : '')]); });
                hls.on(Hls.Events.MANIFEST_PARSED, () => { video.play().catch(() => {}); });
                hls.loadSource('index.m3u8');
                hls.attachMedia(video);
                </script>
                </body></html>
                """);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return e.toString();
        }
    }
}
