package dev.camrelay.server.rtsp;

import dev.camrelay.rtsp.client.EpochSink;
import dev.camrelay.rtsp.client.RtspPullSession;
import dev.camrelay.rtsp.message.RtspEncoder;
import dev.camrelay.rtsp.message.RtspFramer;
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
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threading: every state change runs on one event loop chosen at construction (connect, session events, reconnect
 * timer), so that loop is the single writer of the camera's buffers across reconnections; {@link #close} may be
 * called from any thread.
 *
 * <p>Keeps one pull camera connected: an {@link RtspPullSession} over TCP interleaved (protocols.md 1; the session
 * is TCP-only for now, so every camera is pulled as if {@code forceTcp}); each session that reaches PLAY is a new
 * epoch of the camera; when it fails, the camera shows {@code reconnecting} with the reason and when the next
 * attempt is, and the next attempt follows a capped exponential backoff with jitter ({@link ReconnectBackoff}).
 * Stopped for good when the camera is deleted (the camera calls {@link #close}).
 */
public final class PullIngest implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PullIngest.class);

    /** RFC 2326 §3.2: the default RTSP port. */
    static final int DEFAULT_RTSP_PORT = 554;
    /** TCP connect bound; a camera that does not accept within it is retried with backoff. */
    static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    private final Camera camera;
    private final RtspServer server;
    private final EventLoop loop;
    private final ReconnectBackoff backoff;
    private final String host;
    private final int port;
    private volatile boolean closed;
    private volatile Channel channel;
    private Future<?> retry;
    private long attempts;

    PullIngest(Camera camera, RtspServer server, ReconnectBackoff backoff, EventLoop loop) {
        this.camera = camera;
        this.server = server;
        this.loop = loop;
        this.backoff = backoff;
        URI uri = URI.create(camera.spec().source());
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : DEFAULT_RTSP_PORT;
    }

    /** Starts pulling the camera; returns at once. */
    public static PullIngest start(Camera camera, RtspServer server) {
        PullIngest ingest = new PullIngest(camera, server, new ReconnectBackoff(), server.group().next());
        camera.attachIngest(ingest);
        ingest.loop.execute(ingest::connect);
        return ingest;
    }

    /** Connects now; on {@link #loop} only (the on-demand owner runs there). */
    void connectNow() {
        connect();
    }

    /**
     * Stops for good without blocking (on {@link #loop} only): no further attempt, the connection is closed, and
     * {@code then} runs on the loop once it is.
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
            c.close().addListener(f -> then.run());
        }
    }

    private void connect() {
        if (closed) {
            return;
        }
        attempts++;
        EpochSink epoch = new EpochSink(camera.sink());
        RtspPullSession session = new RtspPullSession(camera.spec().source(), epoch, new Events(epoch));
        ChannelFuture f = new Bootstrap().group(loop).channel(server.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new RtspFramer(), new RtspEncoder(), session);
                    }
                }).connect(host, port);
        channel = f.channel();
        f.addListener((ChannelFuture done) -> {
            if (!done.isSuccess()) {
                failed(epoch, "cannot connect to " + host + ":" + port + ": " + done.cause().getMessage(), false);
            }
        });
    }

    /** Session events of one connection; all on {@link #loop}. */
    private final class Events implements RtspPullSession.Listener {
        private final EpochSink epoch;
        private boolean playing;

        Events(EpochSink epoch) {
            this.epoch = epoch;
        }

        @Override
        public void onPlaying(List<MediaDescription> tracks) {
            if (closed) {
                return;
            }
            try {
                epoch.start(tracks);
            } catch (IllegalStateException e) {
                return; // the camera was deleted meanwhile; close() stops this ingest
            }
            playing = true;
            backoff.reset();
            LOG.info("camera {}: pulling from {}:{} ({} track(s))", camera.id(), host, port, tracks.size());
        }

        @Override
        public void onFailed(String reason) {
            failed(epoch, reason, playing);
        }
    }

    private void failed(EpochSink epoch, String reason, boolean wasPlaying) {
        if (closed || loop.isShuttingDown()) {
            return; // deleted, or the relay is stopping: the camera is shut down by its owner
        }
        long delay = backoff.nextDelayMillis();
        String shown = reason + "; next attempt in " + String.format(java.util.Locale.ROOT, "%.1f", delay / 1000.0)
                + " s (at " + Instant.now().plusMillis(delay) + ", attempt " + (attempts + 1) + ")";
        // The epoch ends whether or not it started: the camera shows reconnecting with the reason either way.
        epoch.stop(shown, true);
        LOG.info("camera {}: {}{}", camera.id(), shown, wasPlaying ? "" : " (never played)");
        retry = loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    /** Connection attempts so far, the first included. */
    public long attempts() {
        return attempts;
    }

    /** Stops pulling: no further attempt, and the current connection is closed (waited for, bounded). */
    @Override
    public void close() {
        closed = true;
        if (!loop.isShuttingDown()) {
            loop.execute(() -> {
                if (retry != null) {
                    retry.cancel(false);
                }
            });
        }
        Channel c = channel;
        if (c != null) {
            c.close().awaitUninterruptibly(RtspServer.CLOSE_TIMEOUT_MILLIS);
        }
    }
}
