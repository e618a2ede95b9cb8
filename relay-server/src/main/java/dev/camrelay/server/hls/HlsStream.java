package dev.camrelay.server.hls;

import dev.camrelay.core.buffer.FrameView;
import dev.camrelay.core.buffer.StreamBuffer;
import dev.camrelay.core.buffer.StreamReader;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.StreamKey;
import dev.camrelay.core.session.SessionRegistry;
import dev.camrelay.hls.playlist.MediaPlaylistRenderer;
import dev.camrelay.hls.playlist.MediaPlaylistSnapshot;
import dev.camrelay.hls.segment.SegmentStore;
import dev.camrelay.hls.segment.SegmenterConfig;
import dev.camrelay.hls.segment.StreamSegmenter;
import dev.camrelay.server.camera.Camera;
import dev.camrelay.server.camera.CameraRegistry;
import dev.camrelay.server.http.SharedBody;
import io.netty.util.Timer;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One camera's LL-HLS output: a segmenter fed from the camera's current stream, its own {@link SegmentStore}, and
 * the playlist requests blocked on it. It outlives the camera's epochs: when a stream ends and the camera has a newer
 * epoch, the segmenter starts that epoch (an {@code EXT-X-DISCONTINUITY} and a new init section, RFC 8216bis
 * §4.4.4.3) reading through a fresh reader, so playlists continue with the same media sequence.
 *
 * <p><b>Threading contract:</b> {@link #doWork()} runs only on the HLS segmenter thread ({@link SegmenterPool}),
 * which owns the reader and the segmenter and is the store's single writer; {@link #epoch()}, {@link #format()},
 * {@link #store()}, {@link #awaitPlaylist} and {@link #isDone()} are thread-safe (volatile fields, the store's
 * release/acquire states, {@link PlaylistWaiters}), and so is {@link #rendered} (an immutable cache entry per
 * snapshot, published through a volatile field).
 */
final class HlsStream implements Agent {

    private static final Logger LOG = LoggerFactory.getLogger(HlsStream.class);
    /** Frames per duty cycle at most, so one busy camera cannot hold the shared segmenter thread for long. */
    static final int MAX_FRAMES_PER_WORK = 64;
    /** An arrival stamp older than this is not believed (a wrapped or foreign stamp): the store's clock says now. */
    static final long MAX_ARRIVAL_AGE_MICROS = 10_000_000;

    private final Camera camera;
    private final CameraRegistry cameras;
    private final SessionRegistry sessions;
    private final SegmenterConfig config;
    private final SegmentStore store;
    private final PlaylistWaiters waiters;
    private final InstantSource wallClock;

    private volatile Rendered lastRendered;

    private StreamSegmenter segmenter;
    private StreamReader reader;
    /** Segmenter thread: the frame being segmented now, or null ({@link #storeClock}). */
    private FrameView segmenting;
    /** The reader found the ring empty on its last poll: the next frame is read the moment it is published. */
    private boolean caughtUp;
    private volatile long epoch;
    private volatile StreamFormat format;
    private volatile boolean done;
    /** The segmenter's count, copied after each busy duty cycle for other threads (metrics). */
    private volatile long shortParts;

    HlsStream(Camera camera, CameraRegistry cameras, SessionRegistry sessions, SegmenterConfig config,
              Timer timeouts, Executor wake, InstantSource wallClock) {
        this.camera = camera;
        this.cameras = cameras;
        this.sessions = sessions;
        this.config = config;
        this.store = new SegmentStore(config, this::published, this::storeClock);
        this.waiters = new PlaylistWaiters(store::playlist, timeouts, wake);
        this.wallClock = wallClock;
    }

    String cameraId() {
        return camera.id();
    }

    Camera camera() {
        return camera;
    }

    SegmenterConfig config() {
        return config;
    }

    /** The epoch the segmenter is writing now (0 before its first): the only epoch whose media is served. */
    long epoch() {
        return epoch;
    }

    /** The current epoch's tracks, or null before the first. */
    StreamFormat format() {
        return format;
    }

    SegmentStore store() {
        return store;
    }

    /**
     * The playlist rendered for a playback bound to {@code boundEpoch} (older epochs left out,
     * {@link MediaPlaylistSnapshot#fromEpoch}), once per published snapshot, view and variant (full or delta update):
     * every viewer at the live edge asks for the same snapshot, so a thousand blocked reloads cost one rendering, not a
     * thousand, and share its memory and header block ({@link SharedBody}).
     */
    SharedBody rendered(MediaPlaylistSnapshot snapshot, long boundEpoch, boolean deltaUpdate) {
        Rendered r = lastRendered;
        if (r == null || r.snapshot != snapshot) {
            r = new Rendered(snapshot);
            lastRendered = r;
        }
        MediaPlaylistSnapshot view = snapshot.fromEpoch(boundEpoch);
        if (view == snapshot) {
            return r.body(deltaUpdate);
        }
        // Only right after a camera restart: the players that crossed into the new epoch, or joined then.
        Rendered v = r.view;
        if (v == null || v.firstMsn != view.mediaSequence()) {
            v = new Rendered(view);
            r.view = v;
        }
        return v.body(deltaUpdate);
    }

    /** One snapshot's renderings, made on first use; racing threads at worst render twice (equal bodies). */
    private static final class Rendered {
        final MediaPlaylistSnapshot snapshot;
        final long firstMsn;
        volatile SharedBody full;
        volatile SharedBody delta;
        /** The snapshot without its older epochs, when a playback asked for that. */
        volatile Rendered view;

        Rendered(MediaPlaylistSnapshot snapshot) {
            this.snapshot = snapshot;
            this.firstMsn = snapshot.mediaSequence();
        }

        SharedBody body(boolean deltaUpdate) {
            SharedBody b = deltaUpdate ? delta : full;
            if (b == null) {
                b = new SharedBody(HlsApi.PLAYLIST_TYPE, HlsApi.PLAYLIST_HEADERS,
                        MediaPlaylistRenderer.render(snapshot, deltaUpdate).getBytes(StandardCharsets.UTF_8));
                if (deltaUpdate) {
                    delta = b;
                } else {
                    full = b;
                }
            }
            return b;
        }
    }

    /** Parts under 85 % of PART-TARGET, neither independent nor last ({@link StreamSegmenter#shortParts()}). */
    long shortParts() {
        return shortParts;
    }

    /** Blocked playlist requests held now. */
    int waiting() {
        return waiters.size();
    }

    boolean isDone() {
        return done;
    }

    /**
     * See {@link PlaylistWaiters#await}: completes with null on timeout. Non-async continuations run on the thread
     * that completes the future (the HLS wake thread, the timeout timer, or the caller) and must not block.
     */
    CompletableFuture<MediaPlaylistSnapshot> awaitPlaylist(long msn, int part, long timeoutMillis) {
        return waiters.await(msn, part, timeoutMillis);
    }

    /** As above; a publish completes it on {@code completeOn} (the request's event loop; null: the wake thread). */
    CompletableFuture<MediaPlaylistSnapshot> awaitPlaylist(long msn, int part, long timeoutMillis,
                                                           Executor completeOn) {
        return waiters.await(msn, part, timeoutMillis, completeOn);
    }

    /** The first playlist satisfying {@code condition} (or ended); null on timeout. As above. */
    CompletableFuture<MediaPlaylistSnapshot> awaitPlaylist(Predicate<MediaPlaylistSnapshot> condition,
                                                           long timeoutMillis) {
        return waiters.await(condition, timeoutMillis);
    }

    /** As above; a publish completes it on {@code completeOn} (the request's event loop; null: the wake thread). */
    CompletableFuture<MediaPlaylistSnapshot> awaitPlaylist(Predicate<MediaPlaylistSnapshot> condition,
                                                           long timeoutMillis, Executor completeOn) {
        return waiters.await(condition, timeoutMillis, completeOn);
    }

    private void published() {
        waiters.published();
    }

    /**
     * The store's clock, which dates each part's publication
     * ({@link dev.camrelay.hls.segment.StoredPart#publishedNanos}) and its retention: while a frame is being
     * segmented, the moment that frame reached the relay (the ring's arrival stamp, {@link FrameView#arrivalMicros}),
     * since a part is complete once the frame after it has come. So the held-reload latency ({@link ReloadLatency})
     * runs from that frame's arrival, the segmenter's poll and muxing included (issue 4 §6), not from the store's
     * publication. Otherwise (or for a stamp that is not plausible) now.
     */
    private long storeClock() {
        long now = System.nanoTime();
        if (segmenting == null) {
            return now;
        }
        long ago = (int) (now / 1000) - segmenting.arrivalMicros(); // the stamp's 32 bits wrap: an int difference
        return ago >= 0 && ago <= MAX_ARRIVAL_AGE_MICROS ? now - ago * 1000 : now;
    }

    @Override
    public int doWork() {
        if (done) {
            return 0;
        }
        if (reader == null) {
            return follow();
        }
        int work = 0;
        while (work < MAX_FRAMES_PER_WORK) {
            final int status = reader.poll();
            if (status == StreamReader.FRAME) {
                segmenting = reader.frame();
                segmenter.onFrame(segmenting, caughtUp);
                segmenting = null;
                caughtUp = false;
                work++;
            } else if (status == StreamReader.END_OF_STREAM) {
                // The epoch ended (camera restarted or stopped); the next one, if any, is picked up by follow().
                reader.close();
                reader = null;
                return work + 1;
            } else if (status == StreamReader.CLOSED) {
                // Closed under us: an isolation violation closes a reader (fail closed). Serve nothing more.
                LOG.error("camera {}: HLS reader closed unexpectedly; ending its HLS stream", camera.id());
                finish();
                return work + 1;
            } else {
                caughtUp = true;
                break;
            }
        }
        if (work > 0 && segmenter.shortParts() != shortParts) {
            shortParts = segmenter.shortParts();
        }
        return work;
    }

    /** Opens the camera's newer epoch when there is one; ends the stream when the camera was deleted. */
    private int follow() {
        if (cameras.find(camera.id()).orElse(null) != camera) {
            finish();
            return 1;
        }
        if (camera.epoch() <= epoch) {
            return 0;
        }
        Optional<StreamBuffer> buffer = cameras.current(camera.id(), StreamKey.SOURCE_RENDITION);
        if (buffer.isEmpty()) {
            return 0;
        }
        long next = buffer.get().key().epoch();
        StreamFormat nextFormat = buffer.get().format();
        Optional<StreamReader> opened = sessions.openStreamReader(camera.id(), StreamKey.SOURCE_RENDITION);
        if (opened.isEmpty()) {
            return 0;
        }
        if (opened.get().expectedKey().epoch() != next) {
            opened.get().close(); // the camera moved on again between the two look-ups; retry next cycle
            return 0;
        }
        try {
            if (segmenter == null) {
                segmenter = new StreamSegmenter(next, nextFormat, config, store, wallClock);
            } else {
                segmenter.startEpoch(next, nextFormat);
            }
        } catch (IllegalArgumentException e) {
            LOG.warn("camera {}: epoch {} has no track HLS can carry: {}", camera.id(), next, e.getMessage());
            opened.get().close();
            epoch = next;
            return 1;
        }
        format = nextFormat;
        epoch = next;
        reader = opened.get();
        caughtUp = false; // a new reader starts at the latest keyframe: a backlog
        LOG.info("camera {}: HLS segmenter on epoch {}", camera.id(), next);
        return 1;
    }

    private void finish() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
        if (segmenter != null) {
            segmenter.end();
        }
        // The camera is gone (its sessions with it) or its reader failed closed: nothing more is served, and the
        // media memory is let go now (responses in flight keep theirs until written).
        store.close();
        done = true;
        waiters.published();
    }

    /** On the segmenter thread when the stream leaves it (done, failed, or the relay stops): lets go of everything. */
    @Override
    public void onClose() {
        if (reader != null) {
            reader.close();
            reader = null;
        }
        store.close();
        done = true;
    }

    @Override
    public String roleName() {
        return "hls-" + camera.id();
    }
}
