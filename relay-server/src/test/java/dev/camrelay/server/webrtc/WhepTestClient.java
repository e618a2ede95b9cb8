package dev.camrelay.server.webrtc;

import dev.camrelay.webrtc.dtls.DtlsCertificate;
import dev.camrelay.webrtc.dtls.DtlsSrtpClient;
import dev.camrelay.webrtc.dtls.SrtpKeyingMaterial;
import dev.camrelay.webrtc.dtls.SrtpProfile;
import dev.camrelay.webrtc.ice.ConnectivityCheck;
import dev.camrelay.webrtc.ice.IceCredentials;
import dev.camrelay.webrtc.ice.MediaPortDemultiplexer;
import dev.camrelay.webrtc.sdp.SdpFingerprint;
import dev.camrelay.webrtc.srtp.SrtpTransform;
import dev.camrelay.webrtc.srtp.SrtpTransforms;
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
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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
    private static final long CHECK_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(200);
    private static final long CHECK_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final int RECEIVE_POLL_MILLIS = 50;
    /**
     * Consent checks while media flows (RFC 7675 §5.1: on average every 5 s, each interval randomised over 0.8-1.2 of
     * it); the relay ends a session that has none for 30 s, as browsers rely on.
     */
    private static final long CONSENT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

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
    /** The nominated pair's check credentials ("remote:local" username, remote password); null before nomination. */
    private String consentUsername;
    private String consentPwd;
    private long nextConsentNanos;

    WhepTestClient() throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        // A browser's socket buffer is large; the start-up burst from the latest keyframe must not overflow ours.
        socket.setReceiveBufferSize(RECEIVE_BUFFER_BYTES);
    }

    /** A Chrome-like offer ({@link PlayerOffer}) with {@code a=<direction>}, H.264 and RTX. */
    String offer(String direction) {
        return offer(direction, true);
    }

    String offer(String direction, boolean rtx) {
        return PlayerOffer.video(ice, certificate.fingerprint(), direction, rtx);
    }

    String offerWithAudio() {
        return PlayerOffer.withAudio(ice, certificate.fingerprint());
    }

    String offerWithH265() {
        return PlayerOffer.withH265(ice, certificate.fingerprint());
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
        nominate(remoteUfrag, remotePwd, ice.ufrag());

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
        sendRtcp(PlayerRtcp.nack(mediaSsrc, sequence, outbound.rtcpOverhead()), PlayerRtcp.NACK_LENGTH);
    }

    /** Sends a Picture Loss Indication (RFC 4585 §6.3.1), over SRTCP. */
    void sendPli(int mediaSsrc) throws IOException {
        sendRtcp(PlayerRtcp.pli(mediaSsrc, outbound.rtcpOverhead()), PlayerRtcp.PLI_LENGTH);
    }

    /**
     * Sends a receiver report (RFC 3550 §6.4.2) with one block about {@code mediaSsrc} carrying LSR and DLSR of the
     * latest sender report, so the relay can compute the round trip.
     */
    void sendReceiverReport(int mediaSsrc) throws IOException {
        int delay = (int) ((System.nanoTime() - lastSrNanos) * 65536 / 1_000_000_000L);
        sendRtcp(PlayerRtcp.receiverReport(mediaSsrc, media.lastSequence(), lastSrNtpMiddle, delay,
                outbound.rtcpOverhead()), PlayerRtcp.RECEIVER_REPORT_LENGTH);
    }

    private void sendRtcp(byte[] packet, int length) throws IOException {
        int n = outbound.protectRtcp(packet, 0, length);
        socket.send(new DatagramPacket(packet, n));
    }

    /**
     * After an ICE restart: nominates the pair under the new credentials (our new ufrag {@code localUfrag}) while
     * media keeps arriving (played, not lost).
     */
    void recheck(String remoteUfrag, String remotePwd, String localUfrag) throws IOException {
        nominate(remoteUfrag, remotePwd, localUfrag);
    }

    /**
     * Sends checks with USE-CANDIDATE (RFC 8445 §7.2.2) every {@link #CHECK_INTERVAL_NANOS} until one is answered with
     * integrity under {@code remotePwd} or {@link #CHECK_TIMEOUT_NANOS} pass; media arriving meanwhile is played.
     */
    private void nominate(String remoteUfrag, String remotePwd, String localUfrag) throws IOException {
        byte[] request = ConnectivityCheck.request(remoteUfrag + ":" + localUfrag, remotePwd);
        socket.setSoTimeout(100);
        long deadline = System.nanoTime() + CHECK_TIMEOUT_NANOS;
        long nextSend = System.nanoTime();
        while (System.nanoTime() - deadline < 0) {
            if (System.nanoTime() - nextSend >= 0) {
                socket.send(new DatagramPacket(request, request.length));
                nextSend = System.nanoTime() + CHECK_INTERVAL_NANOS;
            }
            DatagramPacket reply = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(reply);
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (MediaPortDemultiplexer.classify(new UnsafeBuffer(buffer), 0, reply.getLength())
                    != MediaPortDemultiplexer.STUN) {
                if (inbound != null) {
                    onDatagram(buffer, reply.getLength());
                }
                continue;
            }
            if (ConnectivityCheck.isAnsweredBy(buffer, reply.getLength(), remotePwd)) {
                consentUsername = remoteUfrag + ":" + localUfrag;
                consentPwd = remotePwd;
                scheduleConsent();
                return;
            }
        }
        throw new AssertionError("no authenticated ICE binding success under the relay's ufrag " + remoteUfrag);
    }

    /** Receives and plays media for {@code duration}; returns RTP packets received in that time. */
    long receiveFor(Duration duration) throws IOException {
        long before = rtpPacketsReceived;
        receiveUntil(() -> false, duration);
        return rtpPacketsReceived - before;
    }

    /**
     * Receives and plays media until the next sender report arrives or {@code within} passes; true if one did. Its
     * arrival time is when this loop read it: called once the start-up burst is played, that is when it reached the
     * socket (a report read behind a backlog of the burst would make the relay's round trip too long by the backlog).
     */
    boolean receiveNextSenderReport(Duration within) throws IOException {
        long before = lastSrNanos;
        return receiveUntil(() -> lastSrNanos != before, within);
    }

    private boolean receiveUntil(BooleanSupplier done, Duration within) throws IOException {
        while (!early.isEmpty()) {
            byte[] d = early.poll();
            onDatagram(d, d.length);
        }
        long deadline = System.nanoTime() + within.toNanos();
        socket.setSoTimeout(RECEIVE_POLL_MILLIS);
        while (System.nanoTime() - deadline < 0) {
            refreshConsentIfDue();
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                continue;
            }
            onDatagram(buffer, packet.getLength());
            if (done.getAsBoolean()) {
                return true;
            }
        }
        return false;
    }

    /** A new binding request (new transaction id) on the nominated pair once the randomised interval has passed. */
    private void refreshConsentIfDue() throws IOException {
        if (consentUsername != null && System.nanoTime() - nextConsentNanos >= 0) {
            byte[] check = ConnectivityCheck.request(consentUsername, consentPwd);
            socket.send(new DatagramPacket(check, check.length));
            scheduleConsent();
        }
    }

    private void scheduleConsent() {
        nextConsentNanos = System.nanoTime() + (long) (CONSENT_INTERVAL_NANOS * (0.8 + 0.4 * RANDOM.nextDouble()));
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
