package dev.camrelay.server.hls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.server.hls.HlsJsWatch.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * hls.js (bundled, lowLatencyMode) in headless Chromium plays {@code /play/demo} from the in-process relay for 20 s:
 * the demo session is minted by the page itself, so this is exactly the URL {@code ./relay} prints. Glass-to-glass
 * latency is read from {@code EXT-X-PROGRAM-DATE-TIME} against the clock; on failure the page's hls.js log (errors
 * with their reasons, stalls, slow loads, buffer holes) is in the message. {@code -Dhls.partTargetMillis=500} runs it
 * against a relay with another PART-TARGET, by hand (the suite runs the default).
 */
@Timeout(120)
class ChromiumPlaysDemoTest {

    static final Duration PLAY = Duration.ofSeconds(20);
    static final double DROPPED_BOUND = 0.01;
    /** Glass to glass, median over the window: the page aims at ~1.1 s; generous for a busy 2-core host. */
    static final double G2G_BOUND_SECONDS = 2.0;
    /**
     * The date of the frame on screen against hls.js's own latency (live edge minus position): they differ only by
     * how late the edge was published, so a wrong EXT-X-PROGRAM-DATE-TIME shows here.
     */
    static final double G2G_VS_LATENCY_SECONDS = 0.25;

    @Test
    void hlsJsPlaysTheDemoCameraForTwentySecondsWithFewDroppedFrames() throws Exception {
        Integer partTargetMillis = Integer.getInteger("hls.partTargetMillis");
        Map<String, String> env = partTargetMillis == null ? Map.of()
                : Map.of("RELAY_HLS_PART_TARGET_MS", partTargetMillis.toString());
        try (HlsTestRig rig = new HlsTestRig(env); HeadlessChromium chromium = HeadlessChromium.start();
             CdpPage page = chromium.open(rig.http, rig.base + "/play/demo", HlsJsWatch.BEFORE_LOAD)) {
            Sample start = awaitPlaying(page);
            List<Sample> samples = new ArrayList<>();
            Instant end = Instant.now().plus(PLAY);
            while (Instant.now().isBefore(end)) {
                Thread.sleep(1000);
                samples.add(HlsJsWatch.sample(page));
            }
            Sample last = samples.get(samples.size() - 1);
            double played = last.t() - start.t();
            // Counted over the measured window, from the first played frame on.
            long total = last.total() - start.total();
            long dropped = last.dropped() - start.dropped();
            double g2g = HlsJsWatch.median(samples.stream().map(Sample::g2g).toList());
            double latency = HlsJsWatch.median(samples.stream().map(Sample::latency).toList());
            String log = HlsJsWatch.log(page);
            String report = String.format("hls.js played %.1f s in %d s; frames %d, dropped %d (before the window: %d"
                    + " of %d); median glass-to-glass %.3f s, hls.latency %.3f s; stalls %d; errors %s; host load %.1f"
                    + " on %d cores%nsamples:%n  %s%nhls.js log: %s", played, PLAY.toSeconds(), total, dropped,
                    start.dropped(), start.total(), g2g, latency, last.stalls(), last.errors(), load(),
                    Runtime.getRuntime().availableProcessors(),
                    String.join("\n  ", samples.stream().map(Sample::toString).toList()), log);
            System.out.println(report);
            assertThat(played).as("currentTime advances in real time\n%s", report)
                    .isGreaterThan(PLAY.toSeconds() * 0.8);
            assertThat(total).as(report).isGreaterThan(300);
            assertThat((double) dropped / total).as("dropped frames\n%s", report).isLessThan(DROPPED_BOUND);
            assertThat(latency).as("hls.latency\n%s", report).isPositive().isLessThan(10);
            assertThat(g2g).as("glass-to-glass from EXT-X-PROGRAM-DATE-TIME\n%s", report)
                    .isPositive().isLessThan(G2G_BOUND_SECONDS);
            assertThat(Math.abs(g2g - latency)).as("program date time agrees with hls.latency\n%s", report)
                    .isLessThan(G2G_VS_LATENCY_SECONDS);
            assertThat(last.errors()).as(report).doesNotContain("fatal");
        }
    }

    static double load() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (Exception e) {
            return 0;
        }
    }

    private static Sample awaitPlaying(CdpPage page) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        Sample s = null;
        while (Instant.now().isBefore(deadline)) {
            s = HlsJsWatch.sample(page);
            if (s.t() > 0.5) {
                return s;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("the demo camera did not start playing in Chromium within 20 s: " + s
                + "\nhls.js log: " + HlsJsWatch.log(page));
    }
}
