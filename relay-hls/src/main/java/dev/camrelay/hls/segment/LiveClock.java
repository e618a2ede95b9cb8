package dev.camrelay.hls.segment;

/**
 * Maps one epoch's media time (its primary track's decode timestamps) to the wall-clock time at which that media was
 * live at the relay, for {@code EXT-X-PROGRAM-DATE-TIME} (RFC 8216bis §4.4.4.6) and so for a player's glass-to-glass
 * latency.
 *
 * <p><b>Threading contract:</b> single-threaded; owned by the stream's segmenter thread.
 *
 * <p>Why not simply "now" at the first keyframe: a stream's reader starts at the latest keyframe in its ring, which
 * may be most of a GOP old, and drains that backlog in microseconds; dating the media by when it was <em>read</em>
 * would make every program date time up to a GOP too new. Only a frame read the moment it was published tells when
 * it was live: one the reader found after it had been idle ({@link #sample}). The mapping is the smallest
 * wall-minus-media offset among such samples (arrival jitter only ever adds delay), allowed to rise by
 * {@link #DRIFT_PER_MILLION} of the elapsed time so that a camera clock slower than the wall clock is followed too.
 * Until the first live sample it is provisional ({@link #provisional}).
 */
final class LiveClock {

    /** How fast the estimate may rise, in parts per million of wall time (camera crystals drift ~50 ppm). */
    static final long DRIFT_PER_MILLION = 1_000;
    private static final long MICROS_PER_SECOND = 1_000_000;

    private long clockRate = 1;
    private long offsetMicros;
    private long lastSampleWallMicros;
    private boolean known;
    private boolean live;

    /** Starts a new epoch's mapping: nothing known. */
    void reset(int primaryClockRate) {
        clockRate = primaryClockRate;
        known = false;
        live = false;
    }

    /** Before any live sample: assume the frame at {@code dts} is live at {@code wallMillis} (a backlog's guess). */
    void provisional(long dts, long wallMillis) {
        if (!live) {
            offsetMicros = wallMillis * 1000 - mediaMicros(dts);
            known = true;
        }
    }

    /**
     * The primary frame at {@code dts} was read as soon as it was published, at {@code wallMillis}.
     *
     * @return how far the mapping moved, in microseconds, if this was the epoch's first live sample (its provisional
     *         dates are that much off), else 0
     */
    long sample(long dts, long wallMillis) {
        final long wallMicros = wallMillis * 1000;
        final long candidate = wallMicros - mediaMicros(dts);
        if (!live) {
            final long moved = known ? candidate - offsetMicros : 0;
            offsetMicros = candidate;
            lastSampleWallMicros = wallMicros;
            known = true;
            live = true;
            return moved;
        }
        final long allowed = offsetMicros
                + Math.max(0, wallMicros - lastSampleWallMicros) * DRIFT_PER_MILLION / MICROS_PER_SECOND;
        offsetMicros = Math.min(candidate, allowed);
        lastSampleWallMicros = wallMicros;
        return 0;
    }

    /** Whether a live sample has been seen in this epoch. */
    boolean live() {
        return live;
    }

    /** Wall-clock milliseconds at which the media at {@code dts} was live (best estimate so far). */
    long wallMillis(long dts) {
        return Math.floorDiv(mediaMicros(dts) + offsetMicros, 1000);
    }

    private long mediaMicros(long dts) {
        // split so that no decode timestamp can overflow (a plain dts * 10^6 would past ~3 years at 90 kHz)
        return Math.floorDiv(dts, clockRate) * MICROS_PER_SECOND
                + Math.floorMod(dts, clockRate) * MICROS_PER_SECOND / clockRate;
    }
}
