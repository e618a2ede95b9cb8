package dev.camrelay.rtsp.rtp;

/**
 * Threading: confined to one thread (the track's receive thread).
 *
 * <p>Maps a track's RTP timestamps to the sender's wallclock from its latest sender report (RFC 3550 §6.4.1):
 * {@code wallclock = NTP_SR + (ts - RTP_SR) / clockRate}. Also keeps what a receiver report needs: LSR (the middle
 * 32 bits of the SR's NTP timestamp) and when the SR arrived, for DLSR.
 */
public final class RtpClockMapping {

    /** Seconds from the NTP epoch (1900-01-01) to the Unix epoch (RFC 868 / RFC 5905). */
    public static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final int clockRate;
    private boolean valid;
    private long srUnixNanos;
    private long srRtpTimestamp;
    private long srNtp;
    private long srArrivalNanos;

    public RtpClockMapping(int clockRate) {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clockRate must be positive: " + clockRate);
        }
        this.clockRate = clockRate;
    }

    /** Records a sender report that arrived at {@code arrivalNanos} (any monotonic clock). */
    public void onSenderReport(long ntpTimestamp, long rtpTimestamp, long arrivalNanos) {
        srNtp = ntpTimestamp;
        srUnixNanos = ntpToUnixNanos(ntpTimestamp);
        srRtpTimestamp = rtpTimestamp & 0xFFFF_FFFFL;
        srArrivalNanos = arrivalNanos;
        valid = true;
    }

    public boolean hasSenderReport() {
        return valid;
    }

    /**
     * Sender wallclock (Unix epoch nanoseconds) of a 32-bit RTP timestamp, taken within ±2^31 ticks of the SR's;
     * {@link Long#MIN_VALUE} before the first SR.
     */
    public long wallclockNanos(long rtpTimestamp) {
        if (!valid) {
            return Long.MIN_VALUE;
        }
        long delta = (int) ((rtpTimestamp & 0xFFFF_FFFFL) - srRtpTimestamp);
        return srUnixNanos + Math.floorDiv(delta * NANOS_PER_SECOND, clockRate);
    }

    /** RTP timestamp (32-bit) at a sender wallclock; the inverse of {@link #wallclockNanos}. */
    public long rtpTimestampAt(long unixNanos) {
        long ticks = Math.floorDiv((unixNanos - srUnixNanos) * clockRate, NANOS_PER_SECOND);
        return (srRtpTimestamp + ticks) & 0xFFFF_FFFFL;
    }

    /** LSR field of a receiver report: the middle 32 bits of the last SR's NTP timestamp, 0 if none. */
    public long lastSrMiddle32() {
        return valid ? (srNtp >>> 16) & 0xFFFF_FFFFL : 0;
    }

    /** DLSR field: delay since the last SR in units of 1/65536 s, 0 if none (RFC 3550 §6.4.1). */
    public long delaySinceLastSr(long nowNanos) {
        if (!valid) {
            return 0;
        }
        long units = (nowNanos - srArrivalNanos) * 65_536 / NANOS_PER_SECOND;
        return Math.max(0, Math.min(units, 0xFFFF_FFFFL));
    }

    /** Unix epoch nanoseconds of a 64-bit NTP timestamp (era 0, until 2036). */
    public static long ntpToUnixNanos(long ntp) {
        long seconds = (ntp >>> 32) - NTP_UNIX_OFFSET_SECONDS;
        long fractionNanos = ((ntp & 0xFFFF_FFFFL) * NANOS_PER_SECOND) >>> 32;
        return seconds * NANOS_PER_SECOND + fractionNanos;
    }

    /** The 64-bit NTP timestamp of Unix epoch nanoseconds. */
    public static long unixNanosToNtp(long unixNanos) {
        long seconds = Math.floorDiv(unixNanos, NANOS_PER_SECOND);
        long nanos = Math.floorMod(unixNanos, NANOS_PER_SECOND);
        long fraction = (nanos << 32) / NANOS_PER_SECOND;
        return ((seconds + NTP_UNIX_OFFSET_SECONDS) << 32) | fraction;
    }
}
