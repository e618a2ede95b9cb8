package dev.camrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * isolation.md #10: hostile input on the RTSP port (oversize headers, interleaved length 0 and 65535, garbage
 * before {@code $}, SETUP/RECORD without auth, a huge SDP, RTP with wrong versions and lengths over TCP interleaved
 * and over UDP, a thousand connections opened and dropped) while a real FFmpeg camera publishes: each bad
 * connection is closed or answered 4xx, the events are counted in {@code /metrics}, the relay carries on, and the
 * publishing camera loses no frame.
 */
@Timeout(180)
class RtspHostileInputTest {

    private static final int SECONDS = 10;
    /** Connections opened and dropped (isolation.md #10), from a few threads at once. */
    private static final int STORM_CONNECTIONS = 1000;
    private static final int STORM_THREADS = 4;
    /** RTP timestamp step of one frame at 25 fps on the 90 kHz video clock (RFC 6184 §5.1). */
    private static final long FRAME_TICKS = 90_000 / 25;
    private static Relay relay;
    private static TestClient api;
    private static int rtspPort;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        relay = RtspTestRelay.start();
        api = RtspTestRelay.admin(relay);
        rtspPort = relay.ports().rtsp().getAsInt();
    }

    @AfterAll
    static void stop() {
        if (relay != null) {
            relay.close();
        }
    }

    private static byte[] interleavedHeader(int channel, int length) {
        return new byte[] {'$', (byte) channel, (byte) (length >> 8), (byte) length};
    }

    private static String setupWithoutAuth(String path) {
        return "SETUP rtsp://127.0.0.1/" + path + "/streamid=0 RTSP/1.0\r\nCSeq: 1\r\n"
                + "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;mode=record\r\n\r\n";
    }

    /** Every kind of bad input once; returns how many connections the server closed or answered 4xx. */
    private static List<String> attack() throws Exception {
        List<String> outcomes = new ArrayList<>();
        try (RawRtsp c = new RawRtsp(rtspPort)) {
            outcomes.add("oversize header closed=" + c.closesOn("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX-Big: "
                    + "a".repeat(20_000) + "\r\n\r\n"));
        }
        try (RawRtsp c = new RawRtsp(rtspPort)) {
            outcomes.add("long start line closed=" + c.closesOn("OPTIONS rtsp://127.0.0.1/" + "b".repeat(10_000)
                    + " RTSP/1.0\r\n\r\n"));
        }
        try (RawRtsp c = new RawRtsp(rtspPort)) {
            c.send(interleavedHeader(0, 0)).send(interleavedHeader(0, 0));
            outcomes.add("interleaved 0 then OPTIONS: " + c.send("OPTIONS * RTSP/1.0\r\nCSeq: 2\r\n\r\n")
                    .readHead().lines().findFirst().orElse("closed"));
        }
        try (RawRtsp c = new RawRtsp(rtspPort)) {
            c.send(interleavedHeader(0, 65_535)).send(new byte[1000]);
            // The frame is incomplete; the relay holds at most 64 KiB for it and drops it with the connection.
        }
        try (RawRtsp c = new RawRtsp(rtspPort)) {
            byte[] garbage = new byte[300_000];
            for (int i = 0; i < garbage.length; i++) {
                byte b = (byte) (i * 31 + 7);
                garbage[i] = b == '$' ? 0 : b;
            }
            outcomes.add("garbage closed=" + c.closesOn(garbage));
        }
        try (RawRtsp c = new RawRtsp(rtspPort)) {
            outcomes.add("setup without auth: " + c.send(setupWithoutAuth("live")).readHead().lines().findFirst()
                    .orElse("closed"));
            outcomes.add("record without auth: " + c.send("RECORD rtsp://127.0.0.1/live RTSP/1.0\r\nCSeq: 2\r\n\r\n")
                    .readHead().lines().findFirst().orElse("closed"));
            outcomes.add("malformed authorization: " + c.send("RECORD rtsp://127.0.0.1/live RTSP/1.0\r\nCSeq: 3\r\n"
                    + "Authorization: Digest username=\"x\", realm=, nonce\r\n\r\n").readHead().lines().findFirst()
                    .orElse("closed"));
        }
        try (RawRtsp c = new RawRtsp(rtspPort)) {
            outcomes.add("huge sdp closed=" + c.closesOn("ANNOUNCE rtsp://127.0.0.1/live RTSP/1.0\r\nCSeq: 1\r\n"
                    + "Content-Type: application/sdp\r\nContent-Length: 50000000\r\n\r\n" + "v=0\r\n".repeat(100)));
        }
        connectionStorm();
        return outcomes;
    }

    /** Opens and drops {@link #STORM_CONNECTIONS}: some send half a request, half are reset instead of closed. */
    private static void connectionStorm() throws Exception {
        List<Thread> threads = new ArrayList<>();
        List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < STORM_THREADS; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < STORM_CONNECTIONS / STORM_THREADS; i++) {
                        try (Socket s = new Socket("127.0.0.1", rtspPort)) {
                            if (i % 3 == 0) {
                                s.getOutputStream().write("OPTIONS * RTSP/1.0\r\n".getBytes(StandardCharsets.US_ASCII));
                            }
                            s.setSoLinger(i % 2 == 0, 0); // half of them reset instead of closing
                        }
                    }
                } catch (Exception e) {
                    errors.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(errors).isEmpty();
    }

    private static long metric(String name) throws Exception {
        return RtspPullTransportTest.metric(api, name);
    }

    @Test
    void hostileInputOnTheRtspPortLeavesAPublishingCameraWhole() throws Exception {
        RtspPushIngestTest.addPushCamera(api, "bad-tcp", "u", "p");
        RtspPushIngestTest.addPushCamera(api, "bad-udp", "u", "p");
        long connectionsBefore = metric("relay_rtsp_connections_total");
        long invalidBefore = metric("relay_rtsp_rtp_invalid_total");
        RtspPushIngestTest.addPushCamera(api, "live", "u", "p");
        try (StreamCollector collector = new StreamCollector(relay, "live");
             ExternalPeer ffmpeg = ExternalPeer.ffmpegPush(dir.resolve("ffmpeg.log"),
                     RtspPushIngestTest.pushUrl(relay, "u", "p", "live"), "tcp", "CAMERA-A", SECONDS)) {
            long epoch = RtspPushIngestTest.awaitCamera(api, "live", Duration.ofSeconds(15),
                    RtspPushIngestTest::live).path("epoch").asLong();
            List<String> outcomes = attack();
            int invalidSent = BadRtpPublisher.overInterleaved(rtspPort, "bad-tcp", "u", "p")
                    + BadRtpPublisher.overUdp(rtspPort, "bad-udp", "u", "p");
            assertThat(ffmpeg.isAlive()).as("the attack ended while the camera was still publishing").isTrue();
            assertThat(ffmpeg.await(SECONDS + 20)).as(ffmpeg.logText()).isZero();
            RtspPushIngestTest.awaitCamera(api, "live", Duration.ofSeconds(5), c -> !RtspPushIngestTest.live(c));
            collector.close();

            assertThat(outcomes).containsExactly("oversize header closed=true", "long start line closed=true",
                    "interleaved 0 then OPTIONS: RTSP/1.0 200 OK", "garbage closed=true",
                    "setup without auth: RTSP/1.0 401 Unauthorized", "record without auth: RTSP/1.0 401 Unauthorized",
                    "malformed authorization: RTSP/1.0 401 Unauthorized", "huge sdp closed=true");
            assertThat(collector.problems()).isEmpty();
            List<StreamCollector.Unit> video = collector.video(epoch);
            RtspPushIngestTest.assertSourceStream(video, SECONDS * 25, "CAMERA-A");
            for (int i = 1; i < video.size(); i++) {
                assertThat(video.get(i).pts() - video.get(i - 1).pts()).as("no frame lost before frame %d", i)
                        .isEqualTo(FRAME_TICKS);
            }
            assertThat(api.get("/healthz").statusCode()).isEqualTo(200);
            assertThat(metric("relay_rtsp_malformed_connections_total")).isPositive();
            assertThat(metric("relay_rtsp_rtp_invalid_total") - invalidBefore).as("invalid RTP counted")
                    .isEqualTo(invalidSent);
            assertThat(metric("relay_rtsp_connections_total") - connectionsBefore).as("connections counted")
                    .isGreaterThanOrEqualTo(STORM_CONNECTIONS);
            for (String bad : List.of("bad-tcp", "bad-udp")) {
                assertThat(TestClient.json(api.get("/api/v1/cameras/" + bad)).path("framesIn").asLong())
                        .as("nothing published from invalid RTP").isZero();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (relay.rtsp().connections() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(relay.rtsp().connections()).as("connections left open").isZero();
        } finally {
            api.delete("/api/v1/cameras/live");
            api.delete("/api/v1/cameras/bad-tcp");
            api.delete("/api/v1/cameras/bad-udp");
        }
    }
}
