package dev.camrelay.hls.playlist;

import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import dev.camrelay.hls.codec.CodecStrings;

/**
 * One {@code EXT-X-STREAM-INF} entry of the multivariant playlist (RFC 8216bis §4.4.6.2).
 *
 * @param uri              the rendition's media playlist, relative to the multivariant playlist
 * @param bandwidth        peak segment bit rate in bit/s (BANDWIDTH)
 * @param averageBandwidth mean segment bit rate in bit/s (AVERAGE-BANDWIDTH), 0 to leave out
 * @param codecs           RFC 6381 codec list (CODECS)
 * @param width            RESOLUTION width, 0 for audio-only
 * @param height           RESOLUTION height, 0 for audio-only
 * @param frameRate        FRAME-RATE, 0 to leave out
 */
public record VariantStream(String uri, long bandwidth, long averageBandwidth, String codecs, int width, int height,
                            double frameRate) {

    public VariantStream {
        if (bandwidth <= 0 || averageBandwidth < 0 || codecs.isEmpty() || uri.isEmpty()) {
            throw new IllegalArgumentException("bandwidth, codecs and uri are required: " + uri);
        }
    }

    /** The entry of a rendition: codecs from its parameter sets, resolution and frame rate from its video track. */
    public static VariantStream of(String uri, StreamFormat format, long peakBitrate, long averageBitrate) {
        TrackFormat video = format.video().orElse(null);
        return new VariantStream(uri, peakBitrate, averageBitrate, CodecStrings.of(format),
                video == null ? 0 : video.width(), video == null ? 0 : video.height(),
                video == null ? 0 : video.frameRate());
    }
}
