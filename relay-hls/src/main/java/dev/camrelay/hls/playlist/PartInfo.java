package dev.camrelay.hls.playlist;

/**
 * One Partial Segment ({@code EXT-X-PART}, RFC 8216bis §4.4.4.9) as the playlist shows it.
 *
 * @param index       position inside its segment, from 0
 * @param duration    seconds
 * @param independent whether it starts with an IDR/IRAP ({@code INDEPENDENT=YES})
 */
public record PartInfo(int index, double duration, boolean independent) {

    public PartInfo {
        if (index < 0 || !(duration >= 0)) {
            throw new IllegalArgumentException("bad part " + index + " duration " + duration);
        }
    }
}
