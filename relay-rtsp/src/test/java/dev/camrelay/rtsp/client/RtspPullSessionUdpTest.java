package dev.camrelay.rtsp.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.rtsp.depacketize.AccessUnitSink;
import dev.camrelay.rtsp.message.RtspEncoder;
import dev.camrelay.rtsp.message.RtspFramer;
import dev.camrelay.rtsp.message.RtspTransport;
import dev.camrelay.rtsp.receive.ReceiveCounters;
import dev.camrelay.rtsp.rtp.TestRtp;
import dev.camrelay.rtsp.sdp.MediaDescription;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pull session's transport rules (protocols.md 1.2-1.6) against a scripted server with real sockets on
 * 127.0.0.1: what goes to the server's UDP ports and when, which datagrams count, each fallback to TCP, redirects,
 * re-authentication of keepalives. Interop with a real server is in {@code RtspPullSessionTest} and the relay's
 * pull tests.
 */
@Timeout(60)
class RtspPullSessionUdpTest {

    private static final String SDP = "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=scripted\r\nt=0 0\r\n"
            + "m=video 0 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=1\r\n"
            + "a=control:track0\r\n";
    private static final byte[] IDR = {0x65, (byte) 0x88, (byte) 0x84, 0x00, 0x10};

    private EventLoopGroup group;
    private DatagramSocket serverRtp;
    private DatagramSocket serverRtcp;
    private ScriptedRtspServer server;
    private final Recorder recorder = new Recorder();
    private final AtomicInteger foreign = new AtomicInteger();
    private volatile String clientPorts;

    /** What the session told its listener and sink. */
    private static final class Recorder implements AccessUnitSink, PullSessionListener {
        final List<Long> units = new CopyOnWriteArrayList<>();
        final List<List<MediaDescription>> playing = new CopyOnWriteArrayList<>();
        final List<String> failures = new CopyOnWriteArrayList<>();
        final List<String> redirects = new CopyOnWriteArrayList<>();
        final List<String> switches = new CopyOnWriteArrayList<>();

        @Override
        public void onAccessUnit(int track, long pts, long dts, boolean keyframe, DirectBuffer buffer, int offset,
                                 int length) {
            units.add(pts);
        }

        @Override
        public void onPlaying(List<MediaDescription> tracks) {
            playing.add(tracks);
        }

        @Override
        public void onFailed(String reason) {
            failures.add(reason);
        }

        @Override
        public void onRedirect(String url) {
            redirects.add(url);
        }

        @Override
        public void onSwitchToTcp(String reason) {
            switches.add(reason);
        }
    }

    private final ReceiveCounters counters = new ReceiveCounters() {
        @Override
        public void foreignDatagram() {
            foreign.incrementAndGet();
        }

        @Override
        public void rtpInvalid(long newlyInvalid) {
        }

        @Override
        public void rtpPacketsLost(long newlyLost) {
        }
    };

