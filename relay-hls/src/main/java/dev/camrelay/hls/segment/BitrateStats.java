package dev.camrelay.hls.segment;

/**
 * Segment bit rates for the multivariant playlist's BANDWIDTH (peak) and AVERAGE-BANDWIDTH (mean)
 * (RFC 8216bis §4.4.6.2: BANDWIDTH is the peak segment bit rate; mediastreamvalidator flags more than 10 % off).
 *
 * @param peakBitsPerSecond    the highest segment bit rate over the segments held
 * @param averageBitsPerSecond total bits over total duration of those segments
 */
public record BitrateStats(long peakBitsPerSecond, long averageBitsPerSecond) {

    public static final BitrateStats NONE = new BitrateStats(0, 0);

    static BitrateStats of(Iterable<StoredSegment> segments) {
        double peak = 0;
        double bits = 0;
        double seconds = 0;
        for (StoredSegment s : segments) {
            if (!s.complete() || s.duration() <= 0) {
                continue;
            }
            final double segmentBits = 8.0 * s.length();
            peak = Math.max(peak, segmentBits / s.duration());
            bits += segmentBits;
            seconds += s.duration();
        }
        return seconds == 0 ? NONE : new BitrateStats(Math.round(Math.ceil(peak)), Math.round(bits / seconds));
    }
}
