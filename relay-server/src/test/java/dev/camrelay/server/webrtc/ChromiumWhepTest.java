package dev.camrelay.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Interop with a real browser (issue 5 §7): one headless Chromium, in a network namespace of the test's own joined by
 * a veth pair, plays two cameras at once through the relay's player page {@code /play/{camera}?protocol=webrtc}
 * (WHEP against the relay bound to the host end of the pair): the built-in demo camera (Constrained Baseline, no
 * audio) and a push camera created through the API that a real FFmpeg publishes to over RTSP, libx264 <b>High</b>
 * profile with Opus audio and every frame SEI-tagged (test-rig.md). Chromium's receive list has no High profile
 * (64xxxx): the answer's payload-type choice must still make it decode. Halfway through 20 s of clean playback both
 * tabs restart ICE ({@code pc.restartIce()}; the page PATCHes the new credentials, RFC 9725 §4.3.2) and must play on
 * over the pair checked with the new ones. Then 5 % of the relay's UDP datagrams are dropped at random on the
 * browser's ingress (nftables, netdev ingress hook in the namespace; test-rig.md "Poor networks") and playback must
 * go on, healed by NACKs. Needs root, iproute2, nftables, /usr/bin/chromium, Node and FFmpeg: without them it fails,
 * saying what is missing.
 */
@Timeout(240)
class ChromiumWhepTest {

    private static final String PUSH_CAMERA = "ff-high";
    private static final String PUSH_TAG = "FF-HIGH";
    /** Clean playback, then playback under loss; each sampled in halves so "rising" is seen twice. */
    private static final int CLEAN_SECONDS = 20;
    private static final int LOSSY_SECONDS = 16;
    private static final int LOSS_PERCENT = 5;
    private static final int FPS = 25;
    /** Playback watched after the ICE restart at the least, if the restart took most of the half. */
    private static final long AFTER_RESTART_MILLIS = 5000;
    /** How long an ICE restart may take: PATCH, the new checks and nomination, the old ICE session dropped. */
    private static final long RESTART_SECONDS = 10;
    /** How long FFmpeg publishes: the whole playback with room for the browser's start. */
    private static final int PUBLISH_SECONDS = CLEAN_SECONDS + LOSSY_SECONDS + 60;

    @Test
    void chromiumPlaysTheDemoAndAHighProfileFfmpegCameraThroughAnIceRestartAndUnderFivePercentIngressLoss()
            throws Exception {
        try (VethNamespace ns = VethNamespace.create();
             PushCameraRelay rig = PushCameraRelay.start(ns.hostAddress,
                     Map.of("RELAY_STREAM_BUFFER_BYTES", Integer.toString(4 << 20)), PUSH_CAMERA,
                     "libx264 and libopus", PUBLISH_SECONDS, ChromiumWhepTest::highProfileWithOpus)) {
            assertThat(rig.cameraEntry.toString()).as("the FFmpeg camera is High profile").containsIgnoringCase("high");
            playBoth(ns, rig.admin, rig.webrtcPort());
            assertThat(rig.relay.violations().total()).isZero();
        }
    }

