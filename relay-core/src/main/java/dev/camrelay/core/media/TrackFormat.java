package dev.camrelay.core.media;

import java.util.Arrays;
import java.util.List;

/**
 * Immutable description of one track of a stream: what a muxer or packetizer needs before the first frame.
 *
 * @param trackId       index of the track inside its stream (0..{@link StreamFormat#MAX_TRACKS}-1)
 * @param codec         codec of the access units of this track
 * @param clockRate     timestamp units per second of {@link AccessUnit} PTS/DTS on this track
 * @param profile       codec profile as shown to operators (e.g. "High", "Main"), or "" if unknown
 * @param level         codec level (e.g. "4.0"), or "" if unknown
 * @param width         luma width in pixels (video), 0 for audio or unknown
 * @param height        luma height in pixels (video), 0 for audio or unknown
 * @param frameRate     nominal frames per second (video), 0 if unknown
 * @param sampleRate    samples per second (audio), 0 for video
 * @param channels      audio channels, 0 for video
 * @param parameterSets codec configuration (H.264: SPS, PPS; H.265: VPS, SPS, PPS; AAC: AudioSpecificConfig),
 *                      each element one NAL unit or config blob without start code; copied on construction
 */
public record TrackFormat(
        int trackId,
        Codec codec,
        int clockRate,
        String profile,
        String level,
        int width,
        int height,
        double frameRate,
        int sampleRate,
        int channels,
        List<byte[]> parameterSets) {

    public TrackFormat {
        if (trackId < 0 || trackId >= StreamFormat.MAX_TRACKS) {
            throw new IllegalArgumentException("trackId out of range: " + trackId);
        }
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clockRate must be positive: " + clockRate);
        }
        parameterSets = parameterSets.stream().map(b -> Arrays.copyOf(b, b.length)).toList();
    }

    /** Parameter sets are defensive copies; callers must not rely on identity. */
    @Override
    public List<byte[]> parameterSets() {
        return parameterSets.stream().map(b -> Arrays.copyOf(b, b.length)).toList();
    }

    public static TrackFormat video(int trackId, Codec codec, String profile, String level, int width, int height,
                                    double frameRate, List<byte[]> parameterSets) {
        return new TrackFormat(trackId, codec, 90_000, profile, level, width, height, frameRate, 0, 0,
                parameterSets);
    }

    public static TrackFormat audio(int trackId, Codec codec, int sampleRate, int channels, List<byte[]> config) {
        return new TrackFormat(trackId, codec, sampleRate, "", "", 0, 0, 0, sampleRate, channels, config);
    }
}
