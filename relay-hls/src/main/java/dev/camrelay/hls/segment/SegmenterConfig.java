package dev.camrelay.hls.segment;

/**
 * Fixed settings of one stream's segmenter. They do not change during a stream's life: PART-TARGET and
 * TARGETDURATION must stay the same in every playlist reload (RFC 8216bis §4.4.3.1, §4.4.3.7; iOS breaks otherwise).
 *
 * @param partTargetMillis      the configured PART-TARGET; the one a stream advertises is this rounded up to a whole
 *                              number of its frames ({@link PartTarget}), so 200 ms stays 200 ms at 25 or 30 fps
 * @param targetDurationSeconds TARGETDURATION; a segment reaching it without a keyframe is cut anyway (counted)
 * @param minSegmentMillis      a keyframe starts a new segment only once the current one is this long, so short
 *                              GOPs make fewer, longer segments
 * @param playlistSegments      complete segments listed in the playlist (gohlslib and iOS want at least 7)
 */
public record SegmenterConfig(int partTargetMillis, int targetDurationSeconds, int minSegmentMillis,
                              int playlistSegments) {

    public static final int DEFAULT_PART_TARGET_MILLIS = 200;
    /**
     * The shortest PART-TARGET accepted: below it a player makes more than ten part requests a second and the
     * {@code moof} of each part outweighs the little media in it (Apple's authoring guidance uses 0.2-1 s parts).
     */
    public static final int MIN_PART_TARGET_MILLIS = 100;
    /**
     * The longest PART-TARGET accepted: half the default TARGETDURATION, so a segment always holds parts (RFC
     * 8216bis §4.4.3.7 only needs it below TARGETDURATION; longer parts lose what low latency is for).
     */
    public static final int MAX_PART_TARGET_MILLIS = 2_000;
    public static final int DEFAULT_TARGET_DURATION_SECONDS = 4;
    public static final int DEFAULT_MIN_SEGMENT_MILLIS = 1_000;
    public static final int DEFAULT_PLAYLIST_SEGMENTS = 7;

    public SegmenterConfig {
        if (partTargetMillis <= 0 || targetDurationSeconds < 1 || partTargetMillis >= targetDurationSeconds * 1000
                || minSegmentMillis < 0 || minSegmentMillis > targetDurationSeconds * 1000 || playlistSegments < 1) {
            throw new IllegalArgumentException("bad segmenter config " + partTargetMillis + "/"
                    + targetDurationSeconds + "/" + minSegmentMillis + "/" + playlistSegments
                    + " (PART-TARGET must be positive and below TARGETDURATION)");
        }
    }

    public static SegmenterConfig defaults() {
        return new SegmenterConfig(DEFAULT_PART_TARGET_MILLIS, DEFAULT_TARGET_DURATION_SECONDS,
                DEFAULT_MIN_SEGMENT_MILLIS, DEFAULT_PLAYLIST_SEGMENTS);
    }

    /** The same settings with another configured PART-TARGET. */
    public SegmenterConfig withPartTargetMillis(int millis) {
        return new SegmenterConfig(millis, targetDurationSeconds, minSegmentMillis, playlistSegments);
    }

    public double partTargetSeconds() {
        return partTargetMillis / 1000.0;
    }
}
