package dev.camrelay.rtsp.sdp;

import java.util.List;

/**
 * H.264 fmtp parameters (RFC 6184 §8.1).
 *
 * @param packetizationMode 0 (single NAL unit), 1 (non-interleaved) or 2 (interleaved); absent means 0
 * @param profileLevelId    hex {@code profile-level-id}, "" if absent
 * @param parameterSets     SPS/PPS NAL units from {@code sprop-parameter-sets}, Annex-B start codes removed
 */
public record H264Fmtp(int packetizationMode, String profileLevelId, List<byte[]> parameterSets) {

    public H264Fmtp {
        parameterSets = List.copyOf(parameterSets);
    }

    public static H264Fmtp of(MediaDescription media) {
        int mode = 0;
        String m = media.fmtp("packetization-mode");
        if (m != null) {
            try {
                mode = Integer.parseInt(m.strip());
            } catch (NumberFormatException e) {
                mode = 0;
            }
        }
        String pli = media.fmtp("profile-level-id");
        return new H264Fmtp(mode, pli == null ? "" : pli,
                ParameterSetLists.decode(media.fmtp("sprop-parameter-sets")));
    }
}
