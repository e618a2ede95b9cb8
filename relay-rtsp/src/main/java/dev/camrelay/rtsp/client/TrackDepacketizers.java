package dev.camrelay.rtsp.client;

import dev.camrelay.rtsp.depacketize.AacDepacketizer;
import dev.camrelay.rtsp.depacketize.AccessUnitSink;
import dev.camrelay.rtsp.depacketize.FramePerPacketDepacketizer;
import dev.camrelay.rtsp.depacketize.H264Depacketizer;
import dev.camrelay.rtsp.depacketize.H265Depacketizer;
import dev.camrelay.rtsp.depacketize.LatmDepacketizer;
import dev.camrelay.rtsp.depacketize.RtpDepacketizer;
import dev.camrelay.rtsp.sdp.AacFmtp;
import dev.camrelay.rtsp.sdp.H264Fmtp;
import dev.camrelay.rtsp.sdp.H265Fmtp;
import dev.camrelay.rtsp.sdp.LatmFmtp;
import dev.camrelay.rtsp.sdp.MediaDescription;

/**
 * Threading: stateless; control plane.
 *
 * <p>Picks the depacketizer for an SDP media section by its encoding name (RFC 6184, RFC 7798, RFC 3640, RFC 6416,
 * RFC 7587, RFC 3551), seeded with the SDP's parameter sets; null for a codec the relay does not carry.
 */
public final class TrackDepacketizers {

    private TrackDepacketizers() {
    }

    /** @param audioOnly true when the stream has no video: audio frames are then keyframes */
    public static RtpDepacketizer create(int track, MediaDescription media, AccessUnitSink sink, boolean audioOnly) {
        switch (media.encodingName()) {
            case "H264" -> {
                H264Depacketizer d = new H264Depacketizer(track, sink);
                d.setParameterSets(H264Fmtp.of(media).parameterSets());
                return d;
            }
            case "H265" -> {
                H265Fmtp fmtp = H265Fmtp.of(media);
                H265Depacketizer d = new H265Depacketizer(track, sink, fmtp.maxDonDiff());
                d.setParameterSets(fmtp.parameterSets());
                return d;
            }
            case "MPEG4-GENERIC" -> {
                AacFmtp aac = AacFmtp.of(media);
                return aac == null ? null : new AacDepacketizer(track, sink, aac.sizeLength(), aac.indexLength(),
                        aac.indexDeltaLength(), aac.samplesPerFrame(), audioOnly);
            }
            case "MP4A-LATM" -> {
                LatmFmtp latm = LatmFmtp.of(media);
                return latm == null ? null : new LatmDepacketizer(track, sink, latm, media.clockRate(), audioOnly);
            }
            case "OPUS" -> {
                return FramePerPacketDepacketizer.opus(track, sink, audioOnly);
            }
            case "PCMU", "PCMA" -> {
                return FramePerPacketDepacketizer.g711(track, sink, audioOnly);
            }
            default -> {
                return null;
            }
        }
    }
}
