package dev.camrelay.hls.playlist;

/**
 * {@code EXT-X-RENDITION-REPORT} (RFC 8216bis §4.4.5.4): where another rendition's live edge is, so a player can
 * switch with one blocking request.
 *
 * @param uri      that rendition's media playlist, relative to this one (e.g. {@code ../1/index.m3u8})
 * @param lastMsn  its last Media Sequence Number
 * @param lastPart its last part index in that segment, or -1 if it has no parts
 */
public record RenditionReport(String uri, long lastMsn, int lastPart) {

    /** The report of another rendition, from that rendition's current playlist. */
    public static RenditionReport of(String uri, MediaPlaylistSnapshot other) {
        return new RenditionReport(uri, Math.max(0, other.lastMsn()), other.lastPart());
    }
}
