package dev.camrelay.server.webrtc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.camrelay.webrtc.dtls.SrtpProfile;
import dev.camrelay.webrtc.ice.ConnectivityCheck;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Media from the real relay ({@link TwoCameraRelay}) to {@link WhepTestClient}s, real WHEP peers (ICE, DTLS-SRTP,
 * SRTP, H.264 reassembly, SEI camera tags): playback and isolation between cameras, one sender thread for many
 * viewers, NACK/RTX, PLI and receiver reports, ICE restarts, and garbage on the UDP port. Who may open, change and end
 * a session is {@link WhepSessionControlTest}.
 */
@Timeout(120)
class WhepPlaybackTest {

    @RegisterExtension
    static final TwoCameraRelay RIG = new TwoCameraRelay();

    @ParameterizedTest
    @EnumSource(SrtpProfile.class)
    void demoPlaysForFiveSecondsWithEveryFrameTaggedDemo(SrtpProfile profile) throws Exception {
        JsonNode session = RIG.admin.newSession("demo", "webrtc", 600);
        try (WhepTestClient client = new WhepTestClient()) {
            HttpResponse<String> r = client.post(RIG.base, "demo", session.path("token").asText());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                    ct -> assertThat(ct).startsWith("application/sdp"));
            assertThat(client.location).startsWith("/whep/sessions/");
            assertThat(client.etag).isNotBlank();
            assertThat(client.answer).contains("a=ice-lite", "a=setup:passive",
                    "127.0.0.1 " + RIG.webrtcPort() + " typ host", "a=end-of-candidates");

            client.connect(profile);
            client.receiveFor(Duration.ofSeconds(5));

            AccessUnitAssembler m = client.media;
            System.out.printf("WHEP %s: %d frames (%d keyframes) in 5 s, %d RTP packets, %d lost, %d RTCP, tags %s%n",
                    profile, m.frames, m.keyframes, m.packets, m.lostPackets, client.rtcpReceived, m.framesByTag);
            assertThat(client.profile).isEqualTo(profile);
            assertThat(m.frames).as("frames in 5 s; %s", m.framesByTag).isGreaterThanOrEqualTo(80);
            assertThat(m.framesByTag).containsOnlyKeys("DEMO");
            assertThat(m.untaggedFrames).isZero();
            assertThat(m.keyframes).isPositive();
            assertThat(m.lostPackets).isZero();
            assertThat(m.brokenFrames).isZero();
            assertThat(client.srtpRejected).isZero();
            assertThat(client.rtcpReceived).as("RTCP sender reports").isGreaterThanOrEqualTo(3);
        }
        assertThat(RIG.admin.metric("relay_whep_packets_sent_total")).isPositive();
        assertThat(RIG.admin.metric("relay_whep_frames_sent_total")).isPositive();
        List<String> latency = RIG.admin.metricLines("relay_whep_frame_latency_seconds{");
        System.out.println("frame latency: " + latency);
        assertThat(latency).as("frame-in to last-packet-out p99 over the run: live frames only, so well under the "
                + "1 s GOP burst a new viewer starts with").anySatisfy(l -> assertThat(l)
                .contains("quantile=\"0.99\"", "window=\"total\"")
                .satisfies(x -> assertThat(Double.parseDouble(x.substring(x.lastIndexOf(' ') + 1)))
                        .isPositive().isLessThan(0.2)));
        assertThat(RIG.admin.metric("relay_isolation_violations_total")).isZero();
    }

    @Test
    void twoCamerasWithTwoViewersEachDeliverOnlyTheirOwnTag() throws Exception {
        List<String> cameras = List.of("demo", "demo", "cam-b", "cam-b");
        List<WhepTestClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(cameras.size());
        try {
            List<Future<?>> running = new ArrayList<>();
            for (String camera : cameras) {
                WhepTestClient c = new WhepTestClient();
                clients.add(c);
                HttpResponse<String> r = c.post(RIG.base, camera, RIG.admin.webrtcToken(camera));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                running.add(pool.submit(() -> {
                    c.connect(SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES128_CM_HMAC_SHA1_80);
                    c.receiveFor(Duration.ofSeconds(4));
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(30, TimeUnit.SECONDS);
            }
            for (int i = 0; i < cameras.size(); i++) {
                String tag = cameras.get(i).equals("demo") ? "DEMO" : "CAM-B";
                AccessUnitAssembler m = clients.get(i).media;
                assertThat(m.frames).as("viewer %d of %s: %s", i, cameras.get(i), m.framesByTag)
                        .isGreaterThanOrEqualTo(60);
                assertThat(m.framesByTag).as("viewer %d of %s", i, cameras.get(i)).containsOnlyKeys(tag);
                assertThat(m.untaggedFrames).isZero();
            }
        } finally {
            pool.shutdownNow();
            clients.forEach(WhepTestClient::close);
        }
        assertThat(RIG.admin.metric("relay_isolation_violations_total")).isZero();
    }

    @Test
    void oneSenderThreadServesTwelveViewersAtFullFrameRate() throws Exception {
        int viewers = 12;
        List<WhepTestClient> clients = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(viewers);
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int i = 0; i < viewers; i++) {
                WhepTestClient c = new WhepTestClient();
                clients.add(c);
                String camera = i % 2 == 0 ? "demo" : "cam-b";
                HttpResponse<String> r = c.post(RIG.base, camera, RIG.admin.webrtcToken(camera));
                assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
                running.add(pool.submit(() -> {
                    c.connect(SrtpProfile.AEAD_AES_128_GCM);
                    c.receiveFor(Duration.ofSeconds(4));
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get(60, TimeUnit.SECONDS);
            }
            int total = 0;
            for (int i = 0; i < viewers; i++) {
                AccessUnitAssembler m = clients.get(i).media;
                assertThat(m.frames).as("viewer %d", i).isGreaterThanOrEqualTo(80);
                assertThat(m.framesByTag).containsOnlyKeys(i % 2 == 0 ? "DEMO" : "CAM-B");
                total += m.frames;
            }
            System.out.printf("WHEP %d viewers: %d frames in 4 s, lost packets %d%n", viewers, total,
                    clients.stream().mapToLong(c -> c.media.lostPackets).sum());
        } finally {
            pool.shutdownNow();
            clients.forEach(WhepTestClient::close);
        }
    }

    @Test
    void aNackIsAnsweredFromTheSendHistoryAndAPliIsCounted() throws Exception {
        JsonNode session = RIG.admin.newSession("demo", "webrtc", 600);
        try (WhepTestClient client = new WhepTestClient()) {
            assertThat(client.post(RIG.base, "demo", session.path("token").asText()).statusCode()).isEqualTo(201);
            client.connect(SrtpProfile.AEAD_AES_128_GCM);
            client.receiveFor(Duration.ofSeconds(1));
            long nacks = RIG.admin.metric("relay_whep_nacks_received_total");
            long resent = RIG.admin.metric("relay_whep_retransmissions_total");
            long plis = RIG.admin.metric("relay_whep_plis_received_total");
            int keyframes = client.media.keyframes;

            int nacked = (client.media.lastSequence() - 5) & 0xFFFF;
            client.sendNack(client.media.lastSsrc, nacked);
            client.sendPli(client.media.lastSsrc);
            client.receiveFor(Duration.ofMillis(2500));

            assertThat(client.media.rtxPayloadType).as("RTX answered for the offer's rtx/90000").isEqualTo(97);
            assertThat(client.media.rtxOriginalSequences).as("RTX packet with the OSN (RFC 4588 §4)")
                    .containsExactly(nacked);
            assertThat(client.media.latePackets).as("retransmitted packet received").isGreaterThanOrEqualTo(1);
            assertThat(RIG.admin.metric("relay_whep_nacks_received_total") - nacks).isEqualTo(1);
            assertThat(RIG.admin.metric("relay_whep_retransmissions_total") - resent).isEqualTo(1);
            assertThat(RIG.admin.metric("relay_whep_plis_received_total") - plis).isEqualTo(1);
            assertThat(client.media.keyframes).as("playback resumes at a keyframe").isGreaterThan(keyframes);
            assertThat(client.media.brokenFrames).isZero();
        }
    }

    @Test
    void garbageOnTheUdpPortIsDroppedAndCountedWhileAnotherSessionKeepsPlaying() throws Exception {
        JsonNode session = RIG.admin.newSession("demo", "webrtc", 600);
        try (WhepTestClient client = new WhepTestClient();
             DatagramSocket attacker = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            assertThat(client.post(RIG.base, "demo", session.path("token").asText()).statusCode()).isEqualTo(201);
            client.connect(SrtpProfile.AEAD_AES_128_GCM);
            client.receiveFor(Duration.ofMillis(500));
            long stun = RIG.admin.metric("relay_webrtc_stun_dropped_total");
            long dtls = RIG.admin.metric("relay_webrtc_dtls_dropped_total");
            long rtp = RIG.admin.metric("relay_webrtc_rtp_dropped_total");
            long unknown = RIG.admin.metric("relay_webrtc_unknown_dropped_total");
            int framesBefore = client.media.frames;

            InetSocketAddress port = new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    RIG.webrtcPort());
            Random random = new Random(7);
            for (int i = 0; i < 20; i++) {
                send(attacker, port, garbage(random, 0x00, 0x01, 60));          // STUN-looking, broken
                byte[] unknownUser = ConnectivityCheck.request("nosuchuser:x", "abcdefghijklmnopqrstuvwx");
                attacker.send(new DatagramPacket(unknownUser, unknownUser.length, port));
                send(attacker, port, garbage(random, 0x16, 0xFE, 100));         // DTLS record, unknown peer
                send(attacker, port, garbage(random, 0x80, 0x60, 200));         // RTP
                send(attacker, port, garbage(random, 0x80, 0xC9, 40));          // RTCP, unknown peer
                send(attacker, port, garbage(random, 0x50, 0x00, 30));          // none of them
            }
            // Garbage from the playing client's own address: routed to its session and refused by SRTCP/DTLS.
            byte[] forged = garbage(random, 0x80, 0xC9, 60);
            client.socket.send(new DatagramPacket(forged, forged.length));
            byte[] dtlsJunk = garbage(random, 0x17, 0xFE, 60);
            client.socket.send(new DatagramPacket(dtlsJunk, dtlsJunk.length));
            client.receiveFor(Duration.ofSeconds(2));

            assertThat(client.media.frames - framesBefore).as("frames while under garbage").isGreaterThanOrEqualTo(40);
            assertThat(client.media.framesByTag).containsOnlyKeys("DEMO");
            assertThat(RIG.admin.metric("relay_webrtc_stun_dropped_total") - stun).isGreaterThanOrEqualTo(40);
            assertThat(RIG.admin.metric("relay_webrtc_dtls_dropped_total") - dtls).isGreaterThanOrEqualTo(20);
            assertThat(RIG.admin.metric("relay_webrtc_rtp_dropped_total") - rtp).isGreaterThanOrEqualTo(41);
            assertThat(RIG.admin.metric("relay_webrtc_unknown_dropped_total") - unknown).isGreaterThanOrEqualTo(20);
        }
    }

    @Test
    void withoutRtxInTheOfferANackIsResentOnTheVideoSsrcAsItWas() throws Exception {
        JsonNode session = RIG.admin.newSession("demo", "webrtc", 600);
        try (WhepTestClient client = new WhepTestClient()) {
            HttpResponse<String> r = client.post(RIG.base, "demo", session.path("token").asText(), "application/sdp",
                    client.offer("recvonly", false));
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            assertThat(client.answer).doesNotContain("rtx", "ssrc-group");
            client.connect(SrtpProfile.AEAD_AES_128_GCM);
            client.receiveFor(Duration.ofSeconds(1));
            long late = client.media.latePackets;

            client.sendNack(client.media.lastSsrc, (client.media.lastSequence() - 3) & 0xFFFF);
            client.receiveFor(Duration.ofMillis(1000));

            assertThat(client.media.rtxPackets).isZero();
            assertThat(client.media.latePackets - late).as("the same packet again, on its own SSRC").isEqualTo(1);
            assertThat(client.media.brokenFrames).isZero();
        }
    }

    @Test
    void iceRestartThroughPatchGivesNewCredentialsAndMediaFollowsTheNewPair() throws Exception {
        JsonNode session = RIG.admin.newSession("demo", "webrtc", 600);
        String token = session.path("token").asText();
        String sdpfrag = "application/trickle-ice-sdpfrag";
        try (WhepTestClient client = new WhepTestClient()) {
            assertThat(client.post(RIG.base, "demo", token).statusCode()).isEqualTo(201);
            client.connect(SrtpProfile.AEAD_AES_128_GCM);
            assertThat(client.receiveFor(Duration.ofMillis(500))).isPositive();
            String oldEtag = client.etag;
            long restarts = RIG.admin.metric("relay_whep_ice_restarts_total");

            String restart = "a=ice-ufrag:NewClient\r\na=ice-pwd:abcdefghijklmnopqrstuvwxyz012345\r\n";
            assertThat(client.send(RIG.base, "PATCH", token, sdpfrag, "a=ice-ufrag:NewClient\r\n", "*").statusCode())
                    .as("a restart without a password").isEqualTo(400);
            HttpResponse<String> r = client.send(RIG.base, "PATCH", token, sdpfrag, restart, oldEtag);

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct)
                    .startsWith(sdpfrag));
            String newEtag = r.headers().firstValue("ETag").orElseThrow();
            assertThat(newEtag).isNotEqualTo(oldEtag);
            assertThat(r.body()).startsWith("a=ice-lite\r\n").contains("a=end-of-candidates",
                    "127.0.0.1 " + RIG.webrtcPort() + " typ host");
            String ufrag = line(r.body(), "a=ice-ufrag:");
            String pwd = line(r.body(), "a=ice-pwd:");
            assertThat(client.answer).doesNotContain("a=ice-ufrag:" + ufrag);
            assertThat(RIG.admin.metric("relay_whep_ice_restarts_total") - restarts).isEqualTo(1);
            assertThat(client.receiveFor(Duration.ofMillis(500))).as("media goes on before the new check")
                    .isPositive();
            JsonNode pending = RIG.admin.sessionEntry(session.path("sessionId").asText()).path("webrtc");
            assertThat(pending.path("iceRestarts").asInt()).as("%s", pending).isEqualTo(1);
            assertThat(pending.path("iceRestartPending").asBoolean()).as("old ICE kept until the new is nominated")
                    .isTrue();
            assertThat(pending.path("iceNominated").asBoolean()).as("%s", pending).isFalse();

            client.recheck(ufrag, pwd, "NewClient");
            int frames = client.media.frames;
            client.receiveFor(Duration.ofSeconds(2));
            assertThat(client.media.frames - frames).as("frames after the restart's check").isGreaterThan(30);
            assertThat(client.media.brokenFrames).isZero();
            JsonNode done = RIG.admin.sessionEntry(session.path("sessionId").asText()).path("webrtc");
            assertThat(done.path("iceNominated").asBoolean() && !done.path("iceRestartPending").asBoolean())
                    .as("new ICE nominated, old dropped by the next sweep (1 s): %s", done).isTrue();
            assertThat(client.send(RIG.base, "PATCH", token, sdpfrag, restart.replace("NewClient", "Third"), oldEtag)
                    .statusCode()).as("the old ETag is stale now").isEqualTo(412);
            assertThat(client.send(RIG.base, "DELETE", token, null, null, null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void receiverReportsGiveTheSessionAnRttInTheSessionsApiAndMetrics() throws Exception {
        JsonNode session = RIG.admin.newSession("demo", "webrtc", 600);
        try (WhepTestClient client = new WhepTestClient()) {
            assertThat(client.post(RIG.base, "demo", session.path("token").asText()).statusCode()).isEqualTo(201);
            client.connect(SrtpProfile.AES128_CM_HMAC_SHA1_80);
            client.receiveFor(Duration.ofMillis(1500));
            assertThat(client.receiveNextSenderReport(Duration.ofSeconds(3))).as("a sender report once live").isTrue();
            Thread.sleep(30); // the report is held 30 ms: DLSR says so and the RTT must not include it
            client.sendReceiverReport(client.media.lastSsrc);
            client.receiveFor(Duration.ofMillis(300));

            JsonNode entry = RIG.admin.sessionEntry(session.path("sessionId").asText());
            JsonNode estimate = entry.path("webrtc").path("estimate");
            assertThat(entry.path("webrtc").path("rtx").asBoolean()).isTrue();
            assertThat(estimate.path("reportBlocks").asLong()).isEqualTo(1);
            assertThat(estimate.path("rttMillis").asDouble()).as("loopback RTT: %s", estimate)
                    .isGreaterThan(0).isLessThan(25);
            assertThat(RIG.admin.metricText()).contains("relay_whep_session_rtt_seconds{camera=\"demo\",session=\""
                    + entry.path("webrtc").path("whepSession").asText() + "\"}");
        }
    }

    // ---------------------------------------------------------------- helpers

    private static byte[] garbage(Random random, int first, int second, int length) {
        byte[] b = new byte[length];
        random.nextBytes(b);
        b[0] = (byte) first;
        b[1] = (byte) second;
        return b;
    }

    private static void send(DatagramSocket socket, InetSocketAddress to, byte[] data) throws Exception {
        socket.send(new DatagramPacket(data, data.length, to));
    }

    private static String line(String text, String prefix) {
        return text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow().substring(prefix.length())
                .strip();
    }
}
