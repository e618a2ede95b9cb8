package dev.camrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pull cameras (protocols.md 1.2-1.6) against the real relay and real GStreamer RTSP servers serving clips FFmpeg
 * tagged on every frame (test-rig.md): over UDP, over TCP when forced, over TCP after the server refused UDP (461),
 * after UDP stayed silent for 3 s, and through a DESCRIBE redirect; with Basic and with Digest; AAC as RFC 3640 and
 * (one camera) as MP4A-LATM. Each camera goes live with the clip's codec facts and its AAC frames, its buffer holds
 * the clip's frames (within one GOP: a reader starts at a keyframe) with keyframes where FFmpeg put them and
 * increasing timestamps, and every access unit carries that camera's own SEI tag, several cameras at once.
 */
@Timeout(240)
class RtspPullTransportTest {

    private static final int CLIP_SECONDS = 6;
    private static final int CLIP_FRAMES = CLIP_SECONDS * 25;
    private static Relay relay;
    private static TestClient api;

    @TempDir
    static Path clips;
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

    /** A GStreamer camera serving its own tagged clip. */
    private GstRtspCamera camera(String tag, String user, String password, String... options) throws Exception {
        Path clip = ExternalPeer.taggedClip(clips.resolve(tag + ".mkv"), tag, CLIP_SECONDS);
        List<String> all = new ArrayList<>(List.of(options));
        all.add("--clip");
        all.add(clip.toString());
        return GstRtspCamera.start(dir.resolve(tag + ".log"), GstRtspCamera.freePort(), user, password,
                all.toArray(String[]::new));
    }