    /** The demo camera and the FFmpeg camera in two tabs of one Chromium: clean, then under ingress loss. */
    private static void playBoth(VethNamespace ns, RelayAdmin admin, int mediaPort) throws Exception {
        String base = admin.base();
        JsonNode demoSession = admin.newSession("demo", "webrtc", 600);
        JsonNode pushSession = admin.newSession(PUSH_CAMERA, "webrtc", 600);
        try (ChromiumDriver chromium = ChromiumDriver.start(ns, CLEAN_SECONDS + LOSSY_SECONDS + 90)) {
            int demo = chromium.open(base + "/play/demo?protocol=webrtc&token="
                    + demoSession.path("token").asText());
            int push = chromium.open(base + "/play/" + PUSH_CAMERA + "?protocol=webrtc&token="
                    + pushSession.path("token").asText());
            List<JsonNode> start = awaitPlaying(chromium, List.of(demo, push));

            // Clean network: 20 s, sampled at the half and the end; an ICE restart in both tabs at the half.
            Thread.sleep(TimeUnit.SECONDS.toMillis(CLEAN_SECONDS / 2));
            List<JsonNode> half = players(chromium, demo, push);
            long halfNanos = System.nanoTime();
            List<JsonNode> restarted = restartIce(chromium, admin, List.of(demoSession, pushSession), half,
                    demo, push);
            long restartedNanos = System.nanoTime();
            Thread.sleep(Math.max(TimeUnit.SECONDS.toMillis(CLEAN_SECONDS / 2)
                    - TimeUnit.NANOSECONDS.toMillis(restartedNanos - halfNanos), AFTER_RESTART_MILLIS));
            List<JsonNode> clean = players(chromium, demo, push);
            int afterRestart = (int) TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - restartedNanos);
            System.out.println("Chromium after " + CLEAN_SECONDS + " s clean: demo " + clean.get(0)
                    + "\n  " + PUSH_CAMERA + " " + clean.get(1));
            for (int i = 0; i < 2; i++) {
                String which = i == 0 ? "demo" : PUSH_CAMERA;
                assertRising(which + " clean, first half", start.get(i), half.get(i), CLEAN_SECONDS / 2);
                assertRising(which + " clean, second half", half.get(i), clean.get(i), CLEAN_SECONDS / 2);
                assertRising(which + " on the restarted ICE credentials", restarted.get(i), clean.get(i),
                        afterRestart);
                assertThat(clean.get(i).path("frameWidth").asInt()).as(which + " width").isEqualTo(640);
                assertThat(clean.get(i).path("frameHeight").asInt()).as(which + " height").isEqualTo(360);
                assertThat(clean.get(i).path("freezeCount").asInt()).as(which + " freezes in %d s clean: %s",
                        CLEAN_SECONDS, clean.get(i)).isLessThanOrEqualTo(2);
                assertThat(clean.get(i).path("videoCodec").asText()).as(which).startsWith("video/H264");
            }
            JsonNode pushClean = clean.get(1);
            assertThat(pushClean.path("audioCodec").asText()).as("Opus passed through").isEqualTo("audio/opus");
            assertThat(pushClean.path("audioPacketsReceived").asLong()
                    - half.get(1).path("audioPacketsReceived").asLong())
                    .as("Opus packets in %d s (50 a second sent)", CLEAN_SECONDS / 2)
                    .isGreaterThan(CLEAN_SECONDS / 2 * 50 * 7 / 10);
            assertThat(clean.get(0).path("audioPacketsReceived").asLong()).as("demo has no audio").isZero();

            // Chromium's own feedback (receiver reports, transport-wide feedback) fills each session's estimate.
            for (JsonNode session : List.of(demoSession, pushSession)) {
                JsonNode entry = admin.sessionEntry(session.path("sessionId").asText());
                System.out.println("sessions API entry: " + entry);
                JsonNode estimate = entry.path("webrtc").path("estimate");
                assertThat(entry.path("webrtc").path("transportCc").asBoolean()).as("%s", entry).isTrue();
                assertThat(estimate.path("rttMillis").asDouble()).as("RTT from Chromium's reports: %s", entry)
                        .isGreaterThan(0).isLessThan(100);
                assertThat(estimate.path("receiveRateBitsPerSecond").asLong()).as("%s", entry).isPositive();
                assertThat(estimate.path("bandwidthBitsPerSecond").asLong()).as("%s", entry).isPositive();
                assertThat(estimate.path("transportFeedbacks").asLong()).as("%s", entry).isGreaterThan(20);
            }
            assertThat(admin.metricLines("relay_whep_session_bandwidth_estimate_bits_per_second{"))
                    .as("per-session estimate in /metrics").hasSize(2)
                    .allSatisfy(l -> assertThat(Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                            .isPositive());

            // 5 % random loss on the browser's ingress: NACKs heal it and playback goes on.
            long resentBefore = admin.metric("relay_whep_retransmissions_total");
            ns.dropIngressUdp(mediaPort, LOSS_PERCENT);
            Thread.sleep(TimeUnit.SECONDS.toMillis(LOSSY_SECONDS / 2));
            List<JsonNode> lossyHalf = players(chromium, demo, push);
            Thread.sleep(TimeUnit.SECONDS.toMillis(LOSSY_SECONDS / 2));
            List<JsonNode> lossy = players(chromium, demo, push);
            System.out.println("Chromium after " + LOSSY_SECONDS + " s at " + LOSS_PERCENT + " % loss: demo "
                    + lossy.get(0) + "\n  " + PUSH_CAMERA + " " + lossy.get(1));
            String nft = ns.ingressLossCounters();
            Matcher dropped = Pattern.compile("counter packets (\\d+)").matcher(nft);
            assertThat(dropped.find() && Long.parseLong(dropped.group(1)) > 0).as("nftables dropped: %s", nft)
                    .isTrue();
            for (int i = 0; i < 2; i++) {
                String which = (i == 0 ? "demo" : PUSH_CAMERA) + " at " + LOSS_PERCENT + " % loss";
                assertThat(lossy.get(i).path("nackCount").asLong() - clean.get(i).path("nackCount").asLong())
                        .as(which + ": NACKs sent: %s", lossy.get(i)).isPositive();
                assertRising(which + ", first half", clean.get(i), lossyHalf.get(i), LOSSY_SECONDS / 2);
                assertRising(which + ", second half", lossyHalf.get(i), lossy.get(i), LOSSY_SECONDS / 2);
            }
            assertThat(admin.metric("relay_whep_retransmissions_total") - resentBefore)
                    .as("packets resent for NACKs under loss").isPositive();
        }
    }

