package dev.camrelay.rtsp.client;

import dev.camrelay.rtsp.auth.AuthChallenge;
import dev.camrelay.rtsp.auth.DigestAuth;
import dev.camrelay.rtsp.depacketize.AccessUnitSink;
import dev.camrelay.rtsp.depacketize.RtpDepacketizer;
import dev.camrelay.rtsp.message.InterleavedFrame;
import dev.camrelay.rtsp.message.RtspHeaders;
import dev.camrelay.rtsp.message.RtspProtocolError;
import dev.camrelay.rtsp.message.RtspRequest;
import dev.camrelay.rtsp.message.RtspResponse;
import dev.camrelay.rtsp.message.RtspTransport;
import dev.camrelay.rtsp.receive.ByteBufView;
import dev.camrelay.rtsp.receive.RtpTrackReceiver;
import dev.camrelay.rtsp.sdp.ControlUrls;
import dev.camrelay.rtsp.sdp.MediaDescription;
import dev.camrelay.rtsp.sdp.SdpParser;
import dev.camrelay.rtsp.sdp.SessionDescription;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.agrona.DirectBuffer;

/**
 * Threading: a channel handler confined to its channel's event loop; one instance per connection (not sharable).
 *
 * <p>Pulls one camera stream over RTSP with TCP-interleaved transport (RFC 2326 §10.1-10.5, §10.12): OPTIONS,
 * DESCRIBE ({@code Accept: application/sdp}), SETUP of every track the relay can carry on interleaved channels
 * {@code 2k-2k+1}, PLAY. Every request carries CSeq and User-Agent (go2rtc#235); a 401 is answered once per
 * request with the strongest challenge (protocols.md 1.3) and later requests reuse it. The base URL follows
 * {@link ControlUrls}. After PLAY a keepalive (GET_PARAMETER if OPTIONS listed it, else OPTIONS) goes out every
 * max(timeout - 5 s, 1 s) without awaiting its reply (protocols.md 1.6), and the session fails if no RTP or RTCP
 * arrives for {@link #LIVENESS_TIMEOUT_NANOS} (protocols.md 1.7). Server-to-client requests are answered.
 *
 * <p>Not here yet: UDP transport and the UDP-to-TCP fallback, redirects, RTP-Info, reconnect with backoff (the
 * caller closes and starts a new session when {@link Listener#onFailed} is called).
 */
public final class RtspPullSession extends SimpleChannelInboundHandler<Object> {

    /** No RTP/RTCP for this long after PLAY fails the session (gortsplib default, protocols.md 1.7). */
    public static final long LIVENESS_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /** Session timeout when the server does not say (RFC 2326 §12.37). */
    public static final int DEFAULT_SESSION_TIMEOUT_SECONDS = 60;
    /** Tracks set up at most (StreamFormat.MAX_TRACKS). */
    public static final int MAX_TRACKS = 8;
    private static final String USER_AGENT = "camrelay";

    /** Session events, called on the channel's event loop. */
    public interface Listener {
        /** PLAY succeeded; {@code tracks} lists the media set up, in track order. */
        void onPlaying(List<MediaDescription> tracks);

        /** The session cannot continue; the channel is being closed. */
        void onFailed(String reason);
    }

    private final String url;
    private final String user;
    private final String password;
    private final AccessUnitSink sink;
    private final Listener listener;
    private final ByteBufView view = new ByteBufView();
    private final List<MediaDescription> tracks = new ArrayList<>();
    private final List<RtpTrackReceiver> receivers = new ArrayList<>();
    private final RtpTrackReceiver[] byChannel = new RtpTrackReceiver[256];

    private ChannelHandlerContext ctx;
    private int cseq;
    private RtspRequest pending;
    private boolean pendingRetried;
    private AuthChallenge challenge;
    private int nonceCount;
    private boolean getParameterSupported;
    private String baseUrl;
    private int setupIndex;
    private String session;
    private int sessionTimeoutSeconds = DEFAULT_SESSION_TIMEOUT_SECONDS;
    private boolean playing;
    private boolean failed;
    private long lastMediaNanos;
    private ScheduledFuture<?> keepalive;
    private ScheduledFuture<?> liveness;

