package dev.camrelay.server.rtsp;

import dev.camrelay.rtsp.auth.DigestAuth;
import dev.camrelay.rtsp.client.EpochSink;
import dev.camrelay.rtsp.message.InterleavedFrame;
import dev.camrelay.rtsp.message.RtspHeaders;
import dev.camrelay.rtsp.message.RtspProtocolError;
import dev.camrelay.rtsp.message.RtspRequest;
import dev.camrelay.rtsp.message.RtspResponse;
import dev.camrelay.rtsp.message.RtspTransport;
import dev.camrelay.rtsp.receive.RtpTrackReceiver;
import dev.camrelay.rtsp.receive.TrackTally;
import dev.camrelay.rtsp.receive.UdpMediaPair;
import dev.camrelay.rtsp.sdp.SdpParser;
import dev.camrelay.server.camera.Camera;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threading: a channel handler confined to its connection's event loop, which is the single writer of the camera's
 * buffer while this connection publishes (UDP media sockets are registered on the same loop); only
 * {@link #closeForCamera} is called from elsewhere.
 *
 * <p>One publisher's RTSP connection (protocols.md 2; RFC 2326 §10): OPTIONS, ANNOUNCE (SDP), SETUP per track over
 * TCP interleaved or UDP, RECORD, TEARDOWN, GET_PARAMETER/SET_PARAMETER. Every method but OPTIONS needs the
 * camera's publish credentials (Basic or Digest-MD5, protocols.md 2.4); a request without them gets 401 on the kept
 * connection, as FFmpeg expects. RECORD opens a new epoch of the camera; TEARDOWN, disconnect and
 * {@link #LIVENESS_TIMEOUT_NANOS} without RTP end it with {@code willRetry} (the camera may come back). Input the
 * framer cannot frame closes the connection and is counted; other connections are not affected.
 */
final class PublishConnection extends SimpleChannelInboundHandler<Object> {

    private static final Logger LOG = LoggerFactory.getLogger(PublishConnection.class);

    /** Realm of the publish challenge (RFC 2617 §1.2). */
    static final String REALM = "camrelay";
    /** Session timeout announced (RFC 2326 §12.37); UDP publishers are judged by RTP, not keepalives (2.3). */
    static final int SESSION_TIMEOUT_SECONDS = 60;
    /** A publishing session with no RTP for this long is ended (protocols.md 2.3, 1.7). */
    static final long LIVENESS_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Failed authentications one connection may make before it is closed. */
    static final int MAX_AUTH_FAILURES = 4;
    private static final String PUBLIC = "OPTIONS, ANNOUNCE, SETUP, RECORD, TEARDOWN, GET_PARAMETER, SET_PARAMETER";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final RtspServer server;
    private final String nonce = randomHex(16);
    private final String sessionId = randomHex(8);
    private ChannelHandlerContext ctx;
    private Camera camera;
    private EpochSink epoch;
    private PublishTracks tracks;
    private int authFailures;
    private boolean claimed;
    private boolean recording;
    private boolean ended;
    private volatile boolean cameraGone;
    private long lastRtpNanos;
    private ScheduledFuture<?> ticker;
    private final TrackTally tally;

    PublishConnection(RtspServer server) {
        this.server = server;
        this.tally = new TrackTally(server.counters());
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        end("publisher disconnected");
        server.connectionClosed();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("RTSP connection {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        // An idle RTSP connection that does not publish is closed; a UDP publisher's is legitimately quiet (2.3).
        if (evt instanceof IdleStateEvent && !recording) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case InterleavedFrame f -> onInterleaved(f);
            case RtspRequest r -> onRequest(r);
            case RtspProtocolError e -> {
                server.counters().malformed();
                LOG.info("RTSP connection {} closed: {} {}", ctx.channel().remoteAddress(), e.kind(), e.detail());
                ctx.close();
            }
            default -> {
                // A response from a client is not expected; ignore it.
            }
        }
    }

    private void onInterleaved(InterleavedFrame f) {
        if (!recording) {
            return; // before RECORD: dropped (released by the base class)
        }
        long now = System.nanoTime();
        epoch.arrivedAt(now);
        if (tracks.onInterleaved(f, now)) {
            lastRtpNanos = now;
        }
    }

    private void onRequest(RtspRequest r) {
        RtspHeaders h = new RtspHeaders();
        String cseq = r.headers().get("CSeq");
        h.add("CSeq", cseq == null ? "0" : cseq);
        h.add("Server", "camrelay");
        if (r.method().equals("OPTIONS")) {
            respond(200, "OK", h.add("Public", PUBLIC));
            return;
        }
        if (ended) {
            respond(455, "Method Not Valid In This State", h);
            return;
        }
        PublishPath path = PublishPath.of(r.uri());
        Camera target = camera != null ? camera : server.pushCamera(path.cameraId());
        if (target == null || (camera != null && !camera.id().equals(path.cameraId()))) {
            respond(404, "Not Found", h);
            return;
        }
        var credentials = target.spec().publish();
        if (!DigestAuth.verify(r.headers().get("Authorization"), r.method(), REALM, nonce, credentials.user(),
                credentials.password())) {
            server.counters().authFailed();
            h.add("WWW-Authenticate", DigestAuth.challenge(REALM, nonce))
                    .add("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
            respond(401, "Unauthorized", h);
            if (++authFailures >= MAX_AUTH_FAILURES) {
                ctx.close();
            }
            return;
        }
        switch (r.method()) {
            case "ANNOUNCE" -> announce(target, r, h);
            case "SETUP" -> setup(r, path, h);
            case "RECORD" -> record(h);
            case "TEARDOWN" -> {
                end("publisher sent TEARDOWN");
                ctx.writeAndFlush(new RtspResponse("RTSP/1.0", 200, "OK", h, null))
                        .addListener(ChannelFutureListener.CLOSE);
            }
            case "GET_PARAMETER", "SET_PARAMETER" -> respond(200, "OK", withSession(h));
            default -> respond(405, "Method Not Allowed", h.add("Allow", PUBLIC));
        }
    }

    private void announce(Camera target, RtspRequest r, RtspHeaders h) {
        if (camera != null) {
            respond(455, "Method Not Valid In This State", h);
            return;
        }
        String type = r.headers().get("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/sdp")) {
            respond(415, "Unsupported Media Type", h);
            return;
        }
        epoch = new EpochSink(target.sink(), target::reportGopFrames);
        PublishTracks announced = PublishTracks.announced(SdpParser.parse(r.body()), epoch, target.id());
        if (announced == null) {
            epoch = null;
            respond(415, "Unsupported Media Type", h);
            return;
        }
        if (!server.claim(target.id(), this)) {
            epoch = null;
            server.counters().publisherRefused();
            LOG.info("camera {}: refused a second publisher from {}", target.id(), ctx.channel().remoteAddress());
            respond(409, "Conflict: Camera Already Has A Publisher", h);
            return;
        }
        claimed = true;
        camera = target;
        tracks = announced;
        respond(200, "OK", h);
    }

    private void setup(RtspRequest r, PublishPath path, RtspHeaders h) {
        if (camera == null || recording) {
            respond(455, "Method Not Valid In This State", h);
            return;
        }
        int track = tracks.trackOf(path);
        if (track < 0) {
            respond(404, "Not Found", h);
            return;
        }
        RtspTransport chosen = PublishTracks.choose(r.headers().get("Transport"));
        if (chosen == null) {
            respond(461, "Unsupported Transport", h);
            return;
        }
        if (chosen.tcp()) {
            String answer = tracks.setupTcp(track, chosen);
            if (answer == null) {
                respond(461, "Unsupported Transport", h);
                return;
            }
            h.add("Transport", answer);
            respond(200, "OK", withSession(h));
            return;
        }
        // UDP: an even/odd pair bound on this connection's loop, media accepted only from the publisher's address.
        RtpTrackReceiver udpReceiver = tracks.udpReceiver(track);
        InetSocketAddress local = (InetSocketAddress) ctx.channel().localAddress();
        InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
        RtspTransport t = chosen;
        UdpMediaPair.bind(new UdpMediaPair.Binding(ctx.channel().eventLoop(), server.datagramChannel(),
                local.getAddress(), remote.getAddress(), udpReceiver, server.counters(), this::mediaArrived), pair -> {
                    if (pair == null) {
                        respond(453, "Not Enough Bandwidth", h);
                        return;
                    }
                    if (!ctx.channel().isActive()) {
                        pair.close();
                        return;
                    }
                    h.add("Transport", tracks.udpBound(pair, t));
                    respond(200, "OK", withSession(h));
                });
    }

    private void mediaArrived(boolean rtp, long nowNanos) {
        if (epoch != null) {
            epoch.arrivedAt(nowNanos); // before the receiver sees the datagram
        }
        if (rtp) {
            lastRtpNanos = nowNanos;
        }
    }

    private void record(RtspHeaders h) {
        if (camera == null || tracks.setups() == 0 || recording) {
            respond(455, "Method Not Valid In This State", h);
            return;
        }
        camera.reportTransport(tracks.overUdp() ? "udp" : "tcp"); // before live: whoever sees live sees it
        try {
            epoch.start(tracks.carried());
        } catch (IllegalStateException e) {
            respond(404, "Not Found", h); // the camera was deleted meanwhile
            return;
        }
        recording = true;
        lastRtpNanos = System.nanoTime();
        camera.attachIngest(this::closeForCamera);
        ticker = ctx.executor().scheduleAtFixedRate(this::tick, TrackTally.TICK_MILLIS, TrackTally.TICK_MILLIS,
                TimeUnit.MILLISECONDS);
        LOG.info("camera {}: publisher {} recording ({} track(s), {})", camera.id(), ctx.channel().remoteAddress(),
                tracks.carried().size(), tracks.overUdp() ? "UDP" : "TCP");
        respond(200, "OK", withSession(h));
    }

    private void tick() {
        long now = System.nanoTime();
        tracks.tick(tally, now);
        if (now - lastRtpNanos > LIVENESS_TIMEOUT_NANOS) {
            server.counters().livenessTimeout();
            end("no RTP from the publisher for " + TimeUnit.NANOSECONDS.toSeconds(LIVENESS_TIMEOUT_NANOS) + " s");
            ctx.close();
        }
    }

    /** Ends publishing once: the epoch (unless the camera is gone), the UDP sockets, the claim on the camera. */
    private void end(String reason) {
        if (ended) {
            return;
        }
        ended = true;
        recording = false;
        if (ticker != null) {
            ticker.cancel(false);
            tracks.tick(tally, System.nanoTime()); // what arrived since the last tick is counted too
        }
        if (tracks != null) {
            tracks.close();
        }
        if (epoch != null && camera != null && claimed) {
            if (!cameraGone && epochStarted()) {
                epoch.stop(reason, true);
            }
            server.release(camera.id(), this);
            LOG.info("camera {}: publisher {} ended: {}", camera.id(), ctx.channel().remoteAddress(), reason);
        }
    }

    private boolean epochStarted() {
        return ticker != null;
    }

    /** Called by the camera when it is deleted (any thread): stop publishing and wait for the close. */
    void closeForCamera() {
        cameraGone = true;
        ChannelHandlerContext c = ctx;
        if (c != null) {
            c.channel().close().awaitUninterruptibly(RtspServer.CLOSE_TIMEOUT_MILLIS);
        }
    }

    private RtspHeaders withSession(RtspHeaders h) {
        return h.add("Session", sessionId + ";timeout=" + SESSION_TIMEOUT_SECONDS);
    }

    private void respond(int status, String reason, RtspHeaders h) {
        ctx.writeAndFlush(new RtspResponse("RTSP/1.0", status, reason, h, null));
    }
}