    @BeforeEach
    void start() throws Exception {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        serverRtp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        serverRtcp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        serverRtp.close();
        serverRtcp.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    /** A camera that answers everything; SETUP with {@code transport} (the client's ports filled in). */
    private String camera(ScriptedRtspServer.Request r, Function<String, String> transport) {
        return switch (r.method()) {
            case "OPTIONS" -> ScriptedRtspServer.ok(r, "Public: OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN");
            case "DESCRIBE" -> ScriptedRtspServer.withBody(r, "application/sdp", SDP,
                    "Content-Base: rtsp://127.0.0.1:" + server.port() + "/cam/");
            case "SETUP" -> {
                String offered = r.header("Transport");
                clientPorts = offered;
                String answer = transport.apply(offered);
                yield answer.startsWith("RTSP/") ? answer.replace("CSEQ", r.cseq())
                        : ScriptedRtspServer.ok(r, "Transport: " + answer, "Session: s1;timeout=60");
            }
            default -> ScriptedRtspServer.ok(r, "Session: s1");
        };
    }

    private String udpAnswer(String offered) {
        return offered + ";server_port=" + serverRtp.getLocalPort() + "-" + serverRtcp.getLocalPort();
    }

    private RtspPullSession connect(String url, PullOptions options) throws InterruptedException {
        RtspPullSession session = new RtspPullSession(url, recorder, recorder, options);
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new RtspFramer(), new RtspEncoder(), session);
                    }
                }).connect(new InetSocketAddress("127.0.0.1", server.port())).sync().channel();
        assertThat(ch.isActive()).isTrue();
        return session;
    }

    private String url() {
        return "rtsp://u:p@127.0.0.1:" + server.port() + "/cam";
    }

    private static void await(BooleanSupplier condition, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static byte[] receive(DatagramSocket s, int timeoutMillis) throws Exception {
        s.setSoTimeout(timeoutMillis);
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            s.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return java.util.Arrays.copyOf(buf, p.getLength());
    }

    private int clientRtpPort() {
        return RtspTransport.parse(clientPorts).clientRtpPort();
    }

    private void sendFrame(DatagramSocket from, int seq) throws Exception {
        byte[] rtp = TestRtp.packet(seq, 3600L * seq, true, IDR);
        from.send(new DatagramPacket(rtp, rtp.length, InetAddress.getLoopbackAddress(), clientRtpPort()));
    }

    @Test
    void natOpeningPacketsReachTheServerPortsBeforePlayAndReceiverReportsFollowWithinFiveSeconds() throws Exception {
        server = new ScriptedRtspServer(r -> camera(r, this::udpAnswer));
        RtspPullSession session = connect(url(), PullOptions.udpFirst(NioDatagramChannel.class, counters));
        ScriptedRtspServer.Request r;
        while ((r = server.next(5000)) != null && !r.method().equals("PLAY")) {
            assertThat(r.method()).isIn("OPTIONS", "DESCRIBE", "SETUP");
        }
        assertThat(r).as("PLAY sent").isNotNull();
        assertThat(clientPorts).matches("RTP/AVP;unicast;client_port=\\d*[02468]-\\d+").doesNotContain("mode=");
        // Sent before PLAY: already queued on the server's sockets when the PLAY request is read.
        byte[] rtpOpen = receive(serverRtp, 200);
        byte[] rtcpOpen = receive(serverRtcp, 200);
        assertThat(rtpOpen).as("an RTP packet to server_port before PLAY").hasSize(12);
        assertThat(rtpOpen[0] & 0xC0).isEqualTo(0x80);
        assertThat(rtcpOpen).as("an RTCP receiver report to server_port + 1 before PLAY").hasSize(8);
        assertThat(rtcpOpen[1] & 0xFF).isEqualTo(201);

        await(() -> session.usesUdp(), 1000);
        assertThat(recorder.playing).as("not live before the first datagram").isEmpty();
        for (int seq = 1; seq <= 5; seq++) {
            sendFrame(serverRtp, seq);
        }
        await(() -> recorder.units.size() >= 4, 2000);
        assertThat(recorder.playing).hasSize(1);
        assertThat(session.usesUdp()).isTrue();
        assertThat(session.fallbackReason()).isNull();

        long sent = System.nanoTime();
        byte[] report = receive(serverRtcp, 5500);
        assertThat(report).as("a receiver report within 5 s").isNotNull();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent)).isLessThanOrEqualTo(5000);
        assertThat(report[0] & 0x1F).as("one report block").isEqualTo(1);
        assertThat(report[1] & 0xFF).isEqualTo(201);
        assertThat(java.nio.ByteBuffer.wrap(report, 8, 4).getInt()).as("about the camera's SSRC")
                .isEqualTo(0x1234_5678);
        // The loop counts a report once its send returned, which can be just after the datagram reached us.
        await(() -> session.receiverReportsSent() > 0, 1000);
        assertThat(session.receiverReportsSent()).isPositive();
        assertThat(recorder.failures).isEmpty();
    }

    @Test
    void udpFromAnotherAddressIsDroppedCountedAndDoesNotMakeTheCameraLive() throws Exception {
        server = new ScriptedRtspServer(r -> camera(r, this::udpAnswer));
        connect(url(), PullOptions.udpFirst(NioDatagramChannel.class, counters));
        await(() -> server.requests().stream().anyMatch(q -> q.method().equals("PLAY")), 5000);
        try (DatagramSocket intruder = new DatagramSocket(0, InetAddress.getByName("127.0.0.2"))) {
            for (int seq = 1; seq <= 10; seq++) {
                sendFrame(intruder, seq);
            }
            await(() -> foreign.get() >= 10, 2000);
            Thread.sleep(200);
            assertThat(foreign.get()).isEqualTo(10);
            assertThat(recorder.playing).isEmpty();
            assertThat(recorder.units).isEmpty();
        }
        sendFrame(serverRtp, 11);
        await(() -> !recorder.playing.isEmpty(), 2000);
        assertThat(recorder.playing).hasSize(1);
    }

    @Test
    void aTcpAnswerToTheUdpSetupCarriesTheTrackInterleavedOnTheSameConnection() throws Exception {
        server = new ScriptedRtspServer(r -> camera(r, offered -> "RTP/AVP/TCP;unicast;interleaved=4-5"));
        RtspPullSession session = connect(url(), PullOptions.udpFirst(NioDatagramChannel.class, counters));
        await(() -> !recorder.playing.isEmpty(), 5000);
        assertThat(session.usesUdp()).isFalse();
        assertThat(session.fallbackReason()).isEqualTo("the server answered SETUP with TCP transport");
        byte[] rtp = TestRtp.packet(1, 3600, true, IDR);
        byte[] frame = new byte[4 + rtp.length];
        frame[0] = '$';
        frame[1] = 4;
        frame[3] = (byte) rtp.length;
        System.arraycopy(rtp, 0, frame, 4, rtp.length);
        server.send(frame);
        await(() -> !recorder.units.isEmpty(), 2000);
        assertThat(recorder.units).hasSize(1);
    }

    @Test
    void a461ToTheUdpSetupIsRetriedOverTcpInterleavedOnTheSameConnection() throws Exception {
        server = new ScriptedRtspServer(r -> camera(r, offered -> offered.contains("client_port")
                ? "RTSP/1.0 461 Unsupported Transport\r\nCSeq: CSEQ\r\n\r\n" : offered));
        RtspPullSession session = connect(url(), PullOptions.udpFirst(NioDatagramChannel.class, counters));
        await(() -> !recorder.playing.isEmpty(), 5000);
        List<String> setups = server.requests().stream().filter(q -> q.method().equals("SETUP"))
                .map(q -> q.header("Transport")).toList();
        assertThat(setups).hasSize(2);
        assertThat(setups.get(0)).startsWith("RTP/AVP;unicast;client_port=");
        assertThat(setups.get(1)).isEqualTo("RTP/AVP/TCP;unicast;interleaved=0-1");
        assertThat(session.fallbackReason()).isEqualTo("SETUP answered 461 Unsupported Transport");
        assertThat(recorder.switches).isEmpty();
    }

    @Test
    void silentUdpEndsTheSessionWithASwitchToTcpThreeSecondsAfterPlayAndATeardown() throws Exception {
        server = new ScriptedRtspServer(r -> camera(r, this::udpAnswer));
        connect(url(), PullOptions.udpFirst(NioDatagramChannel.class, counters));
        await(() -> server.requests().stream().anyMatch(q -> q.method().equals("PLAY")), 5000);
        long play = System.nanoTime();
        await(() -> !recorder.switches.isEmpty(), 6000);
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - play);
        assertThat(recorder.switches).containsExactly("no UDP packet within 3 s of PLAY");
        assertThat(waited).isBetween(2900L, 5000L);
        assertThat(recorder.playing).isEmpty();
        assertThat(recorder.failures).as("no other ending reported").isEmpty();
        await(() -> server.requests().stream().anyMatch(q -> q.method().equals("TEARDOWN")), 2000);
        assertThat(server.requests()).extracting(ScriptedRtspServer.Request::method).contains("TEARDOWN");
    }

    @Test
    void aRedirectedDescribeHandsTheNewLocationWithTheCredentialsToTheListener() throws Exception {
        server = new ScriptedRtspServer(r -> r.method().equals("DESCRIBE")
                ? "RTSP/1.0 302 Moved Temporarily\r\nCSeq: " + r.cseq() + "\r\nLocation: /moved/here\r\n\r\n"
                : ScriptedRtspServer.ok(r));
        connect(url(), PullOptions.udpFirst(NioDatagramChannel.class, counters));
        await(() -> !recorder.redirects.isEmpty(), 5000);
        assertThat(recorder.redirects).containsExactly("rtsp://u:p@127.0.0.1:" + server.port() + "/moved/here");
        assertThat(recorder.failures).isEmpty();
    }

    @Test
    void aKeepaliveAnswered401IsSentAgainWithCredentialsForTheNewNonce() throws Exception {
        AtomicInteger keepalives = new AtomicInteger();
        server = new ScriptedRtspServer(r -> {
            if (r.method().equals("OPTIONS") && r.header("Session") != null
                    && keepalives.incrementAndGet() == 1) {
                return "RTSP/1.0 401 Unauthorized\r\nCSeq: " + r.cseq()
                        + "\r\nWWW-Authenticate: Digest realm=\"cam\", nonce=\"n2\"\r\n\r\n";
            }
            return camera(r, offered -> offered).replace("timeout=60", "timeout=1");
        });
        connect(url(), PullOptions.tcpOnly());
        await(() -> server.requests().stream().anyMatch(q -> q.header("Authorization") != null), 5000);
        List<ScriptedRtspServer.Request> authorized = server.requests().stream()
                .filter(q -> q.header("Authorization") != null).toList();
        assertThat(authorized).isNotEmpty();
        assertThat(authorized.getFirst().method()).isEqualTo("OPTIONS");
        ScriptedRtspServer.Request refused = server.requests().stream()
                .filter(q -> q.method().equals("OPTIONS") && q.header("Session") != null).findFirst().orElseThrow();
        assertThat(TimeUnit.NANOSECONDS.toMillis(authorized.getFirst().nanos() - refused.nanos()))
                .as("sent again at once, not with the next keepalive a second later").isLessThan(700);
        assertThat(authorized.getFirst().header("Authorization")).startsWith("Digest username=\"u\"")
                .contains("nonce=\"n2\"").contains("uri=\"rtsp://127.0.0.1:" + server.port() + "/cam/\"");
        assertThat(recorder.failures).isEmpty();
    }
}
