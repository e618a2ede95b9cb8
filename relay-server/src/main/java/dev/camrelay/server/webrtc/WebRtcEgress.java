package dev.camrelay.server.webrtc;

import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import dev.camrelay.core.session.ViewerSession;
import dev.camrelay.webrtc.cc.SessionEstimator;
import dev.camrelay.webrtc.dtls.DtlsCertificate;
import dev.camrelay.webrtc.dtls.DtlsPacketTransport;
import dev.camrelay.webrtc.dtls.DtlsSrtpServer;
import dev.camrelay.webrtc.dtls.SrtpKeyingMaterial;
import dev.camrelay.webrtc.ice.IceCredentials;
import dev.camrelay.webrtc.ice.IceLiteSession;
import dev.camrelay.webrtc.rtp.AudioPacketizer;
import dev.camrelay.webrtc.rtp.H264Packetizer;
import dev.camrelay.webrtc.rtp.H265Packetizer;
import dev.camrelay.webrtc.rtp.RtpDescriptor;
import dev.camrelay.webrtc.rtp.RtpRewriter;
import dev.camrelay.webrtc.rtp.VideoPacketizer;
import dev.camrelay.webrtc.sdp.AnswerOptions;
import dev.camrelay.webrtc.sdp.SdpOffer;
import dev.camrelay.webrtc.sdp.WhepAnswer;
import dev.camrelay.webrtc.sdp.WhepAnswerBuilder;
import dev.camrelay.webrtc.srtp.AesGcmTransform;
import dev.camrelay.webrtc.srtp.SrtpTransforms;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thread-safe control plane ({@link #open}, {@link #find}, {@link #close(WhepSession, String)}, {@link
 * #onViewerSessionEnded}) over three kinds of threads it starts: the UDP event loop ({@link MediaPortHandler}), one
 * virtual thread per DTLS handshake, and the sender agent ({@link WhepSender}) on one dedicated thread.
 *
 * <p>The WebRTC egress: one UDP port for every WHEP session (contract.md: 8189/udp), one DTLS certificate per relay
 * run, host candidates for the bind address.
 */
public final class WebRtcEgress implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebRtcEgress.class);

    /** ICE consent (RFC 7675 §5.1) is checked this often; an expired session ends. */
    static final long CONSENT_SWEEP_MILLIS = 1000;
    /**
     * Largest RTP payload so that the SRTP packet stays within 1200 bytes (protocols.md 6.5) with the GCM tag, the
     * transport-cc header extension and, for an RTX resend, the original sequence number (RFC 4588 §4) all in it.
     */
    static final int MAX_RTP_PAYLOAD = RtpDescriptor.MAX_PAYLOAD_LENGTH - AesGcmTransform.TAG_LENGTH
            - RtpRewriter.TRANSPORT_CC_EXTENSION_LENGTH - RtpRewriter.OSN_LENGTH;
    private static final int DTLS_RECEIVE_WAIT_MILLIS = 1000;
    private static final int SESSION_ID_BYTES = 16;

    private final SecureRandom random = new SecureRandom();
    private final WebRtcCounters counters = new WebRtcCounters();
    private final FrameLatency latency = new FrameLatency();
    private final Map<String, WhepSession> sessions = new ConcurrentHashMap<>();
    private final DtlsCertificate certificate;
    private final EventLoopGroup group;
    private final Channel channel;
    private final MediaPortHandler handler;
    private final AgentRunner senderRunner;
    private final WhepSender sender;
    private final List<InetAddress> hostAddresses;
    private final int port;

    private WebRtcEgress(String bind, int requestedPort, boolean epoll, Clock clock) throws Exception {
        certificate = DtlsCertificate.generate(random, "camrelay");
        handler = new MediaPortHandler(counters);
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("relay-webrtc-udp"),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Class<? extends DatagramChannel> type = epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
        try {
            channel = new Bootstrap().group(group).channel(type).handler(handler)
                    .bind(bind, requestedPort).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        port = ((InetSocketAddress) channel.localAddress()).getPort();
        hostAddresses = hostAddresses(bind);
        WhepSender sender = new WhepSender(new ChannelSink(), counters, latency, this::close, clock);
        senderRunner = new AgentRunner(new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
                TimeUnit.MILLISECONDS.toNanos(1)), e -> LOG.error("WebRTC sender failed", e), null, sender);
        AgentRunner.startOnThread(senderRunner);
        this.sender = sender;
        channel.eventLoop().scheduleAtFixedRate(this::sweepConsent, CONSENT_SWEEP_MILLIS, CONSENT_SWEEP_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Binds the WebRTC UDP port and starts the sender.
     *
     * @param epoll use native epoll (the HTTP server's transport detected it)
     */
    public static WebRtcEgress start(String bind, int port, boolean epoll, Clock clock) throws Exception {
        return new WebRtcEgress(bind, port, epoll, clock);
    }

    public int port() {
        return port;
    }

    public List<InetAddress> hostAddresses() {
        return hostAddresses;
    }

    public WebRtcCounters counters() {
        return counters;
    }

    public int activeSessions() {
        return sessions.size();
    }

    FrameLatency latency() {
        return latency;
    }

    /**
     * What {@code GET /api/v1/sessions} shows of a viewer session's open WHEP session (null when it has none): the
     * negotiated media, packets sent, and the per-session estimate built from the viewer's feedback.
     */
    public Map<String, Object> details(ViewerSession viewer) {
        for (WhepSession s : sessions.values()) {
            if (s.viewer != viewer) {
                continue;
            }
            SessionEstimator e = s.estimator;
            Map<String, Object> estimate = new LinkedHashMap<>();
            estimate.put("bandwidthBitsPerSecond", e.bandwidth());
            estimate.put("receiveRateBitsPerSecond", e.receiveRate());
            estimate.put("rembBitsPerSecond", e.remb());
            estimate.put("lossFraction", e.lossFraction());
            estimate.put("rttMillis", e.rttMicros() / 1000.0);
            estimate.put("jitterMillis", e.jitterMillis());
            estimate.put("queueDelayMillis", e.queueDelayMicros() / 1000.0);
            estimate.put("reportBlocks", e.reportBlocks());
            estimate.put("transportFeedbacks", e.transportFeedbacks());
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("whepSession", s.label);
            out.put("connected", s.outbound() != null && s.nominatedAddress() != null);
            out.put("video", s.answer.videoCodec().name());
            out.put("audio", s.answer.audioCodec() == null ? null : s.answer.audioCodec().name());
            out.put("rtx", s.rtxPayloadType >= 0);
            out.put("transportCc", s.transportCcId > 0);
            out.put("estimate", estimate);
            return out;
        }
        return null;
    }

    /** The open WHEP sessions (a snapshot; for metrics and the sessions API). */
    List<WhepSession> sessions() {
        return List.copyOf(sessions.values());
    }

    /** The answer text of a session just opened, or a rejection. */
    record Opened(WhepSession session, String rejection) {
    }

    /**
     * Creates a WHEP session for a viewer session from a validated offer: the answer, ICE registration, the DTLS
     * handshake in the background, and the hand-over to the sender.
     */
    Opened open(ViewerSession viewer, SdpOffer offer, StreamFormat format) throws Exception {
        IceCredentials credentials = IceCredentials.generate(random);
        int videoSsrc = random.nextInt() | 1;
        int rtxSsrc = random.nextInt() | 1;
        int audioSsrc = random.nextInt() | 1;
        AnswerOptions options = new AnswerOptions(credentials, certificate.fingerprint(), hostAddresses, port,
                videoSsrc & 0xFFFF_FFFFL, audioSsrc & 0xFFFF_FFFFL, "camrelay", "camrelay",
                random.nextLong() & Long.MAX_VALUE, rtxSsrc & 0xFFFF_FFFFL);
        WhepAnswerBuilder.Result result = WhepAnswerBuilder.answer(offer, format, options);
        if (!result.accepted()) {
            return new Opened(null, result.rejection());
        }
        WhepAnswer answer = result.answer();
        TrackFormat video = format.video().orElseThrow();
        VideoPacketizer packetizer = videoPacketizer(answer, video, videoSsrc);
        AudioPacketizer audio = null;
        int audioTrack = -1;
        if (answer.audioCodec() != null) {
            TrackFormat track = format.audio().orElseThrow();
            audio = new AudioPacketizer(audioSsrc, answer.audioPayloadType(), answer.audioCodec() == Codec.OPUS,
                    track.clockRate(), random.nextInt(1 << 16), random.nextInt(), MAX_RTP_PAYLOAD);
            audioTrack = track.trackId();
        }
        IceLiteSession ice = new IceLiteSession(credentials, offer.iceUfrag(), System.nanoTime());
        WhepSession[] self = new WhepSession[1];
        DtlsPacketTransport dtls = new DtlsPacketTransport((buf, off, len) -> sendDtls(self[0], buf, off, len));
        byte[] id = new byte[SESSION_ID_BYTES];
        random.nextBytes(id);
        WhepSession session = new WhepSession(HexFormat.of().formatHex(id), viewer, ice, dtls, answer,
                videoSsrc, video.trackId(), packetizer, rtxSsrc, audioSsrc, audioTrack, audio,
                random.nextInt(1 << 16));
        session.rtxSequence = random.nextInt(1 << 16);
        self[0] = session;
        // One WHEP session per viewer session: a player that reconnects (page reload) replaces its old one, and a
        // token cannot be used to open sessions without bound.
        for (WhepSession old : sessions.values()) {
            if (old.viewer == viewer) {
                close(old, "replaced by a new WHEP session of the same viewer session");
            }
        }
        if (!channel.eventLoop().submit(() -> handler.attach(session, ice)).get(2, TimeUnit.SECONDS)) {
            throw new IllegalStateException("ICE ufrag collision; retry");
        }
        sessions.put(session.id, session);
        counters.sessionsCreated.incrementAndGet();
        DtlsSrtpServer server = new DtlsSrtpServer(new BcTlsCrypto(random), certificate, offer.fingerprint());
        Thread.ofVirtual().name("whep-dtls-" + session.id.substring(0, 8)).start(() -> runDtls(session, server));
        if (!sender.add(session)) {
            close(session, "sender queue full");
            throw new IllegalStateException("WebRTC sender is overloaded");
        }
        LOG.info("WHEP session {} opened for viewer session {} of camera {}{}{}", session.id.substring(0, 8),
                viewer.id().value(), viewer.cameraId(), audio == null ? "" : ", audio " + answer.audioCodec(),
                session.rtxPayloadType < 0 ? "" : ", RTX");
        return new Opened(session, null);
    }

    /** H.264 (RFC 6184) or, when the answer chose it for an H.265 camera, H.265 (RFC 7798). */
    private VideoPacketizer videoPacketizer(WhepAnswer answer, TrackFormat video, int ssrc) {
        List<byte[]> sets = video.parameterSets();
        if (answer.videoCodec() == Codec.H265) {
            H265Packetizer h265 = new H265Packetizer(ssrc, answer.videoPayloadType(), random.nextInt(1 << 16),
                    random.nextInt(), MAX_RTP_PAYLOAD);
            h265.parameterSets(sets);
            return h265;
        }
        H264Packetizer h264 = new H264Packetizer(ssrc, answer.videoPayloadType(), random.nextInt(1 << 16),
                random.nextInt(), MAX_RTP_PAYLOAD);
        if (sets.size() >= 2 && sets.get(0).length <= H264Packetizer.MAX_PARAMETER_SET_LENGTH
                && sets.get(1).length <= H264Packetizer.MAX_PARAMETER_SET_LENGTH) {
            h264.parameterSets(sets.get(0), sets.get(1));
        }
        return h264;
    }

    /**
     * ICE restart (RFC 9725 §4.3.2; RFC 8445 §9): new local credentials for the viewer's new ufrag, answered by
     * the new ones while the old stay valid until the new pair is nominated, so media continues meanwhile; DTLS
     * and SRTP are kept. Serialized per session.
     *
     * @return the {@code application/trickle-ice-sdpfrag} answer
     */
    String restartIce(WhepSession session, String remoteUfrag) throws Exception {
        synchronized (session.restartLock) {
            for (int attempt = 0; attempt < 3; attempt++) {
                IceCredentials credentials = IceCredentials.generate(random);
                IceLiteSession next = new IceLiteSession(credentials, remoteUfrag, System.nanoTime());
                boolean attached = channel.eventLoop().submit(() -> {
                    if (session.isClosed()) {
                        return false;
                    }
                    IceLiteSession stale = session.previousIce();
                    if (stale != null) {
                        handler.detach(session, stale); // a restart of a restart: the oldest goes
                    }
                    if (!handler.attach(session, next)) {
                        return false;
                    }
                    session.restarted(next);
                    return true;
                }).get(2, TimeUnit.SECONDS);
                if (attached) {
                    counters.iceRestarts.incrementAndGet();
                    LOG.info("WHEP session {}: ICE restart", session.id.substring(0, 8));
                    return WhepAnswerBuilder.iceRestartFragment(credentials, hostAddresses, port, session.answer);
                }
                if (session.isClosed()) {
                    break;
                }
            }
            throw new IllegalStateException("ICE restart failed (session closed or ufrag collisions)");
        }
    }

    private void sendDtls(WhepSession session, byte[] buf, int off, int len) throws IOException {
        InetSocketAddress to = session == null ? null : session.nominatedAddress();
        if (to == null) {
            return; // not nominated yet: DTLS retransmits (RFC 6347 §4.2.4)
        }
        ByteBuf datagram = channel.alloc().directBuffer(len);
        datagram.writeBytes(buf, off, len);
        channel.writeAndFlush(new DatagramPacket(datagram, to));
    }

    private void runDtls(WhepSession session, DtlsSrtpServer server) {
        DTLSTransport transport;
        try {
            transport = new DTLSServerProtocol().accept(server, session.dtls);
        } catch (IOException | RuntimeException e) {
            close(session, "DTLS handshake failed: " + e.getMessage());
            return;
        }
        SrtpKeyingMaterial keys = server.keyingMaterial();
        session.keysReady(SrtpTransforms.outbound(keys, true), SrtpTransforms.inbound(keys, true));
        LOG.info("WHEP session {}: DTLS done, {}", session.id.substring(0, 8), keys.profile());
        // Keep serving the DTLS association: a lost final flight is retransmitted from here, a close_notify ends it.
        byte[] buf = new byte[DtlsPacketTransport.RECEIVE_LIMIT];
        try {
            while (!session.isClosed()) {
                long started = System.nanoTime();
                int n = transport.receive(buf, 0, buf.length, DTLS_RECEIVE_WAIT_MILLIS);
                long waited = System.nanoTime() - started;
                boolean early = waited < TimeUnit.MILLISECONDS.toNanos(DTLS_RECEIVE_WAIT_MILLIS / 2);
                if (n < 0 && early) {
                    close(session, "peer closed DTLS");
                }
            }
        } catch (IOException | RuntimeException e) {
            close(session, "DTLS ended: " + e.getMessage());
        }
    }

    public Optional<WhepSession> find(String id) {
        return id == null ? Optional.empty() : Optional.ofNullable(sessions.get(id));
    }

    /** Ends a WHEP session (idempotent, any thread): no more checks answered, DTLS closed, sender drops it. */
    void close(WhepSession session, String reason) {
        if (!session.markClosed(reason)) {
            return;
        }
        sessions.remove(session.id, session);
        if (!group.isShuttingDown()) {
            channel.eventLoop().execute(() -> handler.detach(session));
        }
        counters.sessionsClosed.incrementAndGet();
        LOG.info("WHEP session {} closed: {}", session.id.substring(0, 8), reason);
    }

    /** Session end listener: revocation or expiry of a viewer session ends its WHEP sessions now. */
    public void onViewerSessionEnded(ViewerSession viewer) {
        for (WhepSession s : sessions.values()) {
            if (s.viewer == viewer) {
                close(s, "viewer session " + viewer.ended().map(Enum::name).orElse("ended"));
            }
        }
    }

    /**
     * Event loop, once a second: sessions whose ICE consent expired end (RFC 7675 §5.1); after an ICE restart, the
     * old ICE session is dropped once the new one is nominated, and a restart whose new credentials never got a check
     * while the old ones kept consent falls back to the old (RFC 9725 §4.3.2: a failed restart keeps the old).
     */
    private void sweepConsent() {
        long now = System.nanoTime();
        for (IceLiteSession expired : handler.agent().expire(now)) {
            WhepSession s = handler.sessionOf(expired);
            if (s == null) {
                continue;
            }
            IceLiteSession previous = s.previousIce();
            if (expired == s.ice() && previous != null && !previous.isConsentExpired(now)) {
                handler.detach(s, expired);
                s.revertRestart(previous);
            } else if (expired == s.ice()) {
                close(s, "ICE consent expired (RFC 7675)");
            } else {
                handler.detach(s, expired);
            }
        }
        for (WhepSession s : sessions.values()) {
            IceLiteSession previous = s.previousIce();
            if (previous != null && s.ice().isNominated()) {
                handler.detach(s, previous);
            }
        }
    }

    @Override
    public void close() {
        for (WhepSession s : sessions.values()) {
            close(s, "relay shutting down");
        }
        senderRunner.close();
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    /** Host candidates: the bind address, or every non-loopback address when bound to the wildcard; plus loopback. */
    static List<InetAddress> hostAddresses(String bind) throws IOException {
        List<InetAddress> out = new ArrayList<>();
        InetAddress bound = InetAddress.getByName(bind);
        if (!bound.isAnyLocalAddress()) {
            out.add(bound);
        } else {
            try {
                for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    if (!nic.isUp() || nic.isLoopback()) {
                        continue;
                    }
                    for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                        if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
                            out.add(a);
                        }
                    }
                }
            } catch (SocketException e) {
                LOG.warn("cannot list network interfaces for ICE candidates: {}", e.toString());
            }
        }
        InetAddress loopback = InetAddress.getByName("127.0.0.1");
        if ((bound.isAnyLocalAddress() || bound.isLoopbackAddress()) && !out.contains(loopback)) {
            out.add(loopback);
        }
        return List.copyOf(out);
    }

    /**
     * The sender's path to the wire. The sender thread copies each datagram into a preallocated slot of a
     * single-producer, single-consumer ring and, once per turn, hands one reused task to the UDP event loop, which
     * writes the slots out and flushes once. The sender thread allocates nothing here; the event loop writes without
     * Netty's cross-thread task per write. A full ring (a keyframe to many viewers at once) first hands the ring to
     * the event loop and waits up to {@link #FULL_WAIT_NANOS} for room, then drops the datagram (counted; NACK or the
     * next keyframe heal it).
     */
    private final class ChannelSink implements WhepSender.DatagramSink {

        /** Datagrams queued between the sender and the event loop: a 60 KB keyframe to about 80 viewers. */
        static final int RING_CAPACITY = 4096;
        /** How long the sender waits for the event loop to make room before it drops (it serves everyone). */
        static final long FULL_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
        private static final int MASK = RING_CAPACITY - 1;

        private final byte[][] slots = new byte[RING_CAPACITY][WhepSender.SCRATCH_LENGTH];
        private final int[] lengths = new int[RING_CAPACITY];
        private final InetSocketAddress[] targets = new InetSocketAddress[RING_CAPACITY];
        private final AtomicLong head = new AtomicLong();
        private final AtomicLong tail = new AtomicLong();
        private final AtomicBoolean scheduled = new AtomicBoolean();
        private final Runnable drain = this::drain;

        @Override
        public void send(byte[] datagram, int offset, int length, InetSocketAddress to) {
            long t = tail.get();
            if (t - head.get() >= RING_CAPACITY && !awaitRoom(t)) {
                WebRtcCounters.add(counters.sendDropped, 1);
                return;
            }
            int slot = (int) t & MASK;
            System.arraycopy(datagram, offset, slots[slot], 0, length);
            lengths[slot] = length;
            targets[slot] = to;
            tail.lazySet(t + 1);
        }

        @Override
        public int room() {
            return (int) (RING_CAPACITY - (tail.get() - head.get()));
        }

        private boolean awaitRoom(long t) {
            flush();
            long deadline = System.nanoTime() + FULL_WAIT_NANOS;
            while (t - head.get() >= RING_CAPACITY) {
                if (System.nanoTime() - deadline >= 0) {
                    return false;
                }
                if (!scheduled.get()) {
                    flush();
                }
                Thread.onSpinWait();
            }
            return true;
        }

        @Override
        public void flush() {
            if (scheduled.compareAndSet(false, true)) {
                channel.eventLoop().execute(drain);
            }
        }

        /** Event loop: writes every queued datagram, then flushes once. */
        private void drain() {
            scheduled.set(false);
            long h = head.get();
            long t = tail.get();
            for (; h < t; h++) {
                int slot = (int) h & MASK;
                ByteBuf b = channel.alloc().directBuffer(lengths[slot]);
                b.writeBytes(slots[slot], 0, lengths[slot]);
                channel.write(new DatagramPacket(b, targets[slot]), channel.voidPromise());
                targets[slot] = null;
                head.lazySet(h + 1);
            }
            channel.flush();
        }
    }
}
