package dev.camrelay.hls.playlist;

/**
 * The URIs the playlists contain. All are relative: a media playlist is served at
 * {@code /hls/s/{sid}/{rendition}/index.m3u8}, so its init sections, parts and segments resolve beside it and keep the
 * session path element {@code sid} (the capability); the multivariant playlist at {@code /hls/{cameraId}/index.m3u8}
 * reaches the media playlists through {@code ../s/{sid}/...}. Every media name carries the stream epoch, so a name
 * from an older epoch can never resolve to newer media.
 */
public final class HlsUris {

    public static final String MEDIA_PLAYLIST = "index.m3u8";

    private HlsUris() {
    }

    public static String init(long epoch) {
        return "init-" + epoch + ".mp4";
    }

    /**
     * A part by its stream-wide number (parts are numbered consecutively across segments and epochs), so the
     * preload hint (RFC 8216bis §4.4.5.3) names the next part before anyone knows whether a keyframe will make it
     * part 0 of a new segment.
     */
    public static String part(long epoch, long partNumber) {
        return "part-" + epoch + "-" + partNumber + ".m4s";
    }

    public static String segment(long epoch, long msn) {
        return "seg-" + epoch + "-" + msn + ".m4s";
    }

    /** A media playlist as referenced from the multivariant playlist. */
    public static String mediaPlaylistFromMultivariant(String sid, int rendition) {
        return "../s/" + sid + "/" + rendition + "/" + MEDIA_PLAYLIST;
    }

    /** Another rendition's media playlist as referenced from a media playlist (rendition reports). */
    public static String siblingMediaPlaylist(int rendition) {
        return "../" + rendition + "/" + MEDIA_PLAYLIST;
    }
}
