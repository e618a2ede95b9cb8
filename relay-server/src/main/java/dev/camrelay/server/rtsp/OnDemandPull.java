package dev.camrelay.server.rtsp;

import dev.camrelay.rtsp.client.ClientTls;
import dev.camrelay.server.camera.Camera;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Threading: every check, start and stop runs on one event loop, the same one the camera's pull sessions run on,
 * so that loop stays the single writer of the camera's buffers; {@link #close} may be called from any thread.
 *
 * <p>An on-demand pull camera (contract.md, Ingest): connected while it has viewer sessions and for
 * {@link #IDLE_GRACE_NANOS} after the last one ended, then disconnected and shown {@code idle} until the next
 * viewer arrives. Viewers are counted by polling every {@link #CHECK_PERIOD_MILLIS}, so a session's creation starts
 * the camera within that period.
 */
public final class OnDemandPull implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OnDemandPull.class);

    /** How long the camera stays connected after its last viewer left, so a quick re-open finds it live. */
    public static final long IDLE_GRACE_NANOS = TimeUnit.SECONDS.toNanos(30);
    /** How often the viewer count is looked at. */
    public static final long CHECK_PERIOD_MILLIS = 250;

    private final Camera camera;
    private final RtspServer server;
    private final IntSupplier viewers;
    private final EventLoop loop;
    private final long graceNanos;
    private final ClientTls tls;
    private ScheduledFuture<?> check;
    private volatile PullIngest running;
    private long lastViewerNanos;
    private volatile boolean closed;

    OnDemandPull(Camera camera, RtspServer server, IntSupplier viewers, long graceNanos) {
        this.camera = camera;
        this.server = server;
        this.viewers = viewers;
        this.loop = server.group().next();
        this.graceNanos = graceNanos;
        this.tls = PullIngest.tlsFor(camera);
    }

    /** Watches the camera's viewers from now on; connects only once there is one. */
    public static OnDemandPull start(Camera camera, RtspServer server, IntSupplier viewers) {
        OnDemandPull p = new OnDemandPull(camera, server, viewers, IDLE_GRACE_NANOS);
        camera.attachIngest(p);
        p.check = p.loop.scheduleAtFixedRate(p::check, 0, CHECK_PERIOD_MILLIS, TimeUnit.MILLISECONDS);
        return p;
    }

    private void check() {
        if (closed) {
            return;
        }
        long now = System.nanoTime();
        if (viewers.getAsInt() > 0) {
            lastViewerNanos = now;
            if (running == null) {
                LOG.info("camera {}: on demand: a viewer arrived, connecting", camera.id());
                running = new PullIngest(camera, server, new ReconnectBackoff(), loop, tls);
                running.connectNow();
            }
        } else if (running != null && now - lastViewerNanos > graceNanos) {
            LOG.info("camera {}: on demand: no viewer for {} s, disconnecting", camera.id(),
                    TimeUnit.NANOSECONDS.toSeconds(graceNanos));
            PullIngest stopping = running;
            running = null;
            stopping.stopThen(camera::idle);
        }
    }

    /** True while connected or connecting. */
    public boolean isRunning() {
        return running != null;
    }

    @Override
    public void close() {
        closed = true;
        if (check != null) {
            check.cancel(false);
        }
        PullIngest r = running;
        if (r != null) {
            r.close();
        }
    }
}
