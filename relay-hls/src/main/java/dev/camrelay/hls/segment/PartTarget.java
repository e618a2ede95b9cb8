package dev.camrelay.hls.segment;

/**
 * How a stream's advertised PART-TARGET follows from the configured one and the stream's frame duration.
 *
 * <p>Every part must last at most PART-TARGET and, unless it is independent or the last of its segment, at least
 * 85 % of it (RFC 8216bis §4.4.4.9), and a part holds whole frames. So PART-TARGET should be a whole number of frames
 * (protocols.md §4.2): at 25 fps 200 ms is five frames, but 100 ms is two and a half, and two-frame parts (80 ms)
 * would break the 85 % rule. The relay therefore <b>rounds the configured PART-TARGET up to the smallest whole number
 * of frames, at least one, that is not shorter than it</b>, per stream, from the stream's first frames: at 25 fps
 * 100 ms becomes 120 ms (three frames) and 500 ms becomes 520 ms (thirteen); at 24 fps 200 ms becomes 208.33 ms (five);
 * at 25 and 30 fps the default 200 ms stays 200 ms. Up, not down, so that a part is never shorter than what the
 * operator asked for (fewer requests per second, not more) and is at most one frame longer.
 *
 * <p>The frame duration is the primary track's first decode-time interval, or the track's nominal one (SPS VUI) when
 * the two agree within {@link #NOMINAL_TOLERANCE_PERCENT} %, which keeps one jittery interval from setting it. It is
 * fixed for the stream's life, across camera restarts (PART-TARGET must never change, §4.4.3.7): a later epoch with
 * another frame rate gets parts of as many whole frames as fit, which may fall under 85 % (counted).
 *
 * <p><b>Threading contract:</b> one instance per stream, used only by its segmenter's thread; the static rules are
 * pure functions.
 */
public final class PartTarget {

    /** How far the measured interval may be from the nominal frame duration for the nominal one to be used. */
    static final int NOMINAL_TOLERANCE_PERCENT = 10;
    /** A part shorter than this share of PART-TARGET breaks the 85 % rule unless independent or last (§4.4.4.9). */
    static final double MIN_PART_SHARE = 0.85;

    private final int configuredMillis;
    /** The advertised PART-TARGET, fixed for the stream's life once known: ticks of {@link #advertisedClock}. */
    private long advertisedTicks;
    private int advertisedClock;
    /** The current epoch's primary clock, and the values below in it. */
    private int clock;
    private long configuredTicks;
    private long nominalFrameTicks;
    private long ticks;

    PartTarget(int configuredMillis) {
        this.configuredMillis = configuredMillis;
    }

    /** A new epoch's primary track: its clock and nominal frame rate (0 if unknown). */
    void startEpoch(int clockRate, double frameRate) {
        clock = clockRate;
        configuredTicks = configuredTicks(configuredMillis, clockRate);
        nominalFrameTicks = nominalFrameTicks(frameRate, clockRate);
        ticks = fixed() ? convert(advertisedTicks, advertisedClock, clockRate) : 0;
    }

    boolean fixed() {
        return advertisedTicks > 0;
    }

    /** PART-TARGET in the current epoch's clock, or 0 until fixed. */
    long ticks() {
        return ticks;
    }

    /** The advertised PART-TARGET in seconds, or 0 until fixed. */
    double seconds() {
        return fixed() ? advertisedTicks / (double) advertisedClock : 0;
    }

    /** Fixes it from the stream's first frame interval, for good (see the class comment). */
    void fix(long firstInterval) {
        fixTicks(roundUp(configuredTicks, frameTicks(firstInterval, nominalFrameTicks)));
    }

    /** Fixes it as configured, unrounded: something must be published before any frame interval was seen. */
    void fixAsConfigured() {
        fixTicks(configuredTicks);
    }

    private void fixTicks(long t) {
        ticks = t;
        advertisedTicks = t;
        advertisedClock = clock;
    }

    /** The configured PART-TARGET in ticks of a clock (rounded down: a target is never exceeded by rounding). */
    static long configuredTicks(int millis, int clockRate) {
        return (long) millis * clockRate / 1000;
    }

    /**
     * The nominal frame duration in ticks, or 0 when the frame rate is unknown. Rounded up, so that a rate like
     * 24000/1001 (3753.75 ticks at 90 kHz, sent as 3753 and 3754) never makes a whole-frame part look too long.
     */
    static long nominalFrameTicks(double frameRate, int clockRate) {
        if (!(frameRate > 0)) {
            return 0;
        }
        return (long) Math.ceil(clockRate / frameRate - 1e-6);
    }

    /** The frame duration to round to: the nominal one when the measured interval is close to it, else the measured. */
    static long frameTicks(long measuredTicks, long nominalTicks) {
        if (nominalTicks > 0
                && Math.abs(measuredTicks - nominalTicks) * 100 <= nominalTicks * NOMINAL_TOLERANCE_PERCENT) {
            return nominalTicks;
        }
        return measuredTicks;
    }

    /** The smallest whole number of frames, at least one, not shorter than {@code configuredTicks}, in ticks. */
    static long roundUp(long configuredTicks, long frameTicks) {
        if (frameTicks <= 0) {
            throw new IllegalArgumentException("frame duration must be positive: " + frameTicks);
        }
        final long frames = Math.max(1, (configuredTicks + frameTicks - 1) / frameTicks);
        return frames * frameTicks;
    }

    /** {@code ticks} of a {@code from} clock in a {@code to} clock, rounded down. */
    static long convert(long ticks, int from, int to) {
        return from == to ? ticks : ticks * to / from;
    }
}