    private static void addPullCamera(String id, String source, boolean forceTcp) throws Exception {
        HttpResponse<String> r = api.post("/api/v1/cameras", "{\"id\": \"" + id + "\", \"source\": \"" + source
                + "\"" + (forceTcp ? ", \"forceTcp\": true" : "") + "}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
    }

    /** One pulled camera: its view once live and what its first epoch held. */
    private record Pulled(String id, String tag, JsonNode live, StreamCollector collector) {
        List<StreamCollector.Unit> video() {
            return collector.video(live.path("epoch").asLong());
        }
    }

    private static Pulled awaitLive(String id, String tag, StreamCollector collector) throws Exception {
        JsonNode cam = RtspPushIngestTest.awaitCamera(api, id, Duration.ofSeconds(25), RtspPushIngestTest::live);
        return new Pulled(id, tag, cam, collector);
    }

    /** Waits until every camera's clip has been read whole or its frames stop coming (the clip ended). */
    private static void awaitClipsEnd(List<Pulled> cameras) throws InterruptedException {
        for (Pulled p : cameras) {
            p.collector().awaitVideo(p.live().path("epoch").asLong(), CLIP_FRAMES, Duration.ofSeconds(2),
                    Duration.ofSeconds(CLIP_SECONDS + 15));
        }
    }

    /** The clip's codec facts, frames, keyframes, timestamps and tag, as every pull test checks them. */
    private static void assertClipPulled(Pulled p) throws Exception {
        assertThat(TestClient.json(api.get("/api/v1/cameras/" + p.id())).path("gopFrames").asInt()).as(p.id())
                .isEqualTo(25);
        JsonNode cam = p.live();
        assertThat(cam.path("codecs").toString()).as(p.id()).contains("H264").contains("AAC");
        assertThat(cam.path("width").asInt()).as(p.id()).isEqualTo(320);
        assertThat(cam.path("height").asInt()).as(p.id()).isEqualTo(240);
        assertThat(cam.path("fps").asDouble()).as(p.id()).isEqualTo(25.0);
        assertThat(p.collector().problems()).as(p.id()).isEmpty();
        RtspPushIngestTest.assertSourceStream(p.video(), CLIP_FRAMES, p.tag());
        RtspPushIngestTest.assertAacFramesArrived(p.collector().audio(p.live().path("epoch").asLong()), CLIP_SECONDS);
    }

    @Test
    void fourCamerasPulledAtOnceOverUdpOverForcedTcpAndAfterA461EachHoldOnlyTheirOwnWholeClip() throws Exception {
        try (GstRtspCamera udpDigest = camera("PULL-UDP-DIGEST", "u", "p");
             GstRtspCamera udpBasic = camera("PULL-UDP-BASIC", "u", "p", "--auth", "basic", "--latm");
             GstRtspCamera forced = camera("PULL-FORCED-TCP", "u", "p", "--auth", "basic");
             GstRtspCamera tcpOnly = camera("PULL-TCP-ONLY", "u", "p", "--protocols", "tcp");
             StreamCollector c1 = new StreamCollector(relay, "udp-digest");
             StreamCollector c2 = new StreamCollector(relay, "udp-basic");
             StreamCollector c3 = new StreamCollector(relay, "forced-tcp");
             StreamCollector c4 = new StreamCollector(relay, "tcp-only")) {
            addPullCamera("udp-digest", udpDigest.url("u", "p"), false);
            addPullCamera("udp-basic", udpBasic.url("u", "p"), false);
            addPullCamera("forced-tcp", forced.url("u", "p"), true);
            addPullCamera("tcp-only", tcpOnly.url("u", "p"), false);
            List<Pulled> pulled = List.of(awaitLive("udp-digest", "PULL-UDP-DIGEST", c1),
                    awaitLive("udp-basic", "PULL-UDP-BASIC", c2), awaitLive("forced-tcp", "PULL-FORCED-TCP", c3),
                    awaitLive("tcp-only", "PULL-TCP-ONLY", c4));
            awaitClipsEnd(pulled);
            for (StreamCollector c : List.of(c1, c2, c3, c4)) {
                c.close();
            }

            assertThat(pulled.get(0).live().path("transport").asText()).isEqualTo("udp");
            assertThat(pulled.get(1).live().path("transport").asText()).isEqualTo("udp");
            assertThat(pulled.get(2).live().path("transport").asText()).startsWith("tcp (forced");
            assertThat(pulled.get(2).live().path("forceTcp").asBoolean()).isTrue();
            assertThat(pulled.get(3).live().path("transport").asText())
                    .startsWith("tcp (UDP fallback: SETUP answered 461");
            for (Pulled p : pulled) {
                assertClipPulled(p);
            }
        } finally {
            for (String id : List.of("udp-digest", "udp-basic", "forced-tcp", "tcp-only")) {
                api.delete("/api/v1/cameras/" + id);
            }
        }
    }

    @Test
    void aCameraWhoseUdpNeverArrivesIsPulledOverTcpAfterThreeSilentSeconds() throws Exception {
        try (GstRtspCamera gst = camera("PULL-UDP-SILENT", "u", "p");
             RtspSetupProxy firewall = new RtspSetupProxy(gst.port(), true);
             StreamCollector collector = new StreamCollector(relay, "silent-udp")) {
            long added = System.nanoTime();
            addPullCamera("silent-udp", "rtsp://u:p@127.0.0.1:" + firewall.port() + "/cam", false);
            Pulled p = awaitLive("silent-udp", "PULL-UDP-SILENT", collector);
            assertThat(Duration.ofNanos(System.nanoTime() - added)).as("waited for UDP first")
                    .isGreaterThanOrEqualTo(Duration.ofSeconds(3));
            awaitClipsEnd(List.of(p));
            collector.close();

            assertThat(p.live().path("transport").asText())
                    .isEqualTo("tcp (UDP fallback: no UDP packet within 3 s of PLAY)");
            assertThat(firewall.setupsRewritten()).as("UDP SETUPs sent into the black hole").isEqualTo(2);
            assertThat(firewall.datagramsSwallowed()).as("the camera did send over UDP").isPositive();
            assertThat(collector.epochsRead()).as("the silent UDP session never went live").isEqualTo(1);
            assertClipPulled(p);
        } finally {
            api.delete("/api/v1/cameras/silent-udp");
        }
    }

    @Test
    void aDescribeRedirectIsFollowedWithTheCredentialsToTheCameraThatServes() throws Exception {
        try (GstRtspCamera gst = camera("PULL-REDIRECTED", "u", "p");
             RtspRedirector moved = new RtspRedirector("rtsp://127.0.0.1:" + gst.port() + "/cam");
             StreamCollector collector = new StreamCollector(relay, "redirected")) {
            addPullCamera("redirected", "rtsp://u:p@127.0.0.1:" + moved.port() + "/old", false);
            Pulled p = awaitLive("redirected", "PULL-REDIRECTED", collector);
            awaitClipsEnd(List.of(p));
            collector.close();

            assertThat(moved.requests()).anyMatch(r -> r.startsWith("DESCRIBE rtsp://127.0.0.1:" + moved.port()
                    + "/old "));
            assertThat(p.live().path("transport").asText()).isEqualTo("udp");
            assertClipPulled(p);
        } finally {
            api.delete("/api/v1/cameras/redirected");
        }
    }

    @Test
    void udpFromAnotherAddressThanTheCamerasIsDroppedCountedAndCostsNoFrame() throws Exception {
        try (GstRtspCamera gst = camera("PULL-UDP-SPOOFED", null, null);
             RtspSetupProxy watch = new RtspSetupProxy(gst.port(), false);
             StreamCollector collector = new StreamCollector(relay, "spoofed");
             DatagramSocket intruder = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"),
                     0))) {
            long before = metric("relay_rtsp_foreign_datagrams_total");
            addPullCamera("spoofed", "rtsp://127.0.0.1:" + watch.port() + "/cam", false);
            Pulled p = awaitLive("spoofed", "PULL-UDP-SPOOFED", collector);
            int rtpPort = watch.clientRtpPorts().getFirst();
            byte[] forged = new byte[100]; // small: 200 of them fit any socket buffer, none is dropped by the kernel
            forged[0] = (byte) 0x80; // version 2: a valid-looking RTP header
            forged[1] = 96;
            for (int i = 0; i < 200; i++) {
                forged[3] = (byte) i;
                intruder.send(new DatagramPacket(forged, forged.length, InetAddress.getLoopbackAddress(), rtpPort));
                intruder.send(new DatagramPacket(forged, 8, InetAddress.getLoopbackAddress(), rtpPort + 1));
            }
            awaitClipsEnd(List.of(p));
            collector.close();

            assertThat(p.live().path("transport").asText()).isEqualTo("udp");
            assertThat(metric("relay_rtsp_foreign_datagrams_total") - before).isEqualTo(400);
            assertClipPulled(p);
        } finally {
            api.delete("/api/v1/cameras/spoofed");
        }
    }

    private static long metric(String name) throws Exception {
        return metric(api, name);
    }

    /** A counter without labels from {@code /metrics}, 0 if absent. */
    static long metric(TestClient api, String name) throws Exception {
        Matcher m = Pattern.compile("(?m)^" + name + " ([0-9.eE+]+)$").matcher(api.get("/metrics").body());
        return m.find() ? (long) Double.parseDouble(m.group(1)) : 0;
    }
}
