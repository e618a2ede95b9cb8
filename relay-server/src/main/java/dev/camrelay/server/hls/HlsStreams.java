package dev.camrelay.server.hls;

import dev.camrelay.core.session.SessionRegistry;
import dev.camrelay.hls.segment.SegmenterConfig;
import dev.camrelay.server.camera.Camera;
import dev.camrelay.server.camera.CameraRegistry;
import io.netty.util.HashedWheelTimer;
import java.time.InstantSource;
import java.util.Collection;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link HlsStream} per live camera: started when the camera is first seen live (a scan every
 * {@link #SCAN_PERIOD_MILLIS}) or on its first HLS request, whichever comes first, and kept across the camera's
 * epochs. All segmenters run on one dedicated Agrona agent thread; blocked reloads are woken on one "hls-wake" thread
 * (so the segmenter never waits for them) and timed out by one hashed-wheel timer (O(1) to arm and cancel).
 *
 * <p><b>Threading contract:</b> thread-safe. {@link #forCamera} may be called concurrently (one stream per camera,
 * by {@code computeIfAbsent}); {@link #close} once, by the relay's controlling thread.
 */
public final class HlsStreams implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HlsStreams.class);
    /** How often cameras are checked for having gone live, to have segments ready before the first viewer. */
    public static final long SCAN_PERIOD_MILLIS = 250;
    /**
     * Idle back-off of the segmenter thread: spin, yield, then park up to 1 ms, so a published frame waits at most
     * about a millisecond before it is segmented while an idle relay costs little CPU.
     */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Resolution of blocked-reload timeouts (three target durations, 12 s by default): a few ticks late is fine. */
    private static final long TIMEOUT_TICK_MILLIS = 50;

    private final CameraRegistry cameras;
    private final SessionRegistry sessions;
    private final SegmenterConfig config;
    private final InstantSource wallClock;
    private final ConcurrentHashMap<String, HlsStream> streams = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor scheduler;
    private final HashedWheelTimer timeouts;
    private final ExecutorService wake;
    private final SegmenterPool pool;
    private final AgentRunner runner;

    public HlsStreams(CameraRegistry cameras, SessionRegistry sessions, SegmenterConfig config,
                      InstantSource wallClock) {
        this.cameras = cameras;
        this.sessions = sessions;
        this.config = config;
        this.wallClock = wallClock;
        this.scheduler = new ScheduledThreadPoolExecutor(1, daemon("hls-scan"));
        scheduler.setRemoveOnCancelPolicy(true);
        this.timeouts = new HashedWheelTimer(daemon("hls-timeouts"), TIMEOUT_TICK_MILLIS, TimeUnit.MILLISECONDS);
        this.wake = Executors.newSingleThreadExecutor(daemon("hls-wake"));
        this.pool = new SegmenterPool(s -> streams.remove(s.cameraId(), s));
        this.runner = new AgentRunner(new BackoffIdleStrategy(100, 10, 1_000, MAX_PARK_NANOS),
                e -> LOG.error("HLS segmenter thread error", e), null, pool);
        AgentRunner.startOnThread(runner, r -> {
            Thread t = new Thread(r, "hls-segmenter");
            t.setDaemon(true);
            return t;
        });
        scheduler.scheduleWithFixedDelay(this::startLive, SCAN_PERIOD_MILLIS, SCAN_PERIOD_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** The camera's HLS stream, started now if it has none and is live; empty for unknown or never-live cameras. */
    public Optional<HlsStream> forCamera(String cameraId) {
        HlsStream existing = streams.get(cameraId);
        if (existing != null) {
            return Optional.of(existing);
        }
        Optional<Camera> camera = cameras.find(cameraId);
        if (camera.isEmpty() || !camera.get().state().isLive()) {
            return Optional.empty();
        }
        return Optional.of(streams.computeIfAbsent(cameraId, id -> start(camera.get())));
    }

    /** Streams running now. */
    Collection<HlsStream> streams() {
        return streams.values();
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    private HlsStream start(Camera camera) {
        HlsStream s = new HlsStream(camera, cameras, sessions, config, timeouts, wake, wallClock);
        pool.add(s);
        LOG.info("camera {}: HLS stream started", camera.id());
        return s;
    }

    private void startLive() {
        try {
            for (Camera c : cameras.list()) {
                if (c.state().isLive() && !streams.containsKey(c.id())) {
                    forCamera(c.id());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("HLS camera scan failed; retrying", e);
        }
    }

    @Override
    public void close() {
        // segmenters first: they are what publishes, and so wakes and arms timeouts
        runner.close();
        scheduler.shutdownNow();
        wake.shutdownNow();
        timeouts.stop();
        streams.clear();
    }
}
