package dev.camrelay.rtsp.sdp;

import dev.camrelay.core.codec.h264.SequenceParameterSet;
import dev.camrelay.core.codec.h265.H265SequenceParameterSet;
import dev.camrelay.core.media.Codec;
import dev.camrelay.core.media.StreamFormat;
import dev.camrelay.core.media.TrackFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * Threading: stateless; control plane.
 *
 * <p>What the relay's core model knows of an SDP track: codec, clock rate and the codec configuration the SDP
 * carries (H.264 SPS/PPS, H.265 VPS/SPS/PPS, the AAC AudioSpecificConfig, also from inside a LATM
 * StreamMuxConfig). Parameter sets that only come in-band
 * are not here; the depacketizer's cache has them once the first keyframe arrived.
 */
public final class SdpTrackFormats {

    private SdpTrackFormats() {
    }

    /** The track's format, or null for a codec the relay does not carry. */
    public static TrackFormat of(int track, MediaDescription m) {
        return switch (m.encodingName()) {
            case "H264" -> h264(track, H264Fmtp.of(m).parameterSets());
            case "H265" -> h265(track, H265Fmtp.of(m));
            case "MPEG4-GENERIC" -> {
                AacFmtp aac = AacFmtp.of(m);
                yield aac == null ? null : TrackFormat.audio(track, Codec.AAC, aac.sampleRate(),
                        aac.channels(), List.of(aac.config()));
            }
            case "MP4A-LATM" -> {
                LatmFmtp latm = m.clockRate() > 0 ? LatmFmtp.of(m) : null;
                yield latm == null ? null : TrackFormat.audio(track, Codec.AAC, latm.asc().outputSampleRate(),
                        latm.asc().channels(), List.of(latm.config()));
            }
            // RFC 7587 §7: always opus/48000/2 in SDP, whatever the real channel count.
            case "OPUS" -> TrackFormat.audio(track, Codec.OPUS, 48_000, 2, List.of());
            case "PCMU", "PCMA" -> m.clockRate() <= 0 ? null : TrackFormat.audio(track,
                    m.encodingName().equals("PCMU") ? Codec.PCMU : Codec.PCMA, m.clockRate(),
                    Math.max(1, m.channels()), List.of());
            default -> null;
        };
    }

    /**
     * An H.264 track with the facts of its SPS (profile, level, size, frame rate; H.264 7.3.2.1.1, E.1.1) when the
     * SDP carries one in {@code sprop-parameter-sets} (RFC 6184 §8.1); zeros when it does not.
     */
    static TrackFormat h264(int track, List<byte[]> parameterSets) {
        for (byte[] nal : parameterSets) {
            SequenceParameterSet sps = SequenceParameterSet.parse(nal).orElse(null);
            if (sps != null) {
                return TrackFormat.video(track, Codec.H264, sps.profileName(), sps.levelName(), sps.width(),
                        sps.height(), sps.frameRate(), parameterSets);
            }
        }
        return TrackFormat.video(track, Codec.H264, "", "", 0, 0, 0, parameterSets);
    }

    /**
     * An H.265 track with the facts of its SPS (profile, level, size, frame rate; H.265 §7.3.2.2, §E.2.1) when the
     * SDP carries one in {@code sprop-sps} (RFC 7798 §7.1); zeros when it does not.
     */
    static TrackFormat h265(int track, H265Fmtp fmtp) {
        for (byte[] nal : fmtp.sps()) {
            H265SequenceParameterSet sps = H265SequenceParameterSet.parse(nal).orElse(null);
            if (sps != null) {
                return TrackFormat.video(track, Codec.H265, sps.profileName(), sps.levelName(), sps.width(),
                        sps.height(), sps.frameRate(), fmtp.parameterSets());
            }
        }
        return TrackFormat.video(track, Codec.H265, "", "", 0, 0, 0, fmtp.parameterSets());
    }

    /** Every carried track, numbered in order, up to {@link StreamFormat#MAX_TRACKS}. */
    public static StreamFormat of(SessionDescription sdp) {
        List<TrackFormat> tracks = new ArrayList<>();
        for (MediaDescription m : sdp.media()) {
            if (tracks.size() >= StreamFormat.MAX_TRACKS) {
                break;
            }
            TrackFormat t = of(tracks.size(), m);
            if (t != null) {
                tracks.add(t);
            }
        }
        return new StreamFormat(tracks);
    }

    /**
     * The format of tracks already chosen (a session's, in its track order); each must be carried.
     *
     * @throws IllegalArgumentException if one is not (misuse: the caller chose it)
     */
    public static StreamFormat ofTracks(List<MediaDescription> chosen) {
        List<TrackFormat> tracks = new ArrayList<>();
        for (MediaDescription m : chosen) {
            TrackFormat t = of(tracks.size(), m);
            if (t == null) {
                throw new IllegalArgumentException("not a carried track: " + m.encodingName());
            }
            tracks.add(t);
        }
        return new StreamFormat(tracks);
    }
}
