package dev.camrelay.hls.playlist;

import java.util.List;
import java.util.Locale;

/**
 * Renders the multivariant playlist (RFC 8216bis §4.4.6): one {@code EXT-X-STREAM-INF} per rendition with
 * BANDWIDTH, AVERAGE-BANDWIDTH, CODECS, RESOLUTION and FRAME-RATE, the attributes mediastreamvalidator asks for.
 * A pure function, safe from any thread.
 */
public final class MultivariantPlaylistRenderer {

    private MultivariantPlaylistRenderer() {
    }

    public static String render(List<VariantStream> variants) {
        if (variants.isEmpty()) {
            throw new IllegalArgumentException("a multivariant playlist needs at least one variant");
        }
        StringBuilder sb = new StringBuilder(128 + 160 * variants.size());
        sb.append(PlaylistTags.EXTM3U).append('\n');
        sb.append(PlaylistTags.VERSION_TAG).append(PlaylistTags.VERSION).append('\n');
        sb.append(PlaylistTags.INDEPENDENT_SEGMENTS).append('\n');
        for (VariantStream v : variants) {
            sb.append(PlaylistTags.STREAM_INF).append("BANDWIDTH=").append(v.bandwidth());
            if (v.averageBandwidth() > 0) {
                sb.append(",AVERAGE-BANDWIDTH=").append(v.averageBandwidth());
            }
            sb.append(",CODECS=\"").append(v.codecs()).append('"');
            if (v.width() > 0 && v.height() > 0) {
                sb.append(",RESOLUTION=").append(v.width()).append('x').append(v.height());
            }
            if (v.frameRate() > 0) {
                // FRAME-RATE is a decimal-floating-point rounded to three decimal places (§4.4.6.2)
                sb.append(",FRAME-RATE=").append(String.format(Locale.ROOT, "%.3f", v.frameRate()));
            }
            sb.append('\n').append(v.uri()).append('\n');
        }
        return sb.toString();
    }
}
