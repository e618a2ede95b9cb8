package dev.camrelay.hls.segment;

/**
 * Fixed settings of one stream's segmenter. They do not change during a stream's life: PART-TARGET and
 * TARGETDURATION must stay the same in every playlist reload (RFC 8216bis §4.4.3.1, §4.4.3.7; iOS breaks otherwise).
 *
 * @param partTargetMillis      PART-TARGET; should be a multiple of the frame duration (200 ms = 5 frames at 25 fps)
 * @param targetDurationSeconds TARGETDURATION; a segment reaching it without a keyframe is cut anyway (counted)
 * @param minSegmentMillis      a keyframe starts a new segment only once the current one is this long, so short
 *                              GOPs make fewer, longer segments
 * @param playlistSegments      complete segments listed in the playlist (gohlslib and iOS want at least 7)
 * @param retainedSegments      segments kept downloadable after leaving the playlist (RFC 8216bis §6.2.2)
 */
public record SegmenterConfig(int partTargetMillis, int targetDurationSeconds, int minSegmentMillis,
                              int playlistSegments, int retainedSegments) {

    public static final int DEFAULT_PART_TARGET_MILLIS = 200;
    public static final int DEFAULT_TARGET_DURATION_SECONDS = 4;
    public static final int DEFAULT_MIN_SEGMENT_MILLIS = 1_000;
    public static final int DEFAULT_PLAYLIST_SEGMENTS = 7;
    public static final int DEFAULT_RETAINED_SEGMENTS = 3;

    public SegmenterConfig {
        if (partTargetMillis <= 0 || targetDurationSeconds < 1 || partTargetMillis > targetDurationSeconds * 1000
                || minSegmentMillis < 0 || minSegmentMillis > targetDurationSeconds * 1000 || playlistSegments < 1
                || retainedSegments < 0) {
            throw new IllegalArgumentException("bad segmenter config " + partTargetMillis + "/"
                    + targetDurationSeconds + "/" + minSegmentMillis + "/" + playlistSegments + "/"
                    + retainedSegments);
        }
    }

    public static SegmenterConfig defaults() {
        return new SegmenterConfig(DEFAULT_PART_TARGET_MILLIS, DEFAULT_TARGET_DURATION_SECONDS,
                DEFAULT_MIN_SEGMENT_MILLIS, DEFAULT_PLAYLIST_SEGMENTS, DEFAULT_RETAINED_SEGMENTS);
    }

    public double partTargetSeconds() {
        return partTargetMillis / 1000.0;
    }
}