    /** @param url an rtsp:// URL, credentials (if any) in its user-info */
    public RtspPullSession(String url, AccessUnitSink sink, Listener listener) {
        URI u = URI.create(url);
        String userInfo = u.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            this.user = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
            this.password = colon < 0 ? "" : decode(userInfo.substring(colon + 1));
        } else {
            this.user = null;
            this.password = null;
        }
        this.url = ControlUrls.withoutCredentials(url);
        this.sink = sink;
        this.listener = listener;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    public List<RtpTrackReceiver> receivers() {
        return receivers;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        send(request("OPTIONS", url));
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimers();
        if (!failed) {
            failed = true;
            listener.onFailed("connection closed");
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail("connection error: " + cause);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
        switch (msg) {
            case InterleavedFrame f -> onInterleaved(f);
            case RtspResponse r -> onResponse(r);
            case RtspRequest r -> onServerRequest(r);
            case RtspProtocolError e -> fail("protocol error: " + e.kind() + " " + e.detail());
            default -> {
            }
        }
    }

    private void onInterleaved(InterleavedFrame f) {
        RtpTrackReceiver r = byChannel[f.channel()];
        if (r == null) {
            return;
        }
        lastMediaNanos = System.nanoTime();
        DirectBuffer v = view.wrap(f.content());
        int length = f.content().readableBytes();
        if ((f.channel() & 1) == 0) {
            r.onRtp(v, view.offset(), length, lastMediaNanos);
        } else {
            r.onRtcp(v, view.offset(), length, lastMediaNanos);
        }
    }

    private void onServerRequest(RtspRequest r) {
        RtspHeaders h = new RtspHeaders().add("CSeq", String.valueOf(r.headers().get("CSeq")));
        boolean known = r.method().equals("OPTIONS") || r.method().equals("GET_PARAMETER");
        ctx.writeAndFlush(new RtspResponse("RTSP/1.0", known ? 200 : 501, known ? "OK" : "Not Implemented", h,
                null));
    }

    private void onResponse(RtspResponse r) {
        RtspRequest req = pending;
        if (req == null || !String.valueOf(cseqOf(req)).equals(r.headers().get("CSeq"))) {
            return; // a keepalive reply or a stray response
        }
        if (r.status() == 401 && user != null && !pendingRetried) {
            AuthChallenge c = AuthChallenge.preferred(AuthChallenge.parseAll(r.headers().getAll("WWW-Authenticate")));
            if (c != null) {
                challenge = c;
                nonceCount = 0;
                pendingRetried = true;
                RtspRequest retry = request(req.method(), req.uri());
                copyExtraHeaders(req, retry);
                sendPending(retry, true);
                return;
            }
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
        RtspRequest d = request("DESCRIBE", url);
        d.headers().add("Accept", "application/sdp");
        send(d);
    }

    private void onDescribe(RtspResponse r) {
        SessionDescription sdp = SdpParser.parse(r.body());
        baseUrl = ControlUrls.base(url, r.headers().get("Content-Base"), sdp.control());
        boolean hasVideo = sdp.media().stream().anyMatch(m -> m.mediaType().equals("video"));
        for (MediaDescription m : sdp.media()) {
            if (tracks.size() >= MAX_TRACKS) {
                break;
            }
            RtpDepacketizer d = TrackDepacketizers.create(tracks.size(), m, sink, !hasVideo);
            if (d != null && m.clockRate() > 0) {
                tracks.add(m);
                receivers.add(new RtpTrackReceiver(m.clockRate(), d, false));
            }
        }
        if (tracks.isEmpty()) {
            fail("no track the relay can carry in the SDP");
            return;
        }
        setupIndex = 0;
        setupNext();
    }

    private void setupNext() {
        int k = setupIndex;
        RtspRequest s = request("SETUP", ControlUrls.track(baseUrl, tracks.get(k).control()));
        s.headers().add("Transport", "RTP/AVP/TCP;unicast;interleaved=" + (2 * k) + "-" + (2 * k + 1));
        send(s);
    }

    private void onSetup(RtspResponse r) {
        String s = r.headers().get("Session");
        if (s != null && !s.isBlank()) {
            String[] parts = s.split(";");
            session = parts[0].strip();
            for (int i = 1; i < parts.length; i++) {
                String p = parts[i].strip().toLowerCase(Locale.ROOT);
                if (p.startsWith("timeout=")) {
                    try {
                        sessionTimeoutSeconds = Math.max(1, Integer.parseInt(p.substring(8).strip()));
                    } catch (NumberFormatException e) {
                        sessionTimeoutSeconds = DEFAULT_SESSION_TIMEOUT_SECONDS;
                    }
                }
            }
        }
        int k = setupIndex;
        RtspTransport t = RtspTransport.parse(String.valueOf(r.headers().get("Transport")));
        int rtp = t != null && t.interleavedRtp() >= 0 ? t.interleavedRtp() : 2 * k; // servers may pick others
        int rtcp = t != null && t.interleavedRtcp() >= 0 ? t.interleavedRtcp() : rtp + 1;
        if (rtp > 255 || rtcp > 255) {
            fail("SETUP answered interleaved channels out of range: " + rtp + "-" + rtcp);
            return;
        }
        byChannel[rtp] = receivers.get(k);
        byChannel[rtcp] = receivers.get(k);
        setupIndex++;
        if (setupIndex < tracks.size()) {
            setupNext();
        } else {
            RtspRequest play = request("PLAY", baseUrl);
            play.headers().add("Range", "npt=0.000-");
            send(play);
        }
    }

    private void onPlay() {
        playing = true;
        lastMediaNanos = System.nanoTime();
        long period = Math.max(sessionTimeoutSeconds - 5, 1);
        keepalive = ctx.executor().scheduleAtFixedRate(this::keepalive, period, period, TimeUnit.SECONDS);
        liveness = ctx.executor().scheduleAtFixedRate(this::checkLiveness, 1, 1, TimeUnit.SECONDS);
        listener.onPlaying(List.copyOf(tracks));
    }

    private void keepalive() {
        // Sent to the base URL and not awaited (gortsplib doKeepAlive); replies are ignored by CSeq.
        RtspRequest k = request(getParameterSupported ? "GET_PARAMETER" : "OPTIONS", baseUrl);
        ctx.writeAndFlush(k);
    }

    private void checkLiveness() {
        if (playing && System.nanoTime() - lastMediaNanos > LIVENESS_TIMEOUT_NANOS) {
            fail("no RTP or RTCP for " + TimeUnit.NANOSECONDS.toSeconds(LIVENESS_TIMEOUT_NANOS) + " s");
        }
    }

    private RtspRequest request(String method, String uri) {
        RtspHeaders h = new RtspHeaders().add("CSeq", String.valueOf(++cseq)).add("User-Agent", USER_AGENT);
        if (session != null) {
            h.add("Session", session);
        }
        if (challenge != null && user != null) {
            h.add("Authorization", DigestAuth.authorization(challenge, user, password, method, uri, ++nonceCount,
                    Long.toHexString(System.nanoTime())));
        }
        return new RtspRequest(method, uri, h);
    }

    private static void copyExtraHeaders(RtspRequest from, RtspRequest to) {
        for (String name : List.of("Accept", "Transport", "Range")) {
            String v = from.headers().get(name);
            if (v != null) {
                to.headers().add(name, v);
            }
        }
    }

    private static int cseqOf(RtspRequest r) {
        return Integer.parseInt(r.headers().get("CSeq"));
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
        if (failed) {
            return;
        }
        failed = true;
        cancelTimers();
        listener.onFailed(reason);
        if (ctx != null) {
            ctx.close();
        }
    }

    private void cancelTimers() {
        if (keepalive != null) {
            keepalive.cancel(false);
        }
        if (liveness != null) {
            liveness.cancel(false);
        }
    }
}
