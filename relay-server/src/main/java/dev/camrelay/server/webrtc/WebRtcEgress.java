package dev.camrelay.server.webrtc;

import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.session.ViewerSession;
import dev.camrelay.webrtc.dtls.DtlsCertificate;
import dev.camrelay.webrtc.dtls.DtlsSrtpServer;
import dev.camrelay.webrtc.ice.IceLiteSession;
import dev.camrelay.webrtc.sdp.SdpOffer;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thread-safe control plane ({@link #open}, {@link #restartIce}, {@link #find}, {@link #close(WhepSession, String)},
 * {@link #onViewerSessionEnded}) over three kinds of threads it starts: the UDP event loop ({@link MediaPortHandler},
 * {@link IceRoutes}, the send ring's drain), one virtual thread per DTLS association ({@link DtlsAssociation}), and
 * the sender agent ({@link WhepSender}) on one dedicated thread.
 *
 * <p>The WebRTC egress: one UDP port for every WHEP session (contract.md: 8189/udp), one DTLS certificate per relay
 * run, host candidates for the bind address; the open WHEP sessions by id, at most one per viewer session.
 */
public final class WebRtcEgress implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebRtcEgress.class);

    /** ICE consent (RFC 7675 §5.1) is checked this often; an expired session ends. */
    static final long CONSENT_SWEEP_MILLIS = 1000;
    /** How long a control-plane call waits for the event loop to attach or restart a session's ICE. */
    private static final long EVENT_LOOP_WAIT_SECONDS = 2;
    /** New credentials drawn for an ICE restart before it gives up on ufrag collisions (48 random bits each). */
    private static final int RESTART_ATTEMPTS = 3;

    private final SecureRandom random = new SecureRandom();
    private final WebRtcCounters counters = new WebRtcCounters();
    private final FrameLatency latency = new FrameLatency();
    private final Map<String, WhepSession> sessions = new ConcurrentHashMap<>();
    private final IceRoutes routes = new IceRoutes();
    private final DtlsCertificate certificate;
    private final EventLoopGroup group;
    private final Channel channel;
    private final OfferAnswer offerAnswer;
    private final AgentRunner senderRunner;
    private final WhepSender sender;
    private final List<InetAddress> hostAddresses;
    private final int port;

    private WebRtcEgress(String bind, int requestedPort, boolean epoll, Clock clock) throws Exception {
        certificate = DtlsCertificate.generate(random, "camrelay");
        group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("relay-webrtc-udp"),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        Class<? extends DatagramChannel> type = epoll ? EpollDatagramChannel.class : NioDatagramChannel.class;
        try {
            channel = new Bootstrap().group(group).channel(type).handler(new MediaPortHandler(routes, counters))
                    .bind(bind, requestedPort).sync().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        port = ((InetSocketAddress) channel.localAddress()).getPort();
        hostAddresses = hostAddresses(bind);
        offerAnswer = new OfferAnswer(random, certificate.fingerprint(), hostAddresses, port,
                DtlsAssociation.writer(channel));
        sender = new WhepSender(new UdpSendRing(channel, counters), counters, latency, this::close, clock);
        senderRunner = new AgentRunner(new BackoffIdleStrategy(100, 10, TimeUnit.MICROSECONDS.toNanos(1),
                TimeUnit.MILLISECONDS.toNanos(1)), e -> LOG.error("WebRTC sender failed", e), null, sender);
        AgentRunner.startOnThread(senderRunner);
        channel.eventLoop().scheduleAtFixedRate(() -> routes.sweep(System.nanoTime(), this::close),
                CONSENT_SWEEP_MILLIS, CONSENT_SWEEP_MILLIS, TimeUnit.MILLISECONDS);
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

    /** What {@code GET /api/v1/sessions} shows of a viewer session's open WHEP session, or null when it has none. */
    public Map<String, Object> details(ViewerSession viewer) {
        for (WhepSession s : sessions.values()) {
            if (s.viewer == viewer) {
                return s.details();
            }
        }
        return null;
    }

    /** The open WHEP sessions (a snapshot; for metrics and the sessions API). */
    List<WhepSession> sessions() {
        return List.copyOf(sessions.values());
    }

    /**
     * Creates a WHEP session for a viewer session from a validated offer: the answer, ICE registration, the DTLS
     * handshake in the background, and the hand-over to the sender.
     *
     * @return the session with its answer, or the reason the offer cannot be answered
     */
    OfferAnswer.Result open(ViewerSession viewer, SdpOffer offer, StreamFormat format) throws Exception {
        OfferAnswer.Result result = offerAnswer.answer(viewer, offer, format);
        WhepSession session = result.session();
        if (session == null) {
            return result;
        }
        // One WHEP session per viewer session: a player that reconnects (page reload) replaces its old one, and a
        // token cannot be used to open sessions without bound.
        for (WhepSession old : sessions.values()) {
            if (old.viewer == viewer) {
                close(old, "replaced by a new WHEP session of the same viewer session");
            }
        }
        if (!channel.eventLoop().submit(() -> routes.attach(session, session.ice()))
                .get(EVENT_LOOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("ICE ufrag collision; retry");
        }
        sessions.put(session.id, session);
        counters.sessionsCreated.incrementAndGet();
        DtlsAssociation.start(session, new DtlsSrtpServer(new BcTlsCrypto(random), certificate,
                offer.fingerprint()), this::close);
        if (!sender.add(session)) {
            close(session, "sender queue full");
            throw new IllegalStateException("WebRTC sender is overloaded");
        }
        LOG.info("WHEP session {} opened for viewer session {} of camera {}{}{}", session.id.substring(0, 8),
                viewer.id().value(), viewer.cameraId(),
                session.audio == null ? "" : ", audio " + session.answer.audioCodec(),
                session.rtxPayloadType < 0 ? "" : ", RTX");
        return result;
    }

    /**
     * ICE restart (RFC 9725 §4.3.2; RFC 8445 §9): new local credentials for the viewer's new ufrag, answered by
     * the new ones while the old stay valid until the new pair is nominated, so media continues meanwhile; DTLS
     * and SRTP are kept. Serialized per session.
     *
     * @return the {@code application/trickle-ice-sdpfrag} answer
     * @throws IllegalStateException when the session closed meanwhile or the new credentials kept colliding
     */
    String restartIce(WhepSession session, String remoteUfrag) throws Exception {
        synchronized (session.restartLock) {
            for (int attempt = 0; attempt < RESTART_ATTEMPTS && !session.isClosed(); attempt++) {
                IceLiteSession next = offerAnswer.restartedIce(remoteUfrag);
                if (channel.eventLoop().submit(() -> routes.restart(session, next))
                        .get(EVENT_LOOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    counters.iceRestarts.incrementAndGet();
                    LOG.info("WHEP session {}: ICE restart", session.id.substring(0, 8));
                    return offerAnswer.restartFragment(next, session.answer);
                }
            }
            throw new IllegalStateException("ICE restart failed (session closed or ufrag collisions)");
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
            channel.eventLoop().execute(() -> routes.detach(session));
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
}
