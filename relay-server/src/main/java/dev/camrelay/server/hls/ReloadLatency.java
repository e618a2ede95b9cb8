package dev.camrelay.server.hls;

import dev.camrelay.server.http.ResponseTiming;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Any number of writers (the HTTP event loops, {@link #written}: wait-free and allocation-free, HdrHistogram's
 * {@link Recorder}) and any number of readers ({@link #snapshot}, synchronized among themselves).
 *
 * <p>The relay-side latency of LL-HLS blocking playlist reloads (RFC 8216bis §6.2.5.2): from the moment the frame that
 * completed the part a held reload was waiting for reached the relay (the ring's arrival stamp of the frame whose
 * coming closed the part; {@code SegmentStore} stamps the part with it, {@code HlsStream#storeClock}), through the
 * segmenter's poll, muxing and publication, to the moment the response announcing it was written to the viewer's socket
 * (its write succeeded: every byte handed to the kernel; {@code TimedWrite}). Only reloads that were actually held
 * count: one that found its part already there measures the client's lateness, not the relay. This is the relay's own
 * clock, so a load test judges the relay by it rather than by a loaded client's ({@code scripts/hls-load.sh} reads it
 * from {@code /metrics}). Values above {@link #MAX_MICROS} (a stall, not latency) are left out and counted.
 */
final class ReloadLatency implements ResponseTiming {

    /** Largest latency recorded: a held reload is answered within 3x TARGETDURATION (12 s) at the very most. */
    static final long MAX_MICROS = TimeUnit.SECONDS.toMicros(15);

    private final Recorder recorder = new Recorder(MAX_MICROS, 3);
    private final Histogram total = new Histogram(MAX_MICROS, 3);
    private final AtomicLong outOfRange = new AtomicLong();
    private final AtomicLong recorded = new AtomicLong();
    private Histogram interval;

    @Override
    public void written(long publishedNanos, long writtenNanos) {
        final long micros = (writtenNanos - publishedNanos) / 1000;
        if (micros < 0 || micros > MAX_MICROS) {
            outOfRange.incrementAndGet();
            return;
        }
        recorder.recordValue(micros);
        recorded.incrementAndGet();
    }

    /**
     * The latencies recorded since the previous call (in microseconds), folded into the running total too.
     *
     * @return copies the caller owns
     */
    synchronized Snapshot snapshot() {
        interval = recorder.getIntervalHistogram(interval);
        total.add(interval);
        return new Snapshot(interval.copy(), total.copy());
    }

    long outOfRange() {
        return outOfRange.get();
    }

    /** Latencies recorded since the start (a counter: the difference of two reads counts a window's). */
    long recorded() {
        return recorded.get();
    }

    /** Since the previous snapshot, and since the start. */
    record Snapshot(Histogram interval, Histogram total) {
    }
}