    /**
     * ICE restart in every tab (RFC 9725 §4.3.2): {@code pc.restartIce()}, then the page sends the new offer's ICE
     * credentials as a trickle-ice-sdpfrag PATCH with If-Match and applies the relay's answer fragment. Waits until
     * the page has the answer and its ICE transport runs on the new local credentials, and the relay has the new ICE
     * session nominated and the old one dropped; asserts both sides agree on the new credentials and that the relay
     * counted each restart once.
     *
     * @return the players at that moment
     */
    private static List<JsonNode> restartIce(ChromiumDriver chromium, RelayAdmin admin, List<JsonNode> sessions,
                                             List<JsonNode> before, int... pages) throws Exception {
        long counted = admin.metric("relay_whep_ice_restarts_total");
        long started = System.nanoTime();
        for (int page : pages) {
            chromium.eval(page, "window.pc.restartIce() === undefined");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RESTART_SECONDS);
        List<JsonNode> now = List.of();
        List<JsonNode> entries = new ArrayList<>();
        while (System.nanoTime() - deadline < 0) {
            now = players(chromium, pages);
            entries.clear();
            for (JsonNode session : sessions) {
                entries.add(admin.sessionEntry(session.path("sessionId").asText()).path("webrtc"));
            }
            boolean pagesDone = true;
            for (int i = 0; i < pages.length; i++) {
                JsonNode p = now.get(i);
                pagesDone &= p.path("iceRestarts").asInt() == 1
                        && p.path("iceLocalUfrag").asText().equals(p.path("restartLocalIceUfrag").asText())
                        && p.path("selectedCandidatePairChanges").asInt()
                        > before.get(i).path("selectedCandidatePairChanges").asInt();
            }
            boolean relayDone = entries.stream().allMatch(e -> e.path("iceRestarts").asInt() == 1
                    && e.path("iceNominated").asBoolean() && !e.path("iceRestartPending").asBoolean());
            if (pagesDone && relayDone) {
                break;
            }
            Thread.sleep(250);
        }
        System.out.println("Chromium after the ICE restart (" + TimeUnit.NANOSECONDS.toMillis(System.nanoTime()
                - started) + " ms from pc.restartIce() to both sides on the new pair): " + now + "\n  relay: "
                + entries);
        for (int i = 0; i < pages.length; i++) {
            JsonNode page = now.get(i);
            JsonNode relay = entries.get(i);
            assertThat(page.path("iceRestarts").asInt()).as("restarts the page applied: %s", page).isEqualTo(1);
            assertThat(page.path("iceLocalUfrag").asText()).as("the browser's ICE transport runs on the restart's "
                    + "credentials: %s", page).isEqualTo(page.path("restartLocalIceUfrag").asText())
                    .isNotEqualTo(before.get(i).path("iceLocalUfrag").asText());
            assertThat(page.path("selectedCandidatePairChanges").asInt()).as("a pair of the new generation selected")
                    .isGreaterThan(before.get(i).path("selectedCandidatePairChanges").asInt());
            assertThat(page.path("etag").asText()).as("the relay's new ETag names its new credentials")
                    .isEqualTo("\"" + page.path("restartRemoteIceUfrag").asText() + "\"")
                    .isNotEqualTo(before.get(i).path("etag").asText());
            assertThat(relay.path("iceRestarts").asInt()).as("relay: %s", relay).isEqualTo(1);
            assertThat(relay.path("iceNominated").asBoolean() && !relay.path("iceRestartPending").asBoolean())
                    .as("the relay nominated the new ICE session and dropped the old: %s", relay).isTrue();
        }
        assertThat(admin.metric("relay_whep_ice_restarts_total") - counted).as("ICE restarts counted")
                .isEqualTo(pages.length);
        return now;
    }

