package dev.camrelay.server.webrtc;

import dev.camrelay.core.buffer.FrameView;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * One writer (the sender thread, {@link #record}, wait-free and allocation-free: HdrHistogram's {@link Recorder})
 * and any number of readers ({@link #snapshot}, synchronized among themselves).
 *
 * <p>The relay-internal latency of WebRTC egress: from the moment a camera's ingest published a video frame into its
 * stream buffer to the moment the sender handed that frame's last packet, SRTP-protected, to the UDP event loop, per
 * session (issue 5 §8). Only live frames count: the burst a new reader sends from the latest keyframe (the GOP
 * before the viewer came) is first-frame time, not latency, and is left out. Frames older than
 * {@link #MAX_MICROS} (a clock wrap or a stalled reader) are left out and counted.
 */
final class FrameLatency {

    /** Largest latency recorded: anything later is not "latency" but a stall, counted separately. */
    static final long MAX_MICROS = TimeUnit.SECONDS.toMicros(10);

    private final Recorder recorder = new Recorder(MAX_MICROS, 3);
    private final Histogram total = new Histogram(MAX_MICROS, 3);
    private Histogram interval;
    private volatile long outOfRange;

    /** Sender thread: the frame's last packet was handed to the event loop at {@code nowNanos}. */
    void record(FrameView frame, long nowNanos) {
        long micros = (int) (nowNanos / 1000) - frame.arrivalMicros();
        if (micros < 0 || micros > MAX_MICROS) {
            outOfRange = outOfRange + 1;
            return;
        }
        recorder.recordValue(micros);
    }

    /**
     * The latencies recorded since the previous call (in microseconds), folded into the running total too.
     *
     * @return a copy the caller owns
     */
    synchronized Snapshot snapshot() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        return new Snapshot(interval.copy(), total.copy());
    }

    long outOfRange() {
        return outOfRange;
    }

    /** Since the previous snapshot, and since the start. */
    record Snapshot(Histogram interval, Histogram total) {
    }
}
