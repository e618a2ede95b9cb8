package dev.camrelay.server.camera;

/**
 * Bitrate and frame rate of one camera's ingest over a sliding window, computed from periodic samples of the
 * camera's monotonic byte and frame totals, so nothing is added to the ingest's hot path.
 *
 * <p>Threading: {@link #sample} from the relay's sweeper thread, the getters from any thread; all synchronized
 * (control plane, a few times per second).
 */
public final class IngestRate {

    /** Samples kept: at the sweeper's 500 ms period, a 5 s window, long enough to smooth over one GOP. */
    public static final int WINDOW_SAMPLES = 11;

    private final long[] nanos = new long[WINDOW_SAMPLES];
    private final long[] bytes = new long[WINDOW_SAMPLES];
    private final long[] frames = new long[WINDOW_SAMPLES];
    private int next;
    private int count;

    public synchronized void sample(long nanoTime, long totalBytes, long totalFrames) {
        nanos[next] = nanoTime;
        bytes[next] = totalBytes;
        frames[next] = totalFrames;
        next = (next + 1) % WINDOW_SAMPLES;
        count = Math.min(count + 1, WINDOW_SAMPLES);
    }

    /** Forgets the window, e.g. when a new epoch starts (its rate is not the old one's). */
    public synchronized void reset() {
        count = 0;
    }

    /** Bits per second over the window, 0 until two samples exist. */
    public synchronized long bitsPerSecond() {
        double seconds = seconds();
        return seconds <= 0 ? 0 : Math.round((bytes[newest()] - bytes[oldest()]) * 8 / seconds);
    }

    /** Frames per second over the window, 0 until two samples exist. */
    public synchronized double framesPerSecond() {
        double seconds = seconds();
        return seconds <= 0 ? 0 : (frames[newest()] - frames[oldest()]) / seconds;
    }

    private double seconds() {
        return count < 2 ? 0 : (nanos[newest()] - nanos[oldest()]) / 1e9;
    }

    private int newest() {
        return (next - 1 + WINDOW_SAMPLES) % WINDOW_SAMPLES;
    }

    private int oldest() {
        return (next - count + WINDOW_SAMPLES) % WINDOW_SAMPLES;
    }
}
