package dev.camrelay.server.webrtc;

import static java.nio.charset.StandardCharsets.US_ASCII;

import dev.camrelay.webrtc.dtls.DtlsCertificate;
import dev.camrelay.webrtc.dtls.DtlsSrtpClient;
import dev.camrelay.webrtc.dtls.SrtpKeyingMaterial;
import dev.camrelay.webrtc.dtls.SrtpProfile;
import dev.camrelay.webrtc.ice.IceCredentials;
import dev.camrelay.webrtc.ice.MediaPortDemultiplexer;
import dev.camrelay.webrtc.sdp.SdpFingerprint;
import dev.camrelay.webrtc.srtp.SrtpTransform;
import dev.camrelay.webrtc.srtp.SrtpTransforms;
import dev.camrelay.webrtc.stun.StunDescriptor;
import dev.camrelay.webrtc.stun.StunIntegrity;
import dev.camrelay.webrtc.stun.StunMessage;
import dev.camrelay.webrtc.stun.StunMessageEncoder;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.agrona.concurrent.UnsafeBuffer;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

/**
 * A real WHEP player in Java, as a browser plays the relay: SDP offer POSTed to {@code /whep/{camera}}, an ICE check
 * with USE-CANDIDATE to the answer's 127.0.0.1 host candidate, a DTLS-SRTP handshake checking the answer's
 * fingerprint, then SRTP unprotected and H.264 reassembled into access units whose SEI tags are counted. Every
 * socket read is bounded by a timeout. Single-threaded.
 */