    /**
     * framesDecoded rose by at least half the frames sent in the window (25 fps): generous, since the 2-core host is
     * shared and the point is that playback goes on, not its exact rate.
     */
    private static void assertRising(String what, JsonNode before, JsonNode after, int seconds) {
        long decoded = after.path("framesDecoded").asLong() - before.path("framesDecoded").asLong();
        assertThat(decoded).as("%s: frames decoded in %d s (%s -> %s)", what, seconds, before, after)
                .isGreaterThanOrEqualTo((long) seconds * FPS / 2);
    }

    private static List<JsonNode> players(ChromiumDriver chromium, int... pages) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (int page : pages) {
            JsonNode p = chromium.player(page);
            assertThat(p.path("error").isNull() || p.path("error").isMissingNode()).as("player error: %s", p)
                    .isTrue();
            out.add(p);
        }
        return out;
    }

    private static List<JsonNode> awaitPlaying(ChromiumDriver chromium, List<Integer> pages) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        List<JsonNode> last = List.of();
        while (System.nanoTime() < deadline) {
            last = players(chromium, pages.stream().mapToInt(Integer::intValue).toArray());
            if (last.stream().allMatch(p -> p.path("framesDecoded").asInt() > 0)) {
                return last;
            }
            if (last.stream().anyMatch(p -> "failed".equals(p.path("state").asText()))) {
                break;
            }
            Thread.sleep(250);
        }
        return fail("Chromium did not start playing both cameras within 20 s: %s%ndriver output:%n%s", last,
                chromium.output());
    }

    /** FFmpeg as the test rig's camera: High profile with Opus audio, every frame tagged {@link #PUSH_TAG}. */
    private static List<String> highProfileWithOpus(String url) {
        return List.of("-f", "lavfi", "-i", "testsrc2=size=640x360:rate=" + FPS,
                "-f", "lavfi", "-i", "sine=sample_rate=48000", "-t", Integer.toString(PUBLISH_SECONDS),
                "-c:v", "libx264", "-profile:v", "high", "-pix_fmt", "yuv420p", "-tune", "zerolatency",
                "-g", Integer.toString(FPS), "-c:a", "libopus", "-b:a", "32k",
                "-bsf:v", FfmpegCamera.tagEveryFrame(PUSH_TAG),
                "-f", "rtsp", "-rtsp_transport", "tcp", url);
    }
}
