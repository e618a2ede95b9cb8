package dev.camrelay.webrtc.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import dev.camrelay.webrtc.dtls.DtlsCertificate;
import dev.camrelay.webrtc.dtls.DtlsPacketTransport;
import dev.camrelay.webrtc.dtls.DtlsSrtpClient;
import dev.camrelay.webrtc.dtls.DtlsSrtpServer;
import dev.camrelay.webrtc.dtls.SrtpKeyingMaterial;
import dev.camrelay.webrtc.dtls.SrtpProfile;
import dev.camrelay.webrtc.ice.ConnectivityCheck;
import dev.camrelay.webrtc.ice.IceCredentials;
import dev.camrelay.webrtc.ice.IceLiteAgent;
import dev.camrelay.webrtc.ice.IceLiteSession;
import dev.camrelay.webrtc.ice.MediaPortDemultiplexer;
import dev.camrelay.webrtc.sdp.AnswerOptions;
import dev.camrelay.webrtc.sdp.SdpOffer;
import dev.camrelay.webrtc.sdp.SdpOfferParser;
import dev.camrelay.webrtc.sdp.WhepAnswer;
import dev.camrelay.webrtc.sdp.WhepAnswerBuilder;
import dev.camrelay.webrtc.stun.StunMessageEncoder;
import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.agrona.concurrent.UnsafeBuffer;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.UDPTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The pieces together on one 127.0.0.1 UDP port, as a browser meets them: SDP offer and answer, an ICE check
 * answered and nominating, then a DTLS-SRTP handshake whose datagrams the demultiplexer routes to the session found
 * by the sender's address.
 */
class OnePortHandshakeTest {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final DatagramSocket relaySocket = bind();
    private final DatagramSocket browserSocket = bind();
    private final IceLiteAgent agent = new IceLiteAgent();
    private final Map<IceLiteSession, DtlsPacketTransport> dtlsBySession = new ConcurrentHashMap<>();
    private volatile boolean running = true;
    private volatile int unroutedDtls;

    @AfterEach
    void close() {
        running = false;
        relaySocket.close();
        browserSocket.close();
    }

