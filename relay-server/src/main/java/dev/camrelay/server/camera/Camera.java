package dev.camrelay.server.camera;

import dev.camrelay.core.buffer.StreamBuffer;
import dev.camrelay.core.ingest.IngestSink;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.StreamKey;
import dev.camrelay.server.config.CameraSpec;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One camera: its definition, its state, its current stream (buffer of the current epoch) and the counters the API
 * and {@code /metrics} show.
 *
 * <p>Threading: the {@link #sink()} is called only by the camera's ingest thread (the single writer of its buffers,
 * {@link IngestSink}); everything else is thread-safe: state, buffer and epoch are published through volatile fields,
 * counters are read from the buffers' own monitoring getters.
 */
public final class Camera {

    private static final Logger LOG = LoggerFactory.getLogger(Camera.class);

    private final CameraSpec spec;
    private final long fingerprint;
    private final Instant createdAt;
    private final String note;
    private final int bufferBytes;
    private final EpochSource epochs;
    private final Sink sink = new Sink();
    private final IngestRate rate = new IngestRate();

    private volatile CameraState state = CameraState.IDLE;
    private volatile StreamBuffer current;
    private volatile StreamFormat format;
    private volatile long epoch;
    private volatile AutoCloseable ingest;
    private volatile boolean removed;
    private volatile int gopFrames;
    private volatile String transport;

    // Totals of sealed epochs; written only by the ingest thread, read by monitors.
    private volatile long retiredFrames;
    private volatile long retiredBytes;
    private volatile long retiredRejected;
    // What monitors were last shown, so a counter never appears to go back while an epoch is being swapped.
    private final AtomicLong shownFrames = new AtomicLong();
    private final AtomicLong shownBytes = new AtomicLong();
    private final AtomicLong shownRejected = new AtomicLong();

    Camera(CameraSpec spec, Instant createdAt, String note, int bufferBytes, EpochSource epochs) {
        this.spec = spec;
        this.fingerprint = StreamKey.fingerprint(spec.id());
        this.createdAt = createdAt;
        this.note = note;
        this.bufferBytes = bufferBytes;
        this.epochs = epochs;
    }

    public String id() {
        return spec.id();
    }

    public CameraSpec spec() {
        return spec;
    }

    long fingerprint() {
        return fingerprint;
    }

    public Instant createdAt() {
        return createdAt;
    }

    /** Operator-facing remark, e.g. that RTSP ingest is not there yet; "" if none. */
    public String note() {
        return note;
    }

    public CameraState state() {
        return state;
    }

    /** The current epoch's buffer while the camera is live. */
    public Optional<StreamBuffer> currentBuffer() {
        return Optional.ofNullable(current);
    }

    /** The latest epoch, 0 before the camera was first live. */
    public long epoch() {
        return epoch;
    }

    /** The latest epoch's tracks, empty before the camera was first live. */
    public Optional<StreamFormat> format() {
        return Optional.ofNullable(format);
    }

    /** The ingest's sink: its {@code startEpoch} and {@code stopped} drive this camera's state. */
    public IngestSink sink() {
        return sink;
    }

    /** The ingest (demo loop, later RTSP) that feeds {@link #sink()}; closed when the camera is deleted. */
    public void attachIngest(AutoCloseable running) {
        this.ingest = running;
    }

    /** Frames between keyframes, when the ingest knows it; empty otherwise. */
    public OptionalInt gopFrames() {
        int g = gopFrames;
        return g > 0 ? OptionalInt.of(g) : OptionalInt.empty();
    }

    /** How the RTSP ingest carries the camera's media now, e.g. {@code udp} or {@code tcp (UDP fallback: ...)}. */
    public Optional<String> transport() {
        return Optional.ofNullable(transport);
    }

    /** Set by the RTSP ingest when a session starts carrying media. */
    public void reportTransport(String description) {
        this.transport = description;
    }

    /** Lets an ingest that knows its GOP (the demo clip, an SPS-aware depacketizer) report it. */
    public void reportGopFrames(int frames) {
        this.gopFrames = frames;
    }

    /**
     * The ingest stopped on purpose (an on-demand camera whose last viewer left): ends the epoch and shows
     * {@code idle}. Called by the camera's ingest thread, like {@link #sink()}.
     */
    public void idle() {
        StreamBuffer old = current;
        if (old != null) {
            old.seal();
            retire(old);
        }
        current = null;
        rate.reset();
        state = CameraState.IDLE;
        LOG.info("camera {}: idle (ingest stopped on purpose)", id());
    }

    public IngestRate rate() {
        return rate;
    }

    public long framesIn() {
        StreamBuffer b = current;
        return monotonic(shownFrames, retiredFrames + (b == null ? 0 : b.framesPublished()));
    }

    public long bytesIn() {
        StreamBuffer b = current;
        return monotonic(shownBytes, retiredBytes + (b == null ? 0 : b.bytesPublished()));
    }

    public long framesRejected() {
        StreamBuffer b = current;
        return monotonic(shownRejected, retiredRejected + (b == null ? 0 : b.framesRejectedTooLarge()));
    }

    private static long monotonic(AtomicLong shown, long computed) {
        return shown.accumulateAndGet(computed, Math::max);
    }

    void sampleRate(long nanoTime) {
        rate.sample(nanoTime, bytesIn(), framesIn());
    }

    /**
     * Stops the ingest and ends the current epoch. Called once, by the registry, when the camera is deleted or the
     * relay stops. The ingest's {@code close()} stops its writer thread before returning, so sealing here does not
     * race a publish.
     */
    void shutDown() {
        removed = true;
        AutoCloseable running = ingest;
        if (running != null) {
            try {
                running.close();
            } catch (Exception e) {
                LOG.warn("camera {}: stopping its ingest failed: {}", id(), e.toString());
            }
        }
        StreamBuffer b = current;
        if (b != null) {
            b.seal();
            retire(b);
        }
        current = null;
        state = CameraState.IDLE;
    }

    private void retire(StreamBuffer b) {
        retiredFrames += b.framesPublished();
        retiredBytes += b.bytesPublished();
        retiredRejected += b.framesRejectedTooLarge();
    }

    @Override
    public String toString() {
        return "Camera[" + id() + ", " + state.label() + ", epoch " + epoch + "]";
    }

    /** This camera's {@link IngestSink}; see the class comment for its threading. */
    private final class Sink implements IngestSink {

        @Override
        public StreamBuffer startEpoch(StreamFormat newFormat) {
            if (removed) {
                throw new IllegalStateException("camera " + id() + " was deleted; its ingest must stop");
            }
            StreamBuffer old = current;
            long newEpoch = epochs.next();
            StreamBuffer fresh = new StreamBuffer(new StreamKey(id(), newEpoch, StreamKey.SOURCE_RENDITION),
                    newFormat, bufferBytes);
            if (old != null) {
                old.seal();
                retire(old);
            }
            // Order: buffer before epoch before state, so whoever sees "live" finds the new buffer.
            format = newFormat;
            current = fresh;
            epoch = newEpoch;
            rate.reset();
            state = CameraState.LIVE;
            LOG.info("camera {}: live, epoch {} ({})", id(), newEpoch, FormatFacts.describe(newFormat));
            return fresh;
        }

        @Override
        public void stopped(String reason, boolean willRetry) {
            StreamBuffer old = current;
            if (old != null) {
                old.seal();
                retire(old);
            }
            current = null;
            rate.reset();
            state = willRetry ? CameraState.reconnecting(reason) : CameraState.failed(reason);
            LOG.info("camera {}: {} ({})", id(), state.label(), reason);
        }
    }
}