final class WhepTestClient implements AutoCloseable {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);
    private static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    private static final int RECEIVE_BUFFER_BYTES = 4 << 20;

    final AccessUnitAssembler media = new AccessUnitAssembler();
    final IceCredentials ice = IceCredentials.generate(RANDOM);
    final DtlsCertificate certificate = DtlsCertificate.generate(RANDOM, "whep-test-client");
    final DatagramSocket socket;
    long rtcpReceived;
    long srtpRejected;
    long rtpPacketsReceived;
    /** Middle 32 bits of the latest sender report's NTP timestamp (RFC 3550 §6.4.1 LSR), and when it arrived. */
    int lastSrNtpMiddle;
    long lastSrNanos;
    String location;
    String etag;
    String answer;
    SrtpProfile profile;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build();
    private final ArrayDeque<byte[]> early = new ArrayDeque<>();
    private final byte[] buffer = new byte[2048];
    /** Sees every decrypted RTP packet (bytes, length) besides the H.264 assembler, e.g. an H.265 depacketizer. */
    java.util.function.ObjIntConsumer<byte[]> rtpListener;
    private SrtpTransform inbound;
    private SrtpTransform outbound;

    WhepTestClient() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        // A browser's socket buffer is large; the start-up burst from the latest keyframe must not overflow ours.
        socket.setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
    }

    /** A Chrome-like recvonly offer with H.264 packetization-mode 1, rtcp-mux, NACK, PLI and RTX. */
    String offer(String direction) {
        return offer(direction, true);
    }

    /** The same, with or without an RTX format (RFC 4588) for the H.264 one. */
    String offer(String direction, boolean rtx) {
        String sdp = String.join("\r\n",
                "v=0",
                "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
                "s=-",
                "t=0 0",
                "a=group:BUNDLE 0",
                "a=msid-semantic: WMS",
                "m=video 9 UDP/TLS/RTP/SAVPF 96 97",
                "c=IN IP4 0.0.0.0",
                "a=rtcp:9 IN IP4 0.0.0.0",
                "a=ice-ufrag:" + ice.ufrag(),
                "a=ice-pwd:" + ice.pwd(),
                "a=ice-options:trickle",
                "a=fingerprint:" + certificate.fingerprint().toAttributeValue(),
                "a=setup:actpass",
                "a=mid:0",
                "a=" + direction,
                "a=rtcp-mux",
                "a=rtcp-rsize",
                "a=rtpmap:96 H264/90000",
                "a=rtcp-fb:96 nack",
                "a=rtcp-fb:96 nack pli",
                "a=fmtp:96 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f",
                "a=rtpmap:97 rtx/90000",
                "a=fmtp:97 apt=96",
                "");
        return rtx ? sdp : sdp.replace("96 97\r\n", "96\r\n").replace("a=rtpmap:97 rtx/90000\r\na=fmtp:97 apt=96\r\n",
                "");
    }

    /** The video offer plus a recvonly audio section offering Opus, PCMU and PCMA (mid 1, bundled). */
    String offerWithAudio() {
        return offer("recvonly").replace("a=group:BUNDLE 0", "a=group:BUNDLE 0 1") + String.join("\r\n",
                "m=audio 9 UDP/TLS/RTP/SAVPF 111 0 8",
                "c=IN IP4 0.0.0.0",
                "a=ice-ufrag:" + ice.ufrag(),
                "a=ice-pwd:" + ice.pwd(),
                "a=fingerprint:" + certificate.fingerprint().toAttributeValue(),
                "a=setup:actpass",
                "a=mid:1",
                "a=recvonly",
                "a=rtcp-mux",
                "a=rtpmap:111 opus/48000/2",
                "a=fmtp:111 minptime=10;useinbandfec=1",
                "a=rtpmap:0 PCMU/8000",
                "a=rtpmap:8 PCMA/8000",
                "");
    }

    /** The video offer with H265/90000 (payload type 98) before the H.264 one, as an H.265-capable browser's. */
    String offerWithH265() {
        return offer("recvonly").replace("m=video 9 UDP/TLS/RTP/SAVPF 96 97", "m=video 9 UDP/TLS/RTP/SAVPF 98 96 97")
                .replace("a=rtpmap:96 H264/90000", "a=rtpmap:98 H265/90000\r\na=rtcp-fb:98 nack\r\n"
                        + "a=fmtp:98 level-id=93;profile-id=1;tier-flag=0;tx-mode=SRST\r\na=rtpmap:96 H264/90000");
    }

    /** POSTs an offer; on 201 remembers the answer, Location and ETag. */
    HttpResponse<String> post(String baseUrl, String cameraId, String token, String contentType, String sdp)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + "/whep/" + cameraId)).timeout(HTTP_TIMEOUT)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(sdp));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 201) {
            answer = r.body();
            location = r.headers().firstValue("Location").orElse(null);
            etag = r.headers().firstValue("ETag").orElse(null);
            Matcher rtx = Pattern.compile("a=rtpmap:(\\d+) rtx/90000").matcher(answer);
            media.rtxPayloadType = rtx.find() ? Integer.parseInt(rtx.group(1)) : -1;
            Matcher video = Pattern.compile("m=video \\d+ \\S+ (\\d+)").matcher(answer);
            media.videoPayloadType = video.find() ? Integer.parseInt(video.group(1)) : -1;
        }
        return r;
    }

    HttpResponse<String> post(String baseUrl, String cameraId, String token) throws IOException, InterruptedException {
        return post(baseUrl, cameraId, token, "application/sdp", offer("recvonly"));
    }

    HttpResponse<String> send(String baseUrl, String method, String token, String contentType, String body,
                              String ifMatch) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + location)).timeout(HTTP_TIMEOUT)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** ICE check with USE-CANDIDATE to the answer's loopback candidate, then the DTLS-SRTP handshake. */
    void connect(SrtpProfile... profiles) throws IOException {
        Matcher candidate = Pattern.compile("a=candidate:\\S+ 1 udp \\d+ 127\\.0\\.0\\.1 (\\d+) typ host")
                .matcher(answer);
        if (!candidate.find()) {
            throw new AssertionError("no 127.0.0.1 host candidate in the answer:\n" + answer);
        }
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(candidate.group(1))));
        String remoteUfrag = attribute("ice-ufrag");
        String remotePwd = attribute("ice-pwd");
        checkIce(remoteUfrag, remotePwd);

        DtlsSrtpClient dtls = new DtlsSrtpClient(new BcTlsCrypto(RANDOM), certificate,
                SdpFingerprint.parse(attribute("fingerprint")), profiles);
        new DTLSClientProtocol().connect(dtls, new HandshakeTransport());
        SrtpKeyingMaterial keys = dtls.keyingMaterial();
        profile = keys.profile();
        inbound = SrtpTransforms.inbound(keys, false);
        outbound = SrtpTransforms.outbound(keys, false);
    }

    /** Sends a generic NACK (RFC 4585 §6.2.1) for one packet, over SRTCP. */
    void sendNack(int mediaSsrc, int sequence) throws IOException {
        byte[] p = new byte[16 + outbound.rtcpOverhead()];
        p[0] = (byte) 0x81; // V=2, FMT=1
        p[1] = (byte) 205;  // RTPFB
        p[3] = 3;           // 4 words - 1
        p[7] = 1;           // sender SSRC 1
        putInt(p, 8, mediaSsrc);
        p[12] = (byte) (sequence >>> 8);
        p[13] = (byte) sequence;
        int n = outbound.protectRtcp(p, 0, 16);
        socket.send(new DatagramPacket(p, n));
    }

    /** Sends a Picture Loss Indication (RFC 4585 §6.3.1), over SRTCP. */
    void sendPli(int mediaSsrc) throws IOException {
        byte[] p = new byte[12 + outbound.rtcpOverhead()];
        p[0] = (byte) 0x81; // V=2, FMT=1
        p[1] = (byte) 206;  // PSFB
        p[3] = 2;           // 3 words - 1
        p[7] = 1;
        putInt(p, 8, mediaSsrc);
        int n = outbound.protectRtcp(p, 0, 12);
        socket.send(new DatagramPacket(p, n));
    }

    private static void putInt(byte[] p, int at, int v) {
        p[at] = (byte) (v >>> 24);
        p[at + 1] = (byte) (v >>> 16);
        p[at + 2] = (byte) (v >>> 8);
        p[at + 3] = (byte) v;
    }

    /**
     * Sends a receiver report (RFC 3550 §6.4.2) with one block about {@code mediaSsrc} carrying LSR and DLSR of the
     * latest sender report, so the relay can compute the round trip.
     */
    void sendReceiverReport(int mediaSsrc) throws IOException {
        byte[] p = new byte[32 + outbound.rtcpOverhead()];
        p[0] = (byte) 0x81; // V=2, RC=1
        p[1] = (byte) 201;  // RR
        p[3] = 7;           // 8 words - 1
        p[7] = 1;
        putInt(p, 8, mediaSsrc);
        putInt(p, 16, media.lastSequence());
        putInt(p, 24, lastSrNtpMiddle);
        putInt(p, 28, (int) ((System.nanoTime() - lastSrNanos) * 65536 / 1_000_000_000L));
        int n = outbound.protectRtcp(p, 0, 32);
        socket.send(new DatagramPacket(p, n));
    }

    /**
     * After an ICE restart: checks with USE-CANDIDATE under the new credentials (our new ufrag {@code localUfrag}),
     * while media keeps arriving (played, not lost), until one is answered with integrity or 3 s pass.
     */
    void recheck(String remoteUfrag, String remotePwd, String localUfrag) throws IOException {
        byte[] request = bindingRequest(remoteUfrag + ":" + localUfrag, remotePwd);
        socket.setSoTimeout(100);
        long deadline = System.nanoTime() + 3_000_000_000L;
        long nextSend = 0;
        while (System.nanoTime() < deadline) {
            if (System.nanoTime() >= nextSend) {
                socket.send(new DatagramPacket(request, request.length));
                nextSend = System.nanoTime() + 200_000_000L;
            }
            DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(reply);
            } catch (SocketTimeoutException e) {
                continue;
            }
            int first = buffer[0] & 0xFF;
            if (first > 3) {
                onDatagram(buffer, reply.getLength());
                continue;
            }
            StunMessage response = new StunMessage();
            if (response.wrap(new UnsafeBuffer(buffer), 0, reply.getLength()) == StunMessage.OK
                    && response.messageType() == StunDescriptor.BINDING_SUCCESS_RESPONSE
                    && response.verifyMessageIntegrity(StunIntegrity.newHmacSha1(remotePwd.getBytes(US_ASCII)))) {
                return;
            }
        }
        throw new AssertionError("no authenticated ICE binding success under the restarted credentials");
    }

    private void checkIce(String remoteUfrag, String remotePwd) throws IOException {
        byte[] request = bindingRequest(remoteUfrag + ":" + ice.ufrag(), remotePwd);
        socket.setSoTimeout(1000);
        for (int attempt = 0; attempt < 5; attempt++) {
            socket.send(new DatagramPacket(request, request.length));
            DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(reply);
            } catch (SocketTimeoutException e) {
                continue;
            }
            StunMessage response = new StunMessage();
            if (response.wrap(new UnsafeBuffer(buffer), 0, reply.getLength()) == StunMessage.OK
                    && response.messageType() == StunDescriptor.BINDING_SUCCESS_RESPONSE
                    && response.verifyMessageIntegrity(StunIntegrity.newHmacSha1(remotePwd.getBytes(US_ASCII)))) {
                return;
            }
        }
        throw new AssertionError("no authenticated ICE binding success from the relay");
    }

    static byte[] bindingRequest(String username, String pwd) {
        byte[] txId = new byte[12];
        RANDOM.nextBytes(txId);
        UnsafeBuffer buf = new UnsafeBuffer(new byte[512]);
        StunMessageEncoder enc = new StunMessageEncoder()
                .wrap(buf, 0, StunDescriptor.BINDING_REQUEST, new UnsafeBuffer(txId), 0)
                .addAttribute(StunDescriptor.USERNAME, username.getBytes(US_ASCII))
                .addAttribute(StunDescriptor.PRIORITY, new byte[] {0x6e, 0, 0x1e, (byte) 0xff})
                .addAttribute(StunDescriptor.ICE_CONTROLLING, new byte[8])
                .addAttribute(StunDescriptor.USE_CANDIDATE, new byte[0])
                .addMessageIntegrity(StunIntegrity.newHmacSha1(pwd.getBytes(US_ASCII)))
                .addFingerprint();
        return Arrays.copyOf(buf.byteArray(), enc.length());
    }

    /** Receives and plays media for {@code duration}; returns RTP packets received in that time. */
    long receiveFor(Duration duration) throws IOException {
        long before = rtpPacketsReceived;
        while (!early.isEmpty()) {
            byte[] d = early.poll();
            onDatagram(d, d.length);
        }
        long deadline = System.nanoTime() + duration.toNanos();
        socket.setSoTimeout(50);
        while (System.nanoTime() < deadline) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            }
            onDatagram(buffer, packet.getLength());
        }
        return rtpPacketsReceived - before;
    }

    private void onDatagram(byte[] d, int length) {
        int kind = MediaPortDemultiplexer.classify(new UnsafeBuffer(d, 0, length), 0, length);
        if (kind == MediaPortDemultiplexer.RTP) {
            int n = inbound.unprotectRtp(d, 0, length);
            if (n < 0) {
                srtpRejected++;
                return;
            }
            rtpPacketsReceived++;
            if (rtpListener != null) {
                rtpListener.accept(d, n);
            }
            media.onRtp(d, n);
        } else if (kind == MediaPortDemultiplexer.RTCP) {
            int n = inbound.unprotectRtcp(d, 0, length);
            if (n < 0) {
                srtpRejected++;
            } else {
                rtcpReceived++;
                if (n >= 28 && (d[1] & 0xFF) == 200) {
                    lastSrNtpMiddle = ((d[10] & 0xFF) << 24) | ((d[11] & 0xFF) << 16) | ((d[12] & 0xFF) << 8)
                            | (d[13] & 0xFF);
                    lastSrNanos = System.nanoTime();
                }
            }
        }
    }

    private String attribute(String name) {
        Matcher m = Pattern.compile("a=" + name + ":([^\r\n]+)").matcher(answer);
        if (!m.find()) {
            throw new AssertionError("no a=" + name + " in the answer:\n" + answer);
        }
        return m.group(1).strip();
    }

    @Override
    public void close() {
        socket.close();
    }

    /** DTLS over the connected socket; media that arrives before the handshake returned is kept for later. */
    private final class HandshakeTransport implements DatagramTransport {
        @Override
        public int getReceiveLimit() {
            return 1500;
        }

        @Override
        public int getSendLimit() {
            return 1200;
        }

        @Override
        public int receive(byte[] buf, int off, int len, int waitMillis) throws IOException {
            long deadline = System.nanoTime() + Math.min(waitMillis, HANDSHAKE_TIMEOUT_MILLIS) * 1_000_000L;
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return -1;
                }
                socket.setSoTimeout((int) left);
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    return -1;
                }
                int first = buffer[0] & 0xFF;
                if (first >= 20 && first <= 63) {
                    int n = Math.min(len, packet.getLength());
                    System.arraycopy(buffer, 0, buf, off, n);
                    return n;
                }
                early.add(Arrays.copyOf(buffer, packet.getLength()));
            }
        }

        @Override
        public void send(byte[] buf, int off, int len) throws IOException {
            socket.send(new DatagramPacket(buf, off, len));
        }

        @Override
        public void close() {
            // the socket belongs to the client
        }
    }
}