    @Test
    void offerAnswerIceCheckAndDtlsHandshakeShareOnePort() throws Exception {
        DtlsCertificate relayCert = DtlsCertificate.generate(RANDOM, "camrelay");
        DtlsCertificate browserCert = DtlsCertificate.generate(RANDOM, "browser");
        String offerText = resource("/sdp/chromium-whep-offer.sdp").replaceAll("a=fingerprint:[^\r]*",
                "a=fingerprint:" + browserCert.fingerprint().toAttributeValue());
        SdpOffer offer = SdpOfferParser.parse(offerText).offer();
        int port = relaySocket.getLocalPort();
        AnswerOptions options = new AnswerOptions(IceCredentials.generate(RANDOM), relayCert.fingerprint(),
                List.of(InetAddress.getLoopbackAddress()), port, 1, 2, "camrelay", "cam", 7);
        StreamFormat stream = new StreamFormat(List.of(TrackFormat.video(0, Codec.H264, "High", "4.0", 1280, 720,
                25, List.of())));
        WhepAnswer answer = WhepAnswerBuilder.answer(offer, stream, options).answer();

        // The relay side: a session for the offer, and the I/O loop on the one port.
        IceLiteSession session = new IceLiteSession(options.ice(), offer.iceUfrag(), System.nanoTime());
        assertThat(agent.register(session)).isTrue();
        DtlsPacketTransport transport = new DtlsPacketTransport((buf, off, len) ->
                relaySocket.send(new DatagramPacket(buf, off, len, session.nominatedAddress())));
        dtlsBySession.put(session, transport);
        Thread io = Thread.ofPlatform().daemon().name("test-webrtc-io").start(this::ioLoop);
        DtlsSrtpServer dtlsServer = new DtlsSrtpServer(new BcTlsCrypto(RANDOM), relayCert, offer.fingerprint());

        // The browser side reads what it needs from the answer text only.
        String ufrag = attribute(answer.sdp(), "ice-ufrag");
        String pwd = attribute(answer.sdp(), "ice-pwd");
        assertThat(answer.sdp()).contains("a=candidate:1 1 udp 2130706431 127.0.0.1 " + port + " typ host");
        browserSocket.connect(relaySocket.getLocalSocketAddress());
        browserSocket.setSoTimeout(5_000);
        byte[] check = ConnectivityCheck.request(ufrag + ":" + offer.iceUfrag(), pwd);
        browserSocket.send(new DatagramPacket(check, check.length));
        byte[] reply = new byte[1500];
        DatagramPacket replyPacket = new DatagramPacket(reply, reply.length);
        browserSocket.receive(replyPacket);

        assertThat(MediaPortDemultiplexer.classify(new UnsafeBuffer(reply), 0, replyPacket.getLength()))
                .isEqualTo(MediaPortDemultiplexer.STUN);
        assertThat(ConnectivityCheck.isAnsweredBy(reply, replyPacket.getLength(), pwd))
                .as("a Binding success response with integrity under the answer's ice-pwd").isTrue();
        assertThat(session.nominatedAddress()).isEqualTo(browserSocket.getLocalSocketAddress());

        CompletableFuture<DTLSTransport> accepted = CompletableFuture.supplyAsync(() -> {
            try {
                return new DTLSServerProtocol().accept(dtlsServer, transport);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        DtlsSrtpClient browser = new DtlsSrtpClient(new BcTlsCrypto(RANDOM), browserCert, relayCert.fingerprint(),
                SrtpProfile.AEAD_AES_128_GCM, SrtpProfile.AES128_CM_HMAC_SHA1_80);
        new DTLSClientProtocol().connect(browser, new UDPTransport(browserSocket, 1500)).close();
        SrtpKeyingMaterial browserKeys = browser.keyingMaterial();
        accepted.get(10, TimeUnit.SECONDS).close();

        assertThat(dtlsServer.keyingMaterial()).isEqualTo(browserKeys);
        assertThat(unroutedDtls).isZero();
        running = false;
        io.join(2_000);
    }

    /** The relay's receive loop in miniature: demultiplex by first byte, STUN to the agent, DTLS by sender. */
    private void ioLoop() {
        byte[] in = new byte[2048];
        UnsafeBuffer inView = new UnsafeBuffer(in);
        UnsafeBuffer out = new UnsafeBuffer(new byte[StunMessageEncoder.MIN_CAPACITY]);
        try {
            relaySocket.setSoTimeout(100);
            while (running) {
                DatagramPacket packet = new DatagramPacket(in, in.length);
                try {
                    relaySocket.receive(packet);
                } catch (java.net.SocketTimeoutException e) {
                    continue;
                }
                InetSocketAddress sender = (InetSocketAddress) packet.getSocketAddress();
                switch (MediaPortDemultiplexer.classify(inView, 0, packet.getLength())) {
                    case MediaPortDemultiplexer.STUN -> {
                        int n = agent.onStunPacket(inView, 0, packet.getLength(), sender, System.nanoTime(), out, 0);
                        if (n > 0) {
                            relaySocket.send(new DatagramPacket(out.byteArray(), n, sender));
                        }
                    }
                    case MediaPortDemultiplexer.DTLS -> {
                        IceLiteSession session = agent.sessionFor(sender);
                        if (session == null) {
                            unroutedDtls++;
                        } else {
                            dtlsBySession.get(session).offer(inView, 0, packet.getLength());
                        }
                    }
                    default -> {
                        // RTP/RTCP from the browser is not part of this test
                    }
                }
            }
        } catch (IOException e) {
            // socket closed at the end of the test
        }
    }

    private static String attribute(String sdp, String name) {
        Matcher m = Pattern.compile("a=" + name + ":(\\S+)").matcher(sdp);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = OnePortHandshakeTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static DatagramSocket bind() {
        try {
            return new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
