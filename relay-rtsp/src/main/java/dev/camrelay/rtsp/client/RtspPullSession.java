package dev.camrelay.rtsp.client;

import dev.camrelay.rtsp.depacketize.AccessUnitSink;
import dev.camrelay.rtsp.message.InterleavedFrame;
import dev.camrelay.rtsp.message.RtspHeaders;
import dev.camrelay.rtsp.message.RtspProtocolError;
import dev.camrelay.rtsp.message.RtspRequest;
import dev.camrelay.rtsp.message.RtspResponse;
import dev.camrelay.rtsp.message.RtspTransport;
import dev.camrelay.rtsp.receive.RtpTrackReceiver;
import dev.camrelay.rtsp.receive.TrackTally;
import dev.camrelay.rtsp.sdp.ControlUrls;
import dev.camrelay.rtsp.sdp.SdpParser;
import dev.camrelay.rtsp.sdp.SessionDescription;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Threading: a channel handler confined to its channel's event loop (its UDP sockets are registered there too);
 * one instance per connection (not sharable); {@link #stop} must be called on that loop.
 *
 * <p>Pulls one camera stream over RTSP (RFC 2326 §10.1-10.5, §10.12; protocols.md 1): OPTIONS, DESCRIBE
 * ({@code Accept: application/sdp}; a 301-305 {@code Location} is handed to
 * {@link PullSessionListener#onRedirect}), SETUP of every track the relay can carry, PLAY. Transport (1.4): with
 * {@link PullOptions#udp()} each SETUP offers {@code RTP/AVP;unicast;client_port=2n-2n+1} first (not when H.264 uses
 * packetization-mode 0, gortsplib); a 461 or a TCP answer to the first SETUP switches the session to TCP interleaved
 * {@code 2k-2k+1} on the same connection; before PLAY one RTP and one RTCP packet go to each {@code server_port}
 * (NAT); if no datagram arrives within {@link #UDP_FIRST_PACKET_TIMEOUT_NANOS} of PLAY, the session ends with
 * {@link PullSessionListener#onSwitchToTcp} (the caller connects again over TCP, describing again first:
 * Hikvision). UDP media is accepted only from the camera's address. The camera goes live
 * ({@link PullSessionListener#onPlaying}) on the PLAY answer over TCP, on the first datagram over UDP, or on media
 * that comes after PLAY was sent and before its answer (scottlamb/retina#46). Over TLS (rtsps, {@link ClientTls}) a
 * failed handshake ends the session with the certificate check's reason ({@link #tlsFailed}).
 *
 * <p>Every request carries CSeq and User-Agent, and any of them (keepalives included) is re-sent once with
 * credentials after a 401 ({@link ClientRequests}). This class sequences the requests up to PLAY; what runs while
 * playing (keepalives, receiver reports, liveness) is {@link PullPlayback}'s, the tracks and their transport are
 * {@link PullTracks}'s. Server-to-client requests are answered. {@link #stop} sends TEARDOWN.
 */
public final class RtspPullSession extends SimpleChannelInboundHandler<Object> {

    /** No UDP datagram this long after the PLAY answer: UDP is blocked, use TCP (gortsplib InitialUDPReadTimeout). */
    public static final long UDP_FIRST_PACKET_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(3);
    /** Session timeout when the server does not say (RFC 2326 §12.37). */
    public static final int DEFAULT_SESSION_TIMEOUT_SECONDS = 60;
    /** Tracks set up at most (StreamFormat.MAX_TRACKS). */
    public static final int MAX_TRACKS = 8;
    /** RFC 2326 §11.3.3: 461 Unsupported Transport. */
    static final int UNSUPPORTED_TRANSPORT = 461;

    private final String rawUrl;
    private final String url;
    private final ClientRequests requests;
    private final AccessUnitSink sink;
    private final PullSessionListener listener;
    private final PullOptions options;
    private final PullTracks tracks = new PullTracks();
    private final PullPlayback playback;

    private ChannelHandlerContext ctx;
    private RtspRequest pending;
    private boolean pendingRetried;
    private boolean getParameterSupported;
    private String baseUrl;
    private int setupIndex;
    private boolean triedUdp;
    private String fallback;
    private int sessionTimeoutSeconds = DEFAULT_SESSION_TIMEOUT_SECONDS;
    private boolean playSent;
    private boolean playing;
    private boolean ended;
    private boolean tlsFailure;

    /** A TCP-interleaved session. @param url an rtsp:// URL, credentials (if any) in its user-info */
    public RtspPullSession(String url, AccessUnitSink sink, PullSessionListener listener) {
        this(url, sink, listener, PullOptions.tcpOnly());
    }

    public RtspPullSession(String url, AccessUnitSink sink, PullSessionListener listener, PullOptions options) {
        this.requests = ClientRequests.forUrl(url);
        this.rawUrl = url;
        this.url = ControlUrls.withoutCredentials(url);
        this.sink = sink;
        this.listener = listener;
        this.options = options;
        this.playback = new PullPlayback(tracks, new TrackTally(options.counters()), requests, this::fail);
    }

    public List<RtpTrackReceiver> receivers() {
        return tracks.receivers();
    }

    /** True when media is carried over UDP (known once the SETUPs are answered). */
    public boolean usesUdp() {
        return tracks.overUdp();
    }

    /** Why this session, asked to try UDP, carries media over TCP; null if it did not fall back. */
    public String fallbackReason() {
        return fallback;
    }

    /** RTCP receiver reports sent so far. */
    public long receiverReportsSent() {
        return playback.receiverReportsSent();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        send(requests.request("OPTIONS", url));
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        release();
        if (!ended) {
            ended = true;
            listener.onFailed("connection closed");
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        String tls = ClientTls.failureReason(cause);
        if (tls != null) {
            tlsFailed(tls);
        } else {
            fail("connection error: " + cause);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof SslHandshakeCompletionEvent e && !e.isSuccess()) {
            String tls = ClientTls.failureReason(e.cause());
            tlsFailed(tls != null ? tls : "TLS handshake failed: " + e.cause());
        }
        super.userEventTriggered(ctx, evt);
    }

    private void tlsFailed(String reason) {
        if (!ended) {
            tlsFailure = true;
        }
        fail(reason);
    }

    /** True when this session ended because its TLS handshake failed (rtsps). */
    public boolean tlsFailed() {
        return tlsFailure;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case InterleavedFrame f -> {
                if (!playing && playSent && !ended && tracks.carries(f.channel())) {
                    goPlaying(); // media may precede the PLAY answer (scottlamb/retina#46)
                }
                long now = System.nanoTime();
                sink.arrivedAt(now);
                if (tracks.onInterleaved(f, now)) {
                    playback.mediaArrived(now);
                }
            }
            case RtspResponse r -> onResponse(r);
            case RtspRequest r -> onServerRequest(r);
            case RtspProtocolError e -> fail("protocol error: " + e.kind() + " " + e.detail());
            default -> {
            }
        }
    }

    /** A datagram from the camera (UDP), before its receiver sees it; the first after PLAY makes the camera live. */
    private void onDatagram(boolean rtp, long nowNanos) {
        sink.arrivedAt(nowNanos);
        playback.mediaArrived(nowNanos);
        if (!playing && playSent && !ended) {
            goPlaying(); // media may precede the PLAY answer (scottlamb/retina#46)
        }
    }

    private void onServerRequest(RtspRequest r) {
        RtspHeaders h = new RtspHeaders().add("CSeq", String.valueOf(r.headers().get("CSeq")));
        boolean known = r.method().equals("OPTIONS") || r.method().equals("GET_PARAMETER");
        ctx.writeAndFlush(new RtspResponse("RTSP/1.0", known ? 200 : 501, known ? "OK" : "Not Implemented", h,
                null));
    }

    private void onResponse(RtspResponse r) {
        if (ended) {
            return;
        }
        if (playback.onKeepaliveAnswer(r)) {
            return;
        }
        RtspRequest req = pending;
        if (!ClientRequests.answers(req, r)) {
            return; // a stray response
        }
        if (r.status() == 401 && !pendingRetried && requests.challenged(r)) {
            sendPending(requests.retry(req), true);
            return;
        }
        if (req.method().equals("DESCRIBE") && Redirects.isRedirect(r.status())) {
            redirect(r);
            return;
        }
        if (req.method().equals("SETUP") && r.status() == UNSUPPORTED_TRANSPORT && tracks.overUdp()) {
            udpRefused("SETUP answered " + r.status() + " " + r.reason());
            return;
        }
        if (r.status() < 200 || r.status() >= 300) {
            if (req.method().equals("OPTIONS")) {
                describe(); // OPTIONS is advisory; some cameras refuse it
                return;
            }
            fail(req.method() + " answered " + r.status() + " " + r.reason());
            return;
        }
        switch (req.method()) {
            case "OPTIONS" -> {
                String pub = r.headers().get("Public");
                getParameterSupported = pub != null && pub.toUpperCase(Locale.ROOT).contains("GET_PARAMETER");
                describe();
            }
            case "DESCRIBE" -> onDescribe(r);
            case "SETUP" -> onSetup(r);
            case "PLAY" -> onPlay();
            default -> {
            }
        }
    }

    private void describe() {
        RtspRequest d = requests.request("DESCRIBE", url);
        d.headers().add("Accept", "application/sdp");
        send(d);
    }

    private void redirect(RtspResponse r) {
        String location = r.headers().get("Location");
        String to = Redirects.resolve(rawUrl, location);
        if (to == null) {
            fail("DESCRIBE answered " + r.status() + (Redirects.isDowngrade(rawUrl, location)
                    ? " redirecting rtsps to rtsp, refused (TLS is never given up): " : " with an unusable Location: ")
                    + ControlUrls.withoutCredentials(String.valueOf(location)));
            return;
        }
        end(() -> listener.onRedirect(to));
    }

    private void onDescribe(RtspResponse r) {
        SessionDescription sdp = SdpParser.parse(r.body());
        baseUrl = ControlUrls.base(url, r.headers().get("Content-Base"), sdp.control());
        boolean singleNalMode = tracks.addCarried(sdp, sink);
        if (tracks.size() == 0) {
            fail("no track the relay can carry in the SDP");
            return;
        }
        setupIndex = 0;
        if (!options.udp() || singleNalMode) {
            fallback = options.udp() ? "H.264 packetization-mode 0 (gortsplib: TCP from the start)" : null;
            tracks.receiveOverTcp();
            setupNext();
            return;
        }
        triedUdp = true;
        tracks.receiveOverUdp(ctx, options.datagramChannel(), options.counters(), this::onDatagram, bound -> {
            if (!ended) {
                if (!bound) {
                    fallback = "no UDP port pair could be bound";
                }
                setupNext();
            }
        });
    }

    /** The server will not carry UDP: on the first track, TCP on this connection; later, a new TCP connection. */
    private void udpRefused(String reason) {
        if (setupIndex == 0) {
            fallback = reason;
            tracks.receiveOverTcp();
            setupNext();
        } else {
            switchToTcp(reason + " (track " + setupIndex + ")");
        }
    }

    private void setupNext() {
        int k = setupIndex;
        RtspRequest s = requests.request("SETUP", ControlUrls.track(baseUrl, tracks.get(k).control()));
        s.headers().add("Transport", tracks.offer(k));
        send(s);
    }

    private void onSetup(RtspResponse r) {
        if (requests.session() == null) {
            sessionTimeoutSeconds = requests.takeSession(r.headers().get("Session"), DEFAULT_SESSION_TIMEOUT_SECONDS);
        }
        int k = setupIndex;
        RtspTransport t = RtspTransport.parse(String.valueOf(r.headers().get("Transport")));
        if (tracks.overUdp() && t != null && t.tcp()) {
            if (k > 0) {
                switchToTcp("SETUP of track " + k + " answered with TCP transport");
                return;
            }
            fallback = "the server answered SETUP with TCP transport";
            tracks.receiveOverTcp();
        }
        if (!tracks.answered(k, t)) {
            fail("SETUP answered interleaved channels out of range: " + t.format());
            return;
        }
        setupIndex++;
        if (setupIndex < tracks.size()) {
            setupNext();
            return;
        }
        tracks.openNat();
        RtspRequest play = requests.request("PLAY", baseUrl);
        play.headers().add("Range", "npt=0.000-");
        playSent = true;
        send(play);
    }

    private void onPlay() {
        playback.start(ctx, baseUrl, sessionTimeoutSeconds, getParameterSupported);
        if (playing) {
            return;
        }
        if (!tracks.overUdp()) {
            goPlaying();
        } else {
            playback.schedule(this::checkUdpArrived, UDP_FIRST_PACKET_TIMEOUT_NANOS);
        }
    }

    private void goPlaying() {
        playing = true;
        listener.onPlaying(tracks.media());
    }

    private void checkUdpArrived() {
        if (!playing && !ended) {
            switchToTcp("no UDP packet within " + TimeUnit.NANOSECONDS.toSeconds(UDP_FIRST_PACKET_TIMEOUT_NANOS)
                    + " s of PLAY");
        }
    }

    private void send(RtspRequest r) {
        sendPending(r, false);
    }

    private void sendPending(RtspRequest r, boolean retry) {
        pending = r;
        pendingRetried = retry;
        ctx.writeAndFlush(r);
    }

    private void fail(String reason) {
        end(() -> listener.onFailed(reason));
    }

    private void switchToTcp(String reason) {
        fallback = reason;
        end(() -> listener.onSwitchToTcp(reason));
    }

    /** True when this session offered UDP to the server (it may still have ended up on TCP). */
    public boolean triedUdp() {
        return triedUdp;
    }

    /** Ends the session on purpose (the camera was deleted or has no viewer): TEARDOWN, not awaited, then close. */
    public void stop() {
        end(null);
    }

    /** Ends once: timers and sockets released, the listener told, TEARDOWN sent if a session exists, close. */
    private void end(Runnable tell) {
        if (ended) {
            return;
        }
        ended = true;
        release();
        if (tell != null) {
            tell.run();
        }
        if (ctx == null) {
            return;
        }
        if (requests.session() != null && ctx.channel().isActive()) {
            ctx.writeAndFlush(requests.request("TEARDOWN", baseUrl)).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.close();
        }
    }

    private void release() {
        playback.stop();
        tracks.close();
    }
}
