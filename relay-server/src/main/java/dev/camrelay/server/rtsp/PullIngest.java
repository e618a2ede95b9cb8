package dev.camrelay.server.rtsp;

import dev.camrelay.rtsp.client.ClientTls;
import dev.camrelay.rtsp.client.EpochSink;
import dev.camrelay.rtsp.client.PullOptions;
import dev.camrelay.rtsp.client.Redirects;
import dev.camrelay.rtsp.client.PullSessionListener;
import dev.camrelay.rtsp.client.RtspPullSession;
import dev.camrelay.rtsp.message.RtspEncoder;
import dev.camrelay.rtsp.message.RtspFramer;
import dev.camrelay.rtsp.sdp.ControlUrls;
import dev.camrelay.rtsp.sdp.MediaDescription;
import dev.camrelay.server.camera.Camera;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threading: every state change runs on one event loop chosen at construction (connect, session events, reconnect
 * timer), so that loop is the single writer of the camera's buffers across reconnections; {@link #close} may be
 * called from any thread.
 *
 * <p>Keeps one pull camera connected through {@link RtspPullSession}s (protocols.md 1). Transport (1.4): UDP first
 * unless the camera spec forces TCP ({@code forceTcp}, for cameras whose UDP corrupts, mediamtx#414); once UDP
 * failed for this camera (461, a TCP answer, or no datagram within 3 s of PLAY) every later connection of this
 * ingest uses TCP, and the camera's {@code transport} says so and why. A session that found UDP silent is followed
 * at once by a TCP one (which describes again: Hikvision), a DESCRIBE redirect at once by a connection to the new
 * location, at most {@link Redirects#MAX_REDIRECTS} in a row. Each session that plays is a new epoch of the camera;
 * when one fails, the camera shows {@code reconnecting} with the reason and when the next attempt is, and the next
 * attempt follows a capped exponential backoff with jitter ({@link ReconnectBackoff}), from the configured URL again.
 * Stopped for good when the camera is deleted (the camera calls {@link #close}): the session sends TEARDOWN.
 *
 * <p>An {@code rtsps://} URL (the source, or a redirect's target: an rtsps source is never redirected to rtsp,
 * {@link Redirects}) is reached over TLS ({@link ClientTls}, default port 322) with the camera's certificate check
 * ({@code tlsFingerprint}, {@code tlsVerify}); its media is always interleaved inside the TLS connection (SRTP over
 * UDP is not supported). A refused certificate fails the attempt with the check's reason, shown as the camera's
 * state reason, and is retried with backoff like any failure.
 */
public final class PullIngest implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PullIngest.class);

    /** TCP connect bound; a camera that does not accept within it is retried with backoff. */
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final Camera camera;
    private final RtspServer server;
    private final EventLoop loop;
    private final ReconnectBackoff backoff;
    private final boolean forceTcp;
    private ClientTls tls;
    private volatile boolean closed;
    private volatile Channel channel;
    private volatile RtspPullSession session;
    private Future<?> retry;
    private long attempts;
    private int redirects;
    private String udpFailure;

    /** @param tls the camera's TLS context ({@link #tlsFor}), made on the control plane; null for an rtsp source */
    PullIngest(Camera camera, RtspServer server, ReconnectBackoff backoff, EventLoop loop, ClientTls tls) {
        this.camera = camera;
        this.server = server;
        this.loop = loop;
        this.backoff = backoff;
        this.forceTcp = Boolean.TRUE.equals(camera.spec().forceTcp());
        this.tls = tls;
    }

    /**
     * The TLS context of an rtsps camera, null for an rtsp one; made on the control plane, so the event loop does not
     * read the trust store.
     */
    static ClientTls tlsFor(Camera camera) {
        return camera.spec().isTls() ? ClientTls.of(camera.spec().tlsTrust()) : null;
    }

    /** Starts pulling the camera; returns at once. */
    public static PullIngest start(Camera camera, RtspServer server) {
        PullIngest ingest = new PullIngest(camera, server, new ReconnectBackoff(), server.group().next(),
                tlsFor(camera));
        camera.attachIngest(ingest);
        ingest.loop.execute(ingest::connectToSource);
        return ingest;
    }

    /** Connects now; on {@link #loop} only (the on-demand owner runs there). */
    void connectNow() {
        connectToSource();
    }

    /**
     * Stops for good without blocking (on {@link #loop} only): no further attempt, the session ends with TEARDOWN,
     * and {@code then} runs on the loop once the connection is closed.
     */
    void stopThen(Runnable then) {
        closed = true;
        if (retry != null) {
            retry.cancel(false);
        }
        Channel c = channel;
        if (c == null) {
            then.run();
        } else {
            c.closeFuture().addListener(f -> then.run());
            endSession();
        }
    }

    /** Connects to the configured URL (a redirect chain starts afresh). */
    private void connectToSource() {
        redirects = 0;
        connect(camera.spec().source());
    }

    private void connect(String url) {
        if (closed) {
            return;
        }
        attempts++;
        URI uri = URI.create(url);
        String host = uri.getHost();
        boolean secure = ClientTls.isTls(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : ClientTls.defaultPort(uri.getScheme());
        boolean udp = !secure && !forceTcp && udpFailure == null;
        PullOptions options = udp ? PullOptions.udpFirst(server.datagramChannel(), server.counters())
                : new PullOptions(null, server.counters());
        EpochSink epoch = new EpochSink(camera.sink(), camera::reportGopFrames);
        Events events = new Events(epoch, host + ":" + port, secure);
        ClientTls context = secure ? tls() : null;
        RtspPullSession s = new RtspPullSession(url, epoch, events, options);
        events.session = s;
        session = s;
        ChannelFuture f = new Bootstrap().group(loop).channel(server.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        if (context != null) {
                            ch.pipeline().addLast(context.newHandler(ch.alloc(), host, port));
                        }
                        ch.pipeline().addLast(new RtspFramer(), new RtspEncoder(), s);
                    }
                }).connect(host, port);
        channel = f.channel();
        f.addListener((ChannelFuture done) -> {
            if (!done.isSuccess()) {
                failed(epoch, "cannot connect to " + host + ":" + port + ": " + done.cause().getMessage(), false);
            }
        });
    }

    /** The TLS context of this camera (made on first use when an rtsp:// source redirects to rtsps://). */
    private ClientTls tls() {
        if (tls == null) {
            tls = ClientTls.of(camera.spec().tlsTrust());
        }
        return tls;
    }

    /** What the camera's {@code transport} shows for a session that plays. */
    private String transportShown(RtspPullSession s, boolean secure) {
        if (secure) {
            return "tcp (rtsps: RTP interleaved inside TLS, " + tls().trust().describe() + ")";
        }
        if (s.usesUdp()) {
            return "udp";
        }
        if (forceTcp) {
            return "tcp (forced by the camera's forceTcp)";
        }
        String why = s.fallbackReason() != null ? s.fallbackReason() : udpFailure;
        return why == null ? "tcp" : "tcp (UDP fallback: " + why + ")";
    }

    /** Session events of one connection; all on {@link #loop}. */
    private final class Events implements PullSessionListener {
        private final EpochSink epoch;
        private final String where;
        private final boolean secure;
        private RtspPullSession session;
        private boolean playing;

        Events(EpochSink epoch, String where, boolean secure) {
            this.epoch = epoch;
            this.where = where;
            this.secure = secure;
        }

        @Override
        public void onPlaying(List<MediaDescription> tracks) {
            if (closed) {
                return;
            }
            if (session.triedUdp() && !session.usesUdp() && udpFailure == null) {
                udpFailure = session.fallbackReason();
            }
            String transport = transportShown(session, secure);
            camera.reportTransport(transport); // before live: whoever sees live sees how
            try {
                epoch.start(tracks);
            } catch (IllegalStateException e) {
                return; // the camera was deleted meanwhile; close() stops this ingest
            }
            playing = true;
            backoff.reset();
            LOG.info("camera {}: pulling from {} over {} ({} track(s))", camera.id(), where, transport,
                    tracks.size());
        }

        @Override
        public void onFailed(String reason) {
            if (session.tlsFailed()) {
                server.counters().tlsFailed();
            }
            failed(epoch, reason, playing);
        }

        @Override
        public void onSwitchToTcp(String reason) {
            if (closed) {
                return;
            }
            udpFailure = reason;
            LOG.info("camera {}: {} from {}; connecting again over TCP", camera.id(), reason, where);
            epoch.stop(reason + "; connecting again over TCP", true);
            connectToSource();
        }

        @Override
        public void onRedirect(String url) {
            if (closed) {
                return;
            }
            String shown = ControlUrls.withoutCredentials(url);
            if (++redirects > Redirects.MAX_REDIRECTS) {
                failed(epoch, "more than " + Redirects.MAX_REDIRECTS + " redirects in a row (last to " + shown + ")",
                        false);
                return;
            }
            LOG.info("camera {}: DESCRIBE redirected to {}", camera.id(), shown);
            connect(url);
        }
    }

    private void failed(EpochSink epoch, String reason, boolean wasPlaying) {
        if (closed || loop.isShuttingDown()) {
            return; // deleted, or the relay is stopping: the camera is shut down by its owner
        }
        long delay = backoff.nextDelayMillis();
        String shown = reason + "; next attempt in " + String.format(Locale.ROOT, "%.1f", delay / 1000.0)
                + " s (at " + Instant.now().plusMillis(delay) + ", attempt " + (attempts + 1) + ")";
        // The epoch ends whether or not it started: the camera shows reconnecting with the reason either way.
        epoch.stop(shown, true);
        LOG.info("camera {}: {}{}", camera.id(), shown, wasPlaying ? "" : " (never played)");
        retry = loop.schedule(this::connectToSource, delay, TimeUnit.MILLISECONDS);
    }

    /** Connection attempts so far, the first included (a redirect or a switch to TCP is an attempt too). */
    public long attempts() {
        return attempts;
    }

    /** Ends the current session (TEARDOWN and close), or closes a connection that is still being made. */
    private void endSession() {
        RtspPullSession s = session;
        if (s != null) {
            s.stop();
        }
        Channel c = channel;
        if (c != null && !c.isActive()) {
            c.close();
        }
    }

    /** Stops pulling: no further attempt, TEARDOWN, and the connection is closed (waited for, bounded). */
    @Override
    public void close() {
        closed = true;
        Channel c = channel;
        if (!loop.isShuttingDown()) {
            loop.execute(() -> {
                if (retry != null) {
                    retry.cancel(false);
                }
                endSession();
            });
        }
        if (c != null && !c.closeFuture().awaitUninterruptibly(RtspServer.CLOSE_TIMEOUT_MILLIS)) {
            c.close().awaitUninterruptibly(RtspServer.CLOSE_TIMEOUT_MILLIS);
        }
    }
}
