package dev.camrelay.rtsp.rtp;

/**
 * Threading: confined to one thread (the track's receive thread).
 *
 * <p>Turns 32-bit RTP timestamps (RFC 3550 §5.1, wrapping every 2^32 ticks: 13 h at 90 kHz) into a monotonic-ish
 * 64-bit timeline: each timestamp is placed within ±2^31 of the previous one. The first timestamp maps to itself.
 */
public final class RtpTimestampUnwrapper {

    private static final long WRAP = 1L << 32;
    private static final long HALF = 1L << 31;

    private boolean started;
    private long last;

    /** @param timestamp unsigned 32-bit RTP timestamp */
    public long unwrap(long timestamp) {
        if (!started) {
            started = true;
            last = timestamp;
            return last;
        }
        long delta = (timestamp - last) & (WRAP - 1);
        if (delta >= HALF) {
            delta -= WRAP;
        }
        last += delta;
        return last;
    }

    public void reset() {
        started = false;
    }
}
