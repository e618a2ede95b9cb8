package dev.camrelay.server.hls;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * hls.js (bundled, lowLatencyMode) in headless Chromium plays {@code /play/demo} from the in-process relay for 20 s:
 * the demo session is minted by the page itself, so this is exactly the URL {@code ./relay} prints.
 */
@Timeout(120)
class ChromiumPlaysDemoTest {

    static final String CHROMIUM = "/usr/bin/chromium";
    static final Duration PLAY = Duration.ofSeconds(20);
    static final double DROPPED_BOUND = 0.01;

    @Test
    void hlsJsPlaysTheDemoCameraForTwentySecondsWithFewDroppedFrames() throws Exception {
        HlsTestRig.requireTool(CHROMIUM);
        Path profile = Files.createTempDirectory("chromium-profile");
        Process browser = null;
        try (HlsTestRig rig = new HlsTestRig()) {
            browser = new ProcessBuilder(CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--autoplay-policy=no-user-gesture-required",
                    // a headless window counts as hidden: without these, Chromium throttles its timers and renderer
                    "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                    "--disable-backgrounding-occluded-windows",
                    // the demo's own size: no software scaling of every frame on a 2-core host
                    "--window-size=640,400",
                    "--user-data-dir=" + profile, "--remote-debugging-address=127.0.0.1",
                    "--remote-debugging-port=0", rig.base + "/play/demo")
                    .redirectErrorStream(true).redirectOutput(profile.resolve("chromium.log").toFile()).start();
            int port = devToolsPort(profile, browser);
            try (CdpPage page = CdpPage.connect(rig.http, port)) {
                JsonNode start = awaitPlaying(page);
                List<JsonNode> samples = new ArrayList<>();
                Instant end = Instant.now().plus(PLAY);
                while (Instant.now().isBefore(end)) {
                    Thread.sleep(1000);
                    samples.add(state(page));
                }
                JsonNode last = samples.get(samples.size() - 1);
                double played = last.path("t").asDouble() - start.path("t").asDouble();
                // Counted over the measured window, from the first played frame on.
                long total = last.path("total").asLong() - start.path("total").asLong();
                long dropped = last.path("dropped").asLong() - start.path("dropped").asLong();
                System.out.printf("hls.js played %.1f s in %d s; frames %d, dropped %d (before the window: %d of %d);"
                        + " latency %s s; errors %s%n", played, PLAY.toSeconds(), total, dropped,
                        start.path("dropped").asLong(), start.path("total").asLong(), last.path("latency"),
                        last.path("errors"));
                assertThat(played).as("currentTime advances in real time").isGreaterThan(PLAY.toSeconds() * 0.8);
                assertThat(total).isGreaterThan(300);
                assertThat((double) dropped / total).as("dropped frames (host load %.1f on %d cores)", load(),
                        Runtime.getRuntime().availableProcessors()).isLessThan(DROPPED_BOUND);
                assertThat(last.path("latency").asDouble()).as("hls.latency").isPositive().isLessThan(10);
                assertThat(last.path("errors").toString()).doesNotContain("fatal");
            }
        } finally {
            if (browser != null) {
                stop(browser);
            }
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static double load() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (Exception e) {
            return 0;
        }
    }

    private static JsonNode awaitPlaying(CdpPage page) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        JsonNode s = null;
        while (Instant.now().isBefore(deadline)) {
            s = state(page);
            if (s.path("t").asDouble() > 0.5) {
                return s;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the demo camera did not start playing in Chromium within 20 s: " + s);
    }

    private static JsonNode state(CdpPage page) throws Exception {
        return page.evaluate("(() => { const v = document.getElementById('video');"
                + " const s = document.getElementById('status');"
                + " if (!v || !s) { return { t: 0, page: location.href }; }"
                + " const q = v.getVideoPlaybackQuality();"
                + " return { t: v.currentTime, total: q.totalVideoFrames, dropped: q.droppedVideoFrames,"
                + " latency: window.hls ? window.hls.latency : null, errors: window.hlsErrors || [],"
                + " status: s.textContent }; })()");
    }

    /** Chromium writes its DevTools port into the profile once it listens (--remote-debugging-port=0). */
    private static int devToolsPort(Path profile, Process browser) throws Exception {
        Path file = profile.resolve("DevToolsActivePort");
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            if (!browser.isAlive()) {
                throw new AssertionError("chromium exited: " + Files.readString(profile.resolve("chromium.log")));
            }
            if (Files.exists(file)) {
                List<String> lines = Files.readAllLines(file);
                if (!lines.isEmpty() && !lines.get(0).isBlank()) {
                    return Integer.parseInt(lines.get(0).strip());
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("chromium did not open its DevTools port within 20 s");
    }

    /** Ends the browser and every process it started, by PID. */
    private static void stop(Process browser) throws InterruptedException {
        List<ProcessHandle> children = browser.descendants().toList();
        browser.destroy();
        if (!browser.waitFor(5, TimeUnit.SECONDS)) {
            browser.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
